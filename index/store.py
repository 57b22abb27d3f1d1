"""The persistent index: FAISS vectors, nodes and a manifest, switched atomically on save.

On disk, INDEX_DIR/CURRENT names the live version folder. A save writes a new folder in full,
then replaces CURRENT with os.replace, so a crash or Ctrl-C at any moment leaves the previous
version readable. Writers hold an exclusive lock for the whole load-modify-save.
"""

import difflib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from llama_index.core.schema import MetadataMode, TextNode

from index.articles import Article
from index.config import FLAT_MAX_VECTORS
from index.dedup import COPIES_FILE, Duplicates, signature, similarity
from index.dedup import FILE as DUPLICATES_FILE
from index.embedding import same_space
from index.errors import DocumentNotFoundError, NewsqaError
from index.faiss_store import FaissStore
from index.manifest import DocRecord, Manifest
from index.text_store import TextStore
from index.vector_index import VectorIndexInfo

CURRENT = "CURRENT"
TEXT_DIR = "text"
# Chunks embedded per call: several batches of 32, across article boundaries.
EMBED_GROUP = 1024
LOCK = ".lock"


class IndexError_(NewsqaError, RuntimeError):
    """Base for index problems the CLI reports as one clear line."""


class IndexMissingError(IndexError_):
    pass


class IndexMismatchError(IndexError_):
    pass


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # (copy, original): near-duplicates of indexed articles, recorded without chunks
    copies: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)


class IndexFormatError(IndexError_):
    pass


class NewsIndex:
    """One version of the index; a writable one works in its own folder until save()."""

    def __init__(
        self, folder: Path, manifest: Manifest, store: FaissStore, work: Path | None = None
    ):
        self.folder = Path(folder)
        self.manifest = manifest
        self.store = store
        self._work = work  # the tmp- version folder a writable index saves into
        self.version: str | None = None  # the v- folder it was read from
        self._dups: Duplicates | None = None  # loaded when a write needs it
        self._copies_by_original: dict[str, tuple[str, ...]] | None = None
        self._originals_by_source: dict[str, set[str]] = {}
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
        if embed_model is not None and not same_space(embed_model, manifest.embed_model):
            raise IndexMismatchError(
                f"the index at {folder} was built with embedding model "
                f"{manifest.embed_model!r} ({manifest.embed_dim} dimensions), but the settings "
                f"name {embed_model!r}. Set NEWSQA_EMBED_MODEL={manifest.embed_model} or "
                "rebuild with: newsqa index build --rebuild PATH..."
            )
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

    @staticmethod
    def current_version(folder: Path) -> str | None:
        """The version CURRENT names now: one small read, cheap enough for every question."""
        try:
            return (Path(folder) / CURRENT).read_text("utf-8").strip() or None
        except OSError:
            return None

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

    def documents(self) -> dict[str, DocRecord]:
        return dict(self.manifest.documents)

    def also_reported_by(self, doc_id: str) -> tuple[str, ...]:
        """The outlets (or titles) of the copies of an indexed article, for its citations."""
        self._group_copies()
        return self._copies_by_original.get(doc_id, ())

    def _group_copies(self) -> None:
        # Once per version (reset by any change to copies): questions read it, never the manifest.
        if self._copies_by_original is not None:
            return
        groups: dict[str, list[str]] = {}
        by_source: dict[str, set[str]] = {}
        for rec in self.manifest.documents.values():
            if rec.duplicate_of:
                groups.setdefault(rec.duplicate_of, []).append(rec.source or rec.title)
                if rec.source:
                    by_source.setdefault(rec.source, set()).add(rec.duplicate_of)
        self._copies_by_original = {k: tuple(dict.fromkeys(v)) for k, v in groups.items()}
        self._originals_by_source = by_source

    def originals_copied_from(self, sources: list[str]) -> list[str]:
        """Indexed articles a copy from one of these outlets stands for."""
        self._group_copies()
        return sorted({d for s in sources for d in self._originals_by_source.get(s, ())})

    def copies_of(self, doc_id: str) -> list[Article]:
        return [
            self.duplicates.copies[d]
            for d, rec in self.manifest.documents.items()
            if rec.duplicate_of == doc_id and d in self.duplicates.copies
        ]

    @property
    def duplicates(self) -> Duplicates:
        if self._dups is None:
            self._dups = self._load_duplicates()
        return self._dups

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

    # ---- changing ------------------------------------------------------------------------

    def upsert(
        self,
        articles: list[Article],
        chunker: Callable[[Article], list[TextNode]],
        embed: Callable[[list[str]], list[list[float]]],
        progress: Callable[[int], None] = lambda n: None,
        on_error: Callable[[Article, Exception], None] | None = None,
        dedup: bool = True,
    ) -> BuildReport:
        """Add new articles, replace changed ones, leave identical ones alone.

        A near-duplicate of an indexed article from another outlet (index/dedup.py) is recorded
        as its copy, without chunks. An article the chunker cannot split goes to `on_error`
        (when given) and is skipped; the others are still indexed.
        """
        started = time.perf_counter()
        report = BuildReport()
        chunking = self.manifest.chunking

        pending: list[tuple[Article, list[TextNode]]] = []

        def flush() -> None:
            # One embed call for many articles: full batches, and texts of many lengths for the
            # embedder to sort into batches of alike lengths (less padding).
            texts = [
                n.get_content(metadata_mode=MetadataMode.EMBED)
                for _, nodes in pending
                for n in nodes
            ]
            vectors = iter(embed(texts)) if texts else iter(())
            for article, nodes in pending:
                for node in nodes:
                    node.embedding = next(vectors)
                self._apply(article, nodes, chunking, report)
                progress(1)
            pending.clear()

        queue = list(articles)
        while queue:
            article = queue.pop(0)
            old = self.manifest.documents.get(article.doc_id)
            if old and old.content_hash == article.content_hash and old.chunking == chunking:
                report.unchanged.append(article.doc_id)
                progress(1)
                continue
            if dedup:
                sig = signature(article.body)
                original = self.duplicates.find(sig, article.doc_id, article.source)
                if original is not None:
                    if any(a.doc_id == article.doc_id for a, _ in pending):
                        flush()
                    self._record_copy(article, original, sig, report)
                    progress(1)
                    continue
                queue.extend(self._detach_copies(article.doc_id, sig))
                self.duplicates.add_original(article.doc_id, sig, article.source)
            if any(a.doc_id == article.doc_id for a, _ in pending):
                flush()  # the same id twice in one build: the later one replaces the first
            try:
                nodes = chunker(article)
            except (ValueError, RecursionError) as exc:
                if dedup:
                    self.duplicates.drop(article.doc_id)
                if on_error is None:
                    raise
                on_error(article, exc)
                progress(1)
                continue
            pending.append((article, nodes))
            if sum(len(nodes) for _, nodes in pending) >= EMBED_GROUP:
                flush()
        flush()
        report.seconds = time.perf_counter() - started
        return report

    def _record_copy(self, article: Article, original: str, sig, report: BuildReport) -> None:
        old = self.manifest.documents.get(article.doc_id)
        if old is not None:
            if old.chunks:
                self.store.delete(article.doc_id)
            report.replaced.append(article.doc_id)
            for rec in self.manifest.documents.values():
                if rec.duplicate_of == article.doc_id:  # its own copies follow it
                    rec.duplicate_of = original
        else:
            report.added.append(article.doc_id)
        self.duplicates.add_copy(article, sig)
        self.manifest.documents[article.doc_id] = self._record(article, 0, original)
        self._copies_by_original = None
        report.copies.append((article.doc_id, original))

    def _detach_copies(self, doc_id: str, sig) -> list[Article]:
        """Copies of `doc_id` its new text no longer resembles: indexed in their own right."""
        detached = []
        for copy in self.copies_of(doc_id):
            if similarity(self.duplicates.signatures[copy.doc_id], sig) < self.duplicates.threshold:
                self.manifest.documents.pop(copy.doc_id)
                self.duplicates.drop(copy.doc_id)
                detached.append(copy)
        self._copies_by_original = None
        return detached

    def _record(self, article: Article, chunks: int, duplicate_of: str | None = None) -> DocRecord:
        return DocRecord(
            title=article.title,
            content_hash=article.content_hash,
            chunks=chunks,
            origin=article.origin,
            chunking=self.manifest.chunking,
            source=article.source,
            published_at=article.published_at,
            url=article.url,
            indexed_at=datetime.now(UTC).isoformat(timespec="seconds"),
            duplicate_of=duplicate_of,
        )

    def _apply(
        self, article: Article, nodes: list[TextNode], chunking: str, report: BuildReport
    ) -> None:
        if article.doc_id in self.manifest.documents:
            if self.manifest.documents[article.doc_id].chunks:
                self.store.delete(article.doc_id)
            report.replaced.append(article.doc_id)
        else:
            report.added.append(article.doc_id)
        self.store.add(nodes)
        self.manifest.documents[article.doc_id] = self._record(article, len(nodes))
        report.chunks += len(nodes)

    def remove(self, doc_id: str) -> DocRecord:
        if doc_id not in self.manifest.documents:
            ids = list(self.manifest.documents)
            close = difflib.get_close_matches(doc_id, ids, n=5, cutoff=0.5)
            hint = (
                f"closest: {', '.join(close)}"
                if close
                else f"{len(ids)} documents; see: newsqa index list"
            )
            raise DocumentNotFoundError(f"no document {doc_id!r} in {self.folder} ({hint})")
        record = self.manifest.documents.pop(doc_id)
        if record.chunks:
            self.store.delete(doc_id)
        # Its copies lose their original: detached here, re-indexed by the caller (copies_of
        # before the removal), the first one taking over as the original.
        for rec_id, rec in list(self.manifest.documents.items()):
            if rec.duplicate_of == doc_id:
                self.manifest.documents.pop(rec_id)
        self.duplicates.drop(doc_id)
        self._copies_by_original = None
        return record

    # ---- saving --------------------------------------------------------------------------

    def save(self, flat_max: int = FLAT_MAX_VECTORS) -> None:
        """Write this version in full, then switch CURRENT to it in one atomic rename."""
        if self._work is None:
            raise RuntimeError("this index was opened read-only")
        tmp, self._work = self._work, None
        name = tmp.name.removeprefix("tmp-")
        self.store.persist(str(tmp), flat_max=flat_max)
        self._save_duplicates(tmp)
        self.manifest.vector_index = self.store.info.to_dict()
        self.manifest.save(tmp)
        for child in tmp.rglob("*"):
            if child.is_file():
                _fsync(child)
        tmp.rename(self.folder / name)
        previous = self.current_version(self.folder)
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


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def write_lock(folder: Path) -> Iterator[None]:
    """Serialize writers across threads and processes (two uploads must not lose one)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
