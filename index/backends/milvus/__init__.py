"""The Milvus backend: chunks, documents and a pointer to the live generation, in Milvus.

- `{name}_meta` holds one row, the pointer: the live generation, a version id that changes on
  every save (readers compare it before each question, as the local backend compares CURRENT),
  and the committed batch.
- `{name}_{gen}_chunks`: one row per chunk: its node (text + metadata), dense vector, the
  engine's own BM25 sparse vector (a BM25 Function over `text` with the English analyzer), the
  filter fields `doc_id`, `source`, `day`, and the `batch` (build) that wrote it. Search is
  `hybrid_search`: dense + BM25 fused by RRF.
- `{name}_{gen}_docs`: one row per article version (its record and MinHash signature, keyed by
  batch and a hash of the id), the manifest header (embedding model, chunking), and the full
  text of near-duplicate copies in parts.

Commits are atomic although Milvus has no transactions: every build writes its chunks and records
under a new batch number, and readers see only batches up to the pointer's committed one. The
pointer switch is the commit. The rows a commit retires (old versions, removed articles) stay
hidden by the pointer until deleted right after it, so what search can return is exactly what
`index list` shows after a kill at any moment; the next writer deletes what a killed build left
(uncommitted batches, retired rows, a killed rebuild's generation). Row keys are hashes: no
article id can collide with an internal row or break an expression (ids are quoted in filters).
`milvus_uri` empty means Milvus Lite (the C++ engine embedded, a file under index_dir; one
process at a time); "http://host:19530" a Milvus server or cluster.
"""

from contextlib import AbstractContextManager, nullcontext

from index.backends.milvus.client import connect, disconnect, lite_path, location
from index.backends.milvus.store import MilvusIndex
from index.config import IndexSettings
from index.manifest import Manifest

__all__ = ["MilvusIndex", "connect", "disconnect", "lite_path", "location"]


# The backend's functions as index/backends looks them up (one set per backend module).
def open_index(settings: IndexSettings, writable: bool = False) -> MilvusIndex:
    return MilvusIndex.open(settings, writable)


def index_exists(settings: IndexSettings) -> bool:
    return MilvusIndex.exists(settings)


def read_manifest(settings: IndexSettings) -> Manifest:
    return MilvusIndex.read_manifest(settings)


def create_index(settings: IndexSettings, manifest: Manifest) -> MilvusIndex:
    return MilvusIndex.create(settings, manifest)


def writer_lock(settings: IndexSettings) -> AbstractContextManager:
    """A file lock beside Milvus Lite's file; a server orders concurrent writes itself."""
    from index.store import write_lock

    return nullcontext() if settings.milvus.uri else write_lock(settings.resolved_index_dir())


def describe(settings: IndexSettings) -> str:
    return location(settings)
