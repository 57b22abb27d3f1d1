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


# Each backend is one module with `from_settings(settings) -> ChatLLM`; a new one is a module and
# a line here (imported only when chosen: llama.cpp alone loads a 1 GB model).
BACKENDS = {
    "llamacpp": "qa.llms.embedded:from_settings",
    "openai_like": "qa.llms.openai_like:from_settings",
    "ollama": "qa.llms.ollama:from_settings",
}


def _load(settings: QASettings) -> ChatLLM:
    import importlib

    module, _, factory = BACKENDS[settings.llm.backend].partition(":")
    return getattr(importlib.import_module(module), factory)(settings)
