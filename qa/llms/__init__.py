"""LLM backends, one module each; `load_llm` picks the one the settings name."""

from qa.llms.base import ChatLLM, LLMError
from qa.settings import QASettings

__all__ = ["ChatLLM", "LLMError", "load_llm"]


def load_llm(settings: QASettings) -> ChatLLM:
    key = (
        settings.llm_backend,
        str(settings.llm_model_path or ""),
        settings.llm_model,
        settings.llm_api_base,
        settings.llm_threads,
        settings.llm_context,
        settings.llm_cpu_variant,
        str(settings.data_dir),
    )
    # One model per process: loading the GGUF takes seconds and ~1 GB.
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = _load(settings)
    return _LOADED[key]


_LOADED: dict[tuple, ChatLLM] = {}


def _load(settings: QASettings) -> ChatLLM:
    if settings.llm_backend == "llamacpp":
        from qa.llms.cpu_choice import proven_variant
        from qa.llms.llamacpp import LlamaCppLLM
        from qa.model_files import ModelFileError, packaged_gguf

        try:
            path = settings.llm_model_path or packaged_gguf(settings.data_dir / "models")
        except ModelFileError as exc:
            raise LLMError(str(exc)) from None
        # Never the variant ggml would pick unseen: one that ran in a child on this machine.
        choice = proven_variant(settings.data_dir, path, settings.llm_cpu_variant)
        return LlamaCppLLM(
            path,
            choice.variant,
            n_ctx=settings.llm_context,
            n_threads=settings.llm_threads,
        )
    if settings.llm_backend == "openai_like":
        from qa.llms.openai_like import OpenAILikeLLM

        return OpenAILikeLLM(
            settings.llm_model, settings.llm_api_base, settings.llm_api_key, settings.llm_timeout_s
        )
    from qa.llms.ollama import OllamaLLM

    base = settings.llm_api_base.removesuffix("/v1")
    return OllamaLLM(settings.llm_model, base, settings.llm_timeout_s)
