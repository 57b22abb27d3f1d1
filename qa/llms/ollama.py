"""A local Ollama server, natively, via llama-index."""

from collections.abc import Iterator

from qa.llms.base import ChatLLM, LLMError
from qa.llms.openai_like import to_llama_messages


class OllamaLLM(ChatLLM):
    def __init__(self, model: str, base_url: str, timeout: float = 120.0):
        try:
            from llama_index.llms.ollama import Ollama
        except ImportError:
            raise LLMError(
                "the ollama backend needs: pip install llama-index-llms-ollama"
            ) from None
        self._llm = Ollama(model=model, base_url=base_url, request_timeout=timeout)
        self.name = f"Ollama: {model} at {base_url}"

    def stream(
        self,
        messages: list[dict],
        max_tokens: int = 256,
        temperature: float = 0.0,
        grammar: str | None = None,
    ) -> Iterator[str]:
        try:
            for chunk in self._llm.stream_chat(
                to_llama_messages(messages),
                options={"num_predict": max_tokens, "temperature": temperature},
            ):
                if chunk.delta:
                    yield chunk.delta
        except Exception as exc:
            raise LLMError(f"{self.name}: {exc}") from None


def from_settings(settings) -> OllamaLLM:
    llm = settings.llm
    return OllamaLLM(llm.model, llm.api_base.removesuffix("/v1"), llm.timeout_s)
