"""The one interface every LLM backend implements: stream a chat reply."""

from abc import ABC, abstractmethod
from collections.abc import Iterator

from index.errors import ModelUnavailableError


class LLMError(ModelUnavailableError):
    """The LLM could not be loaded or reached; the message says what to fix."""


class ChatLLM(ABC):
    name: str  # shown in the UI and reports, e.g. "llama.cpp: qwen2.5-coder-1.5b-instruct-q4_k_m"

    @abstractmethod
    def stream(
        self,
        messages: list[dict],
        max_tokens: int = 256,
        temperature: float = 0.0,
        grammar: str | None = None,
    ) -> Iterator[str]:
        """Yield pieces of the assistant's reply to OpenAI-style messages.

        `grammar` (llama.cpp GBNF) constrains the reply where the backend supports it; the
        others rely on the prompt, and the verifier checks what comes back either way."""

    def complete(
        self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0
    ) -> str:
        return "".join(self.stream(messages, max_tokens, temperature))

    def warm(self, openings: list[list[dict]]) -> None:
        """Prepare for prompts that start with these conversation openings (a backend with a
        prompt cache reads them now, once); a no-op elsewhere."""
        return None

    def preference(self, messages: list[dict], first: str, second: str) -> float | None:
        """How much more the model wants to open its reply with `first` than with `second`:
        the difference of their next-token logits (log-odds). None where the backend does not
        expose logits (then the reply's own first word stands)."""
        return None

    def reply_logprob(self, messages: list[dict], reply: str) -> float | None:
        """The model's log-probability of answering `messages` with exactly `reply` (its own
        confidence in, say, a refusal). None where the backend does not expose logits."""
        return None

    def forget(self) -> None:
        """Drop any live context so the next prompt is read in full (benchmarks)."""
        return None

    def count_tokens(self, text: str) -> int:
        """Prompt size in the model's tokens (a rough count where the backend cannot tell)."""
        return max(1, len(text) // 4)
