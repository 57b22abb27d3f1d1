"""Any OpenAI-compatible server (llama.cpp server, Ollama's /v1, vLLM, OpenAI) via llama-index."""

from collections.abc import Iterator

from qa.llms.base import ChatLLM, LLMError


def to_llama_messages(messages: list[dict]):
    from llama_index.core.llms import ChatMessage

    return [ChatMessage(role=m["role"], content=m["content"]) for m in messages]


class OpenAILikeLLM(ChatLLM):
    def __init__(self, model: str, api_base: str, api_key: str, timeout: float = 120.0):
        try:
            from llama_index.llms.openai_like import OpenAILike
        except ImportError:
            raise LLMError(
                "the openai_like backend needs: pip install llama-index-llms-openai-like"
            ) from None
        self._llm = OpenAILike(
            model=model,
            api_base=api_base,
            api_key=api_key,
            is_chat_model=True,
            timeout=timeout,
            context_window=8192,
        )
        self.name = f"OpenAI-compatible: {model} at {api_base}"

    def stream(
        self,
        messages: list[dict],
        max_tokens: int = 256,
        temperature: float = 0.0,
        grammar: str | None = None,
    ) -> Iterator[str]:
        try:
            for chunk in self._llm.stream_chat(
                to_llama_messages(messages), max_tokens=max_tokens, temperature=temperature
            ):
                if chunk.delta:
                    yield chunk.delta
        except Exception as exc:  # the client raises many connection error types
            raise LLMError(f"{self.name}: {exc}") from None


def from_settings(settings) -> OpenAILikeLLM:
    llm = settings.llm
    return OpenAILikeLLM(llm.model, llm.api_base, llm.api_key, llm.timeout_s)
