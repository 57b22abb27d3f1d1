"""Shared fixtures: the real packaged embedder, real FAISS, indexes in temporary folders."""

import json
import os
import shutil
from pathlib import Path

import pytest

from index import embedding, offline
from tests.fakes import FAKE_MODEL, FakeEmbedding

offline.apply()
# Settings naming FAKE_MODEL embed with the bag-of-words fake (plumbing tests load no model).
embedding.REGISTERED[FAKE_MODEL] = lambda batch, threads: FakeEmbedding(model_name=FAKE_MODEL)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
APOLOGY_Q = "Why did Trump demand an apology from Netanyahu?"


def multihop_dir() -> Path:
    """MultiHop-RAG as shared with the project (read in place: its licence forbids copying)."""
    candidates = [os.environ.get("NEWSQA_MULTIHOP_DIR"), ROOT.parent / "shared", "/work/shared"]
    for base in filter(None, candidates):
        base = Path(base)
        folder = base if (base / "dev.jsonl").exists() else base / "benchmarks" / "multihop-rag"
        if (folder / "dev.jsonl").exists():
            return folder
    pytest.skip(
        "MultiHop-RAG not found (evaluation data, never copied into the repository): set "
        "NEWSQA_MULTIHOP_DIR or put it in ../shared"
    )


def multihop_rows(name: str) -> list[dict]:
    with open(multihop_dir() / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture
def settings(tmp_path, monkeypatch):
    from index.config import IndexSettings

    # Isolated from any newsqa.toml or NEWSQA_* of the developer's shell.
    monkeypatch.setenv("NEWSQA_CONFIG", str(tmp_path / "absent.toml"))
    return IndexSettings(data_dir=tmp_path / "data", index_dir=tmp_path / "index")


BACKENDS = ("local", "milvus")


@pytest.fixture(params=BACKENDS)
def backend_settings(request, settings):
    """The same behavioural test on each index backend (Milvus: the embedded Milvus Lite)."""
    settings.index.backend = request.param
    yield settings
    if request.param == "milvus":
        from index.backends.milvus import disconnect

        disconnect(settings)


@pytest.fixture
def seeded(backend_settings, seed_index_dir):
    """The seed article indexed on each backend (local: a copy of the session's index)."""
    from index import builder

    if backend_settings.index.backend == "local":
        shutil.copytree(seed_index_dir, backend_settings.resolved_index_dir())
    else:
        assert not builder.build([SEEDS], backend_settings).errors
    return backend_settings


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory) -> Path:
    """The seed articles indexed once per session; tests copy it before changing it."""
    from index import builder
    from index.config import IndexSettings

    folder = tmp_path_factory.mktemp("seed-index")
    s = IndexSettings(data_dir=folder / "data", index_dir=folder / "index")
    outcome = builder.build([SEEDS], s)
    assert not outcome.errors
    return s.resolved_index_dir()


@pytest.fixture(scope="session")
def fake_seed_index_dir(tmp_path_factory) -> Path:
    """The seed articles indexed once per session with the bag-of-words fake embedder: for
    plumbing tests, which then load no embedding model (their settings: embed=FAKE_EMBED)."""
    from index import builder
    from index.config import IndexSettings

    folder = tmp_path_factory.mktemp("fake-seed-index")
    s = IndexSettings(data_dir=folder / "data", index_dir=folder / "index", embed=FAKE_EMBED)
    outcome = builder.build([SEEDS], s)
    assert not outcome.errors
    return s.resolved_index_dir()


FAKE_EMBED = {"model": FAKE_MODEL}


@pytest.fixture
def seed_copy(seed_index_dir, settings) -> Path:
    shutil.copytree(seed_index_dir, settings.resolved_index_dir())
    return settings.resolved_index_dir()


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
