"""What every index backend shares: document records, near-duplicates, and the upsert and
removal logic over them. A backend supplies where chunks live (add, delete, search) and how a
version is saved; `index/store.py` is the local one (FAISS + tantivy in versioned folders),
`index/backends/milvus/` the Milvus one.
"""

import difflib
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from llama_index.core.schema import MetadataMode, TextNode

from index.articles import Article
from index.dedup import Duplicates, copy_verdict, signature, similarity
from index.embedding import same_space
from index.errors import DocumentNotFoundError, NewsqaError
from index.manifest import DocRecord, Manifest

# Chunks embedded per call: several batches of 32, across article boundaries.
EMBED_GROUP = 1024


class IndexError_(NewsqaError, RuntimeError):
    """Base for index problems the CLI reports as one clear line."""


class IndexMissingError(IndexError_):
    pass


class IndexMismatchError(IndexError_):
    pass


class IndexFormatError(IndexError_):
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


@dataclass(frozen=True)
class SearchFilters:
    """What a search may return: chunks of these outlets (None: any) and days (ordinals)."""

    sources: tuple[str, ...] | None = None
    day_from: int | None = None
    day_to: int | None = None


@dataclass(frozen=True)
class Hit:
    node: TextNode
    score: float  # fused rank score
    similarity: float  # dense cosine of the query to this chunk: what the refusal gate reads


def check_embed_model(where: str, wanted: str | None, manifest: Manifest) -> None:
    """Refuse to mix vectors of another embedding model into (or query) an index."""
    if wanted is not None and not same_space(wanted, manifest.embed_model):
        raise IndexMismatchError(
            f"the index at {where} was built with embedding model {manifest.embed_model!r} "
            f"({manifest.embed_dim} dimensions), but the settings name {wanted!r}. Set "
            f"NEWSQA_EMBED__MODEL={manifest.embed_model} or rebuild with: newsqa index build "
            "--rebuild PATH..."
        )


class IndexBase(ABC):
    """One index as the builder and the retriever use it, whatever the engine."""

    manifest: Manifest
    version: str | None

    def __init__(self, manifest: Manifest):
        self.manifest = manifest
        self.version = None
        self._dups: Duplicates | None = None  # loaded when a write needs it
        self._copies_by_original: dict[str, tuple[str, ...]] | None = None
        self._originals_by_source: dict[str, set[str]] = {}

    # ---- what a backend supplies -----------------------------------------------------------

    @property
    @abstractmethod
    def where(self) -> str:
        """Where the index lives, for messages (a folder, a Milvus URI and collection)."""

    @abstractmethod
    def _add_chunks(self, nodes: list[TextNode]) -> None: ...

    @abstractmethod
    def _delete_chunks(self, doc_id: str) -> None: ...

    @abstractmethod
    def _load_duplicates(self) -> Duplicates: ...

    @abstractmethod
    def chunk_count(self) -> int: ...

    @abstractmethod
    def nodes(self) -> list[TextNode]: ...

    @abstractmethod
    def search(
        self,
        query_words: list[str],
        query_vec: list[float],
        dense_k: int,
        sparse_k: int,
        top_k: int,
        filters: SearchFilters | None = None,
    ) -> list[Hit]:
        """Dense and BM25 hits fused by reciprocal rank (sparse_k 0: dense only); the words
        are the query's, free of any query syntax."""

    @abstractmethod
    def vector(self, node_id: str) -> list[float] | None:
        """The stored vector of one chunk (None if there is no such chunk)."""

    def similarity(self, query_vec: list[float], node_id: str) -> float:
        """Cosine of a query to one stored chunk (the vectors are normalized)."""
        vec = self.vector(node_id)
        return 0.0 if vec is None else float(np.dot(np.asarray(query_vec, dtype="float32"), vec))

    @abstractmethod
    def save(self, flat_max: int | None = None) -> None:
        """Make every change since opening visible to readers."""

    @abstractmethod
    def discard(self) -> None:
        """Drop unsaved changes where the engine can (a build that changed nothing)."""

    @abstractmethod
    def current_version(self) -> str | None:
        """The version readers would open now: a cheap check before each question."""

    # ---- reading -------------------------------------------------------------------------

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

    def is_unchanged(self, article: Article) -> bool:
        """Indexed already with this text and the current chunking: nothing to do."""
        old = self.manifest.documents.get(article.doc_id)
        return (
            old is not None
            and old.content_hash == article.content_hash
            and old.chunking == self.manifest.chunking
        )

    @property
    def duplicates(self) -> Duplicates:
        if self._dups is None:
            self._dups = self._load_duplicates()
        return self._dups

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

        pending: list[tuple[Article, list[TextNode]]] = []
        bodies: dict[str, str] = {}  # this build's originals (not all stored yet)

        def flush() -> None:
            # One embed call for many articles: full batches, and texts of many lengths for the
            # embedder to sort into batches of alike lengths (less padding).
            # Nodes embedded elsewhere (a Ray cluster) arrive with their vectors.
            todo = [n for _, nodes in pending for n in nodes if n.embedding is None]
            texts = [n.get_content(metadata_mode=MetadataMode.EMBED) for n in todo]
            for node, vector in zip(todo, embed(texts) if texts else [], strict=True):
                node.embedding = vector
            for article, nodes in pending:
                self._apply(article, nodes, report)
                progress(1)
            pending.clear()

        queue = list(articles)
        while queue:
            article = queue.pop(0)
            if self.is_unchanged(article):
                report.unchanged.append(article.doc_id)
                progress(1)
                continue
            if any(a.doc_id == article.doc_id for a, _ in pending):
                flush()  # the same id twice in one build: the later one replaces the first
            if dedup:
                sig = signature(article.body)
                original = next(
                    (
                        key
                        for key in self.duplicates.find(sig, article.doc_id, article.source)
                        if copy_verdict(article.body, self._text_of(key, bodies)) is None
                    ),
                    None,
                )
                if original is not None:
                    self._record_copy(article, original, sig, report)
                    progress(1)
                    continue
                bodies[article.doc_id] = article.body
                queue.extend(self._detach_copies(article.doc_id, sig))
                self.duplicates.add_original(article.doc_id, sig, article.source)
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

    def _text_of(self, doc_id: str, bodies: dict[str, str]) -> str:
        """An indexed article's text: its body when this build read it, else its chunks joined
        (they overlap, so every run of words in the body is inside one of them)."""
        if doc_id in bodies:
            return bodies[doc_id]
        return "\n".join(self._chunk_texts(doc_id))

    def _chunk_texts(self, doc_id: str) -> list[str]:
        return [n.get_content() for n in self.nodes() if n.ref_doc_id == doc_id]

    def _record_copy(self, article: Article, original: str, sig, report: BuildReport) -> None:
        old = self.manifest.documents.get(article.doc_id)
        if old is not None:
            if old.chunks:
                self._delete_chunks(article.doc_id)
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

    def _apply(self, article: Article, nodes: list[TextNode], report: BuildReport) -> None:
        if article.doc_id in self.manifest.documents:
            if self.manifest.documents[article.doc_id].chunks:
                self._delete_chunks(article.doc_id)
            report.replaced.append(article.doc_id)
        else:
            report.added.append(article.doc_id)
        self._add_chunks(nodes)
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
            raise DocumentNotFoundError(f"no document {doc_id!r} in {self.where} ({hint})")
        record = self.manifest.documents.pop(doc_id)
        if record.chunks:
            self._delete_chunks(doc_id)
        # Its copies lose their original: detached here, re-indexed by the caller (copies_of
        # before the removal), the first one taking over as the original.
        for rec_id, rec in list(self.manifest.documents.items()):
            if rec.duplicate_of == doc_id:
                self.manifest.documents.pop(rec_id)
                self.duplicates.drop(rec_id)
        self.duplicates.drop(doc_id)
        self._copies_by_original = None
        return record
