"""LLM backends, one module each; `load_llm` picks the one the settings name."""

from qa.llms.base import ChatLLM, LLMError
from qa.settings import QASettings

__all__ = ["ChatLLM", "LLMError", "load_llm"]


def load_llm(settings: QASettings) -> ChatLLM:
    key = (
        settings.llm.backend,
        str(settings.llm.model_path or ""),
        settings.llm.model,
        settings.llm.api_base,
        settings.llm.threads,
        settings.llm.context,
        settings.llm.cpu_variant,
        str(settings.data_dir),
    )
    # One model per process: loading the GGUF takes seconds and ~1 GB.
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = _load(settings)
    return _LOADED[key]


_LOADED: dict[tuple, ChatLLM] = {}


def _load(settings: QASettings) -> ChatLLM:
    if settings.llm.backend == "llamacpp":
        from qa.llms.cpu_choice import proven_variant
        from qa.llms.llamacpp import LlamaCppLLM
        from qa.model_files import ModelFileError, packaged_gguf

        try:
            path = settings.llm.model_path or packaged_gguf(settings.data_dir / "models")
        except ModelFileError as exc:
            raise LLMError(str(exc)) from None
        # Never the variant ggml would pick unseen: one that ran in a child on this machine.
        choice = proven_variant(settings.data_dir, path, settings.llm.cpu_variant)
        return LlamaCppLLM(
            path,
            choice.variant,
            n_ctx=settings.llm.context,
            n_threads=settings.llm.threads,
        )
    if settings.llm.backend == "openai_like":
        from qa.llms.openai_like import OpenAILikeLLM

        return OpenAILikeLLM(
            settings.llm.model, settings.llm.api_base, settings.llm.api_key, settings.llm.timeout_s
        )
    from qa.llms.ollama import OllamaLLM

    base = settings.llm.api_base.removesuffix("/v1")
    return OllamaLLM(settings.llm.model, base, settings.llm.timeout_s)
