"""Index backends behind one seam (`IndexBase`), chosen by `index_backend`:

- "local" (default): FAISS + tantivy in versioned folders under `index_dir` (index/store.py);
- "milvus": one Milvus collection per index, dense + in-engine BM25, hybrid search
  (index/backends/milvus.py); `milvus_uri` empty means Milvus Lite in `index_dir`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from index.backends.base import IndexBase
from index.config import IndexSettings
from index.manifest import Manifest


def _milvus():
    try:
        from index.backends import milvus
    except ModuleNotFoundError as exc:
        from index.backends.base import IndexError_

        raise IndexError_(
            f"index_backend = 'milvus' needs pymilvus ({exc.name} is missing): "
            "pip install -e .[milvus]"
        ) from None
    return milvus


def open_index(settings: IndexSettings, writable: bool = False) -> IndexBase:
    if settings.index.backend == "milvus":
        return _milvus().MilvusIndex.open(settings, writable)
    from index.store import NewsIndex

    return NewsIndex.open(settings.resolved_index_dir(), settings.embed.model, writable)


def index_exists(settings: IndexSettings) -> bool:
    if settings.index.backend == "milvus":
        return _milvus().MilvusIndex.exists(settings)
    from index.store import NewsIndex

    return NewsIndex.exists(settings.resolved_index_dir())


def read_manifest(settings: IndexSettings) -> Manifest:
    if settings.index.backend == "milvus":
        return _milvus().MilvusIndex.read_manifest(settings)
    from index.store import NewsIndex

    return NewsIndex.read_manifest(settings.resolved_index_dir())[1]


def create_index(settings: IndexSettings, manifest: Manifest) -> IndexBase:
    """A new, empty index (a rebuild replaces the old one when saved)."""
    if settings.index.backend == "milvus":
        return _milvus().MilvusIndex.create(settings, manifest)
    from index.store import NewsIndex

    return NewsIndex.create(settings.resolved_index_dir(), manifest)


@contextmanager
def writer_lock(settings: IndexSettings) -> Iterator[None]:
    """One writer at a time: a file lock beside a local or Milvus Lite index; a Milvus server
    orders concurrent writes itself."""
    from index.store import write_lock

    if settings.index.backend == "milvus" and settings.milvus.uri:
        yield
        return
    with write_lock(settings.resolved_index_dir()):
        yield


def describe(settings: IndexSettings) -> str:
    if settings.index.backend == "milvus":
        return _milvus().location(settings)
    return str(settings.resolved_index_dir())
