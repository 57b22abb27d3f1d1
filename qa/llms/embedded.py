"""The `llamacpp` backend's factory: the packaged model (or `llm.model_path`) loaded on the CPU
library proven to run on this machine. Apart from llamacpp.py, which cpu_choice reads."""

from qa.llms.base import LLMError
from qa.llms.cpu_choice import proven_variant
from qa.llms.llamacpp import LlamaCppLLM
from qa.model_files import ModelFileError, packaged_gguf


def from_settings(settings) -> LlamaCppLLM:
    """The embedded model: the packaged GGUF (or `llm.model_path`) on the CPU library proven to
    run on this machine."""
    try:
        path = settings.llm.model_path or packaged_gguf(settings.data_dir / "models")
    except ModelFileError as exc:
        raise LLMError(str(exc)) from None
    # Never the variant ggml would pick unseen: one that ran in a child on this machine.
    choice = proven_variant(settings.data_dir, path, settings.llm.cpu_variant)
    return LlamaCppLLM(
        path, choice.variant, n_ctx=settings.llm.context, n_threads=settings.llm.threads
    )
