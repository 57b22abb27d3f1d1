"""Offline hygiene: nothing may reach a model hub or an analytics endpoint."""

import os
from pathlib import Path


def apply(data_dir: Path | None = None) -> None:
    """Set the environment before any Hugging Face, llama-index or Gradio import."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Chunking tokenizes whole articles on purpose; the >256 warning is noise there.
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    if data_dir is not None:
        cache = Path(data_dir).resolve() / "cache"
        # Keep every library's cache under the project's data dir, not scattered in $HOME.
        os.environ.setdefault("LLAMA_INDEX_CACHE_DIR", str(cache / "llama_index"))
        os.environ.setdefault("GRADIO_TEMP_DIR", str(cache / "gradio"))
        os.environ.setdefault("HF_HOME", str(cache / "hf"))
