"""Index operations as the CLI and UI use them: build/update, remove, list, open."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index import backends
from index.articles import Article, origin_file, with_capped_title
from index.backends.base import IndexBase, IndexMismatchError
from index.components import chunker_for, embedder_for
from index.config import IndexSettings
from index.embedding import dimension
from index.errors import DocumentNotFoundError
from index.fetch import FetchLimits, is_url
from index.loaders import Problem, load_paths, with_distinct_id
from index.manifest import DocRecord, Manifest
from index.pages import load_pages


@dataclass
class BuildOutcome:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (copy, original)
    chunks: int = 0
    seconds: float = 0.0
    cluster_seconds: float = 0.0  # of `seconds`: chunking and embedding on a Ray cluster
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def build(
    paths: list[Path | str],
    settings: IndexSettings,
    rebuild: bool = False,
    on_start: Callable[[int], None] = lambda total: None,
    on_progress: Callable[[int], None] = lambda n: None,
    ray: str | None = None,
) -> BuildOutcome:
    """Load, chunk, embed and save; bad files are reported and the rest still indexed.
    http(s) URLs among the paths are fetched as article pages. `ray`: chunk and embed on a
    Ray cluster at that address ("local": one started here)."""
    urls = [str(p) for p in paths if is_url(str(p))]
    loaded = load_paths([Path(p) for p in paths if not is_url(str(p))], settings.index.max_file_mb)
    if urls:
        pages = load_pages(urls, FetchLimits.from_settings(settings))
        loaded.articles += pages.articles
        loaded.problems += pages.problems
    where = ", ".join(str(p) for p in paths)
    return build_articles(
        loaded.articles, settings, rebuild, on_start, on_progress, loaded.problems, where, ray
    )


def build_articles(
    loaded_articles: list[Article],
    settings: IndexSettings,
    rebuild: bool = False,
    on_start: Callable[[int], None] = lambda total: None,
    on_progress: Callable[[int], None] = lambda n: None,
    problems: list[Problem] | None = None,
    where: str = "",
    ray: str | None = None,
) -> BuildOutcome:
    """Chunk, embed and save articles already loaded (from files, pages or feeds)."""
    outcome = BuildOutcome(problems=list(problems or []))
    loaded_articles = [
        with_capped_title(a, settings.index.max_title_chars) for a in loaded_articles
    ]
    if not loaded_articles:
        if rebuild and backends.index_exists(settings):
            # A mistyped path must not empty a working index.
            outcome.problems.append(
                Problem(
                    where,
                    "nothing to index, so the rebuild did not happen; the index is unchanged",
                )
            )
        return outcome
    with backends.writer_lock(settings):
        # Load the latest version under the lock so a concurrent writer's work is kept.
        index = None
        existed = backends.index_exists(settings)
        if not rebuild and existed:
            index = backends.open_index(settings, writable=True)
            articles = keep_others(loaded_articles, index.documents(), outcome.problems)
        else:
            articles = loaded_articles
        if index is None:
            embedder = embedder_for(settings)
            index = backends.create_index(
                settings,
                Manifest(
                    embed_model=settings.embed.model,
                    embed_dim=dimension(embedder),
                    chunk_size=settings.index.chunk_size,
                    chunk_overlap=settings.index.chunk_overlap,
                ),
            )
        # Articles indexed again under new chunking settings are re-chunked (see upsert).
        index.manifest.chunk_size = settings.index.chunk_size
        index.manifest.chunk_overlap = settings.index.chunk_overlap
        # The model loads only when some article really changed: a no-op build stays fast.
        lazy = _LazyEmbedding(settings, index.manifest.embed_dim)
        chunk, cluster_s = lazy.chunk, 0.0
        if ray is not None:
            chunk, cluster_s = _chunked_on_ray(
                articles, index, settings, ray, on_start, on_progress
            )
            on_progress = lambda n: None  # noqa: E731 (the bar counted the cluster's work)
        else:
            on_start(len(articles))

        def on_error(article, exc: Exception) -> None:
            msg = f"cannot chunk ({type(exc).__name__}: {exc}); skipped"
            outcome.problems.append(Problem(article.origin, msg))

        try:
            report = index.upsert(
                articles, chunk, lazy.embed, on_progress, on_error, settings.index.dedup
            )
            if report.changed or rebuild or not existed:
                index.save(settings.index.flat_max_vectors)
        finally:
            index.discard()  # no-op after save; drops the work folder otherwise
    outcome.added, outcome.replaced, outcome.unchanged = (
        report.added,
        report.replaced,
        report.unchanged,
    )
    outcome.copies = report.copies
    outcome.chunks, outcome.seconds = report.chunks, report.seconds + cluster_s
    outcome.cluster_seconds = cluster_s
    return outcome


def _chunked_on_ray(
    articles: list[Article],
    index: IndexBase,
    settings: IndexSettings,
    address: str,
    on_start: Callable[[int], None],
    on_progress: Callable[[int], None],
) -> tuple[Callable[[Article], list], float]:
    """Send the articles that changed to the cluster; a chunker that hands back its work, and
    the seconds the cluster took."""
    from index import ray_ingest

    todo = [a for a in articles if not index.is_unchanged(a)]
    on_start(len(todo))
    started = time.perf_counter()
    done = ray_ingest.chunk_and_embed(todo, settings, address, on_progress=on_progress)
    seconds = time.perf_counter() - started

    def chunk(article: Article) -> list:
        result = done[article.doc_id]
        if isinstance(result, Exception):
            raise result
        return result

    return chunk, seconds


def keep_others(
    articles: list[Article], indexed: dict[str, DocRecord], problems: list[Problem]
) -> list[Article]:
    """Articles whose id an indexed article from another file already has.

    The same file, or the same text moved elsewhere, is the same article (replaced or left
    alone). A made-up id (from a file name or title) of a different article gets a suffix, so
    `a/report.txt` never replaces `b/report.txt`; a given `id`/`url` replaces, and says so.
    """
    out = []
    for article in articles:
        old = indexed.get(article.doc_id)
        if (
            old is None
            or old.content_hash == article.content_hash
            or _same_file(old.origin, article.origin)
        ):
            out.append(article)
            continue
        if article.id_given:
            problems.append(
                Problem(
                    article.origin,
                    f"replaces the article indexed as {article.doc_id!r} from {old.origin} "
                    "(same id)",
                    severity="warning",
                )
            )
            out.append(article)
            continue
        renamed = with_distinct_id(article)
        problems.append(
            Problem(
                article.origin,
                f"id {article.doc_id!r} belongs to {old.origin}; indexed as {renamed.doc_id!r}",
                severity="warning",
            )
        )
        out.append(renamed)
    return out


def _same_file(a: str, b: str) -> bool:
    return Path(origin_file(a)).resolve() == Path(origin_file(b)).resolve()


def remove(doc_id: str, settings: IndexSettings) -> DocRecord:
    """Remove one article; copies of it (near-duplicates) are indexed in its place."""
    with backends.writer_lock(settings):
        index = backends.open_index(settings, writable=True)
        try:
            copies = index.copies_of(doc_id)
            record = index.remove(doc_id)
            if copies:
                lazy = _LazyEmbedding(settings, index.manifest.embed_dim)
                index.upsert(copies, lazy.chunk, lazy.embed, dedup=settings.index.dedup)
        except DocumentNotFoundError:
            index.discard()
            raise
        index.save(settings.index.flat_max_vectors)
    return record


def list_documents(settings: IndexSettings) -> dict[str, DocRecord]:
    return dict(read_manifest(settings).documents)


def read_manifest(settings: IndexSettings) -> Manifest:
    """What the index holds, read from its manifest alone (fast at any size)."""
    return backends.read_manifest(settings)


class _LazyEmbedding:
    def __init__(self, settings: IndexSettings, expected_dim: int):
        self.settings = settings
        self.expected_dim = expected_dim
        self._chunker: Callable | None = None
        self._embedder = None

    def _load(self):
        if self._embedder is None:
            embedder = embedder_for(self.settings)
            if dimension(embedder) != self.expected_dim:
                raise IndexMismatchError(
                    f"{backends.describe(self.settings)} holds {self.expected_dim}-dimensional "
                    f"vectors, the embedder makes {dimension(embedder)}; rebuild with --rebuild"
                )
            self._embedder = embedder
            self._chunker = chunker_for(self.settings, embedder)
        return self._embedder

    def chunk(self, article):
        self._load()
        return self._chunker(article)

    def embed(self, texts: list[str]) -> list[list[float]]:
        # llama-index hands the model embed_batch_size texts at a time, in the order given, and
        # each batch is padded to its longest text; sorted by length, a batch's texts are alike
        # (an article's short last chunk no longer pads 31 others out to a full one).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = self._load().get_text_embedding_batch([texts[i] for i in order])
        out: list[list[float]] = [[] for _ in texts]
        for i, vector in zip(order, vectors, strict=True):
            out[i] = vector
        return out
