"""Index backends behind one seam (`IndexBase`), chosen by `[index] backend`:

- "local" (default): FAISS + tantivy in versioned folders under `index_dir` (index/backends/local.py
  over index/store.py);
- "milvus": one Milvus collection per index, dense + in-engine BM25, hybrid search
  (index/backends/milvus/); `[milvus] uri` empty means Milvus Lite in `index_dir`.

Each backend is one module with the same six functions (open_index, index_exists, read_manifest,
create_index, writer_lock, describe); a new backend is a module and a line in BACKENDS.
"""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from index.backends.base import IndexBase, IndexError_
from index.config import IndexSettings
from index.manifest import Manifest

BACKENDS = {"local": "index.backends.local", "milvus": "index.backends.milvus"}
# What to install when a backend's module cannot be imported.
EXTRAS = {"milvus": "pymilvus: pip install -e .[milvus]"}


def backend(settings: IndexSettings) -> ModuleType:
    name = settings.index.backend
    try:
        return importlib.import_module(BACKENDS[name])
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("index."):
            raise
        raise IndexError_(
            f"[index] backend = {name!r} needs {EXTRAS.get(name, exc.name)} ({exc.name} is missing)"
        ) from None


def open_index(settings: IndexSettings, writable: bool = False) -> IndexBase:
    return backend(settings).open_index(settings, writable)


def index_exists(settings: IndexSettings) -> bool:
    return backend(settings).index_exists(settings)


def read_manifest(settings: IndexSettings) -> Manifest:
    return backend(settings).read_manifest(settings)


def create_index(settings: IndexSettings, manifest: Manifest) -> IndexBase:
    """A new, empty index (a rebuild replaces the old one when saved)."""
    return backend(settings).create_index(settings, manifest)


@contextmanager
def writer_lock(settings: IndexSettings) -> Iterator[None]:
    """One writer at a time: a file lock beside a local or Milvus Lite index; a Milvus server
    orders concurrent writes itself."""
    with backend(settings).writer_lock(settings):
        yield


def describe(settings: IndexSettings) -> str:
    return backend(settings).describe(settings)
