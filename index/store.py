"""The persistent index: FAISS vectors, nodes and a manifest, switched atomically on save.

On disk, INDEX_DIR/CURRENT names the live version folder. A save writes a new folder in full,
then replaces CURRENT with os.replace, so a crash or Ctrl-C at any moment leaves the previous
version readable. Writers hold an exclusive lock for the whole load-modify-save.
"""

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from llama_index.core.schema import MetadataMode, TextNode

from index.backends.base import (  # noqa: F401 (the errors and values are imported from here too)
    EMBED_GROUP,
    BuildReport,
    Hit,
    IndexBase,
    IndexError_,
    IndexFormatError,
    IndexMismatchError,
    IndexMissingError,
    SearchFilters,
    check_embed_model,
)
from index.config import FLAT_MAX_VECTORS
from index.dedup import COPIES_FILE, Duplicates, signature
from index.dedup import FILE as DUPLICATES_FILE
from index.faiss_store import FaissStore
from index.local_search import fused_search
from index.manifest import Manifest
from index.text_store import TextStore
from index.vector_index import VectorIndexInfo

CURRENT = "CURRENT"
TEXT_DIR = "text"
LOCK = ".lock"


class NewsIndex(IndexBase):
    """The local backend: one version of the index (FAISS vectors, tantivy texts and BM25,
    filter columns, manifest) in a folder; a writable one works in its own folder until save()."""

    def __init__(
        self, folder: Path, manifest: Manifest, store: FaissStore, work: Path | None = None
    ):
        super().__init__(manifest)
        self.folder = Path(folder)
        self.store = store
        self._work = work  # the tmp- version folder a writable index saves into
        store.set_copies(self.originals_copied_from)

    # ---- opening -------------------------------------------------------------------------

    @staticmethod
    def exists(folder: Path) -> bool:
        return (Path(folder) / CURRENT).is_file()

    @classmethod
    def read_manifest(cls, folder: Path) -> tuple[Path, Manifest]:
        """The live version folder and its manifest, without loading vectors or texts."""
        folder = Path(folder)
        if not cls.exists(folder):
            raise IndexMissingError(
                f"no index at {folder}; build one with: newsqa index build seeds/"
            )
        version = folder / (folder / CURRENT).read_text("utf-8").strip()
        try:
            return version, Manifest.load(version)
        except (ValueError, TypeError, KeyError, OSError) as exc:
            raise IndexFormatError(f"cannot read the index at {folder}: {exc}") from None

    @classmethod
    def open(
        cls, folder: Path, embed_model: str | None = None, writable: bool = False
    ) -> "NewsIndex":
        folder = Path(folder)
        version, manifest = cls.read_manifest(folder)
        check_embed_model(str(folder), embed_model, manifest)
        work = None
        if writable:
            work = cls._new_work_folder(folder)
            text = TextStore.branch(version / TEXT_DIR, work / TEXT_DIR)
        else:
            text = TextStore(version / TEXT_DIR)
        info = VectorIndexInfo(**manifest.vector_index)
        try:
            store = FaissStore.load(version, manifest.embed_dim, info, text)
        except (ValueError, RuntimeError) as exc:
            raise IndexFormatError(f"cannot read the index at {folder}: {exc}") from None
        index = cls(folder, manifest, store, work)
        index.version = version.name
        return index

    def current_version(self) -> str | None:
        return current_version(self.folder)

    @property
    def where(self) -> str:
        return str(self.folder)

    @classmethod
    def create(cls, folder: Path, manifest: Manifest) -> "NewsIndex":
        work = cls._new_work_folder(Path(folder))
        store = FaissStore(dim=manifest.embed_dim, text=TextStore(work / TEXT_DIR))
        return cls(Path(folder), manifest, store, work)

    @staticmethod
    def _new_work_folder(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"v-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        work = folder / f"tmp-{name}"
        work.mkdir()
        return work

    # ---- reading -------------------------------------------------------------------------

    def nodes(self) -> list[TextNode]:
        return self.store.nodes()

    def chunk_count(self) -> int:
        return len(self.store)

    def search(
        self,
        query_words: list[str],
        query_vec: list[float],
        dense_k: int,
        sparse_k: int,
        top_k: int,
        filters: SearchFilters | None = None,
    ) -> list[Hit]:
        if len(self.store) == 0:
            return []
        fused, cosines = fused_search(
            self.store, query_words, query_vec, dense_k, sparse_k, top_k, filters
        )

        def cosine(node_id: str) -> float:
            # A chunk only BM25 found has no cosine yet: its stored vector gives it.
            if node_id in cosines:
                return cosines[node_id]
            return self.similarity(query_vec, node_id)

        return [Hit(h.node, float(h.score or 0.0), cosine(h.node.node_id)) for h in fused]

    def vector(self, node_id: str) -> list[float] | None:
        return self.store.vector(node_id)

    def _add_chunks(self, nodes: list[TextNode]) -> None:
        self.store.add(nodes)

    def _delete_chunks(self, doc_id: str) -> None:
        self.store.delete(doc_id)

    def _load_duplicates(self) -> Duplicates:
        version = self.folder / self.version if self.version else None
        if version is None:
            return Duplicates()
        if (version / DUPLICATES_FILE).is_file():
            return Duplicates.load(version)
        # An index from before duplicates were tracked: signatures from its stored chunks.
        dups = Duplicates()
        texts: dict[str, list[str]] = {}
        for _, node in self.store.text.all_nodes():
            doc = node.metadata.get("doc_id", node.ref_doc_id or "")
            texts.setdefault(doc, []).append(node.get_content(metadata_mode=MetadataMode.NONE))
        for doc_id, parts in texts.items():
            if doc_id in self.manifest.documents:
                source = self.manifest.documents[doc_id].source
                dups.add_original(doc_id, signature(" ".join(parts)), source)
        return dups

    # ---- saving --------------------------------------------------------------------------

    def save(self, flat_max: int | None = FLAT_MAX_VECTORS) -> None:
        """Write this version in full, then switch CURRENT to it in one atomic rename."""
        if self._work is None:
            raise RuntimeError("this index was opened read-only")
        tmp, self._work = self._work, None
        name = tmp.name.removeprefix("tmp-")
        self.store.persist(str(tmp), flat_max=flat_max or FLAT_MAX_VECTORS)
        self._save_duplicates(tmp)
        self.manifest.vector_index = self.store.info.to_dict()
        self.manifest.save(tmp)
        for child in tmp.rglob("*"):
            if child.is_file():
                _fsync(child)
        tmp.rename(self.folder / name)
        previous = current_version(self.folder)
        pointer = self.folder / f"{CURRENT}.tmp"
        pointer.write_text(name + "\n", "utf-8")
        _fsync(pointer)
        os.replace(pointer, self.folder / CURRENT)  # the atomic switch
        self.version = name
        _fsync(self.folder)
        self._drop_old_versions(keep={name, previous} - {None})

    def _save_duplicates(self, tmp: Path) -> None:
        if self._dups is not None:
            self._dups.save(tmp)
            return
        # Untouched by this write: the files carry over (loading 100k signatures would not).
        old = self.folder / self.version if self.version else None
        for name in (DUPLICATES_FILE, COPIES_FILE):
            if old is not None and (old / name).is_file():
                shutil.copyfile(old / name, tmp / name)

    def discard(self) -> None:
        """Drop a writable index's unsaved work (a build that changed nothing)."""
        if self._work is not None:
            self.store.text.rollback()
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    def _drop_old_versions(self, keep: set[str]) -> None:
        """Keep the new version and the one CURRENT named a moment ago (readers may still be
        opening it); drop every other version and every crash orphan. Decided by what CURRENT
        pointed to, never by folder-name order: an orphan from a crash sorts newest. Writers
        hold the lock, so no other tmp- folder can be in use."""
        for child in self.folder.iterdir():
            if child.name.startswith(("v-", "tmp-")) and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)


def current_version(folder: Path) -> str | None:
    """The version CURRENT names now: one small read, cheap enough for every question."""
    try:
        return (Path(folder) / CURRENT).read_text("utf-8").strip() or None
    except OSError:
        return None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock across threads and processes, held while the block runs."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_lock(folder: Path):
    """Serialize writers across threads and processes (two uploads must not lose one)."""
    return file_lock(Path(folder) / LOCK)
