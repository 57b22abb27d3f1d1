"""The one place that builds the index's components from settings: the embedder, the chunker
and the index backend. The builder, the Ray workers and qa import them from here, so no module
needs the builder to get them (which made builder <-> ray_ingest a cycle)."""

from collections.abc import Callable

from index import backends
from index.backends.base import IndexBase
from index.chunking import chunk_article, make_splitter
from index.config import IndexSettings
from index.embedding import load_embedder, max_tokens, tokenizer


def embedder_for(settings: IndexSettings):
    return load_embedder(settings.embed.model, settings.embed.batch_size, settings.embed_threads())


def chunker_for(settings: IndexSettings, embedder) -> Callable:
    splitter = make_splitter(
        tokenizer(embedder).tokenize,
        settings.index.chunk_size,
        settings.index.chunk_overlap,
        max_tokens(embedder),
    )
    return lambda article: chunk_article(article, splitter)


def open_index(settings: IndexSettings) -> IndexBase:
    return backends.open_index(settings)
