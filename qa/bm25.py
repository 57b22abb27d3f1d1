"""BM25 as a llama-index retriever over the index's tantivy text store (incremental, on disk)."""

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores.types import MetadataFilters

from index.faiss_store import FaissStore, parse_filters
from qa.textmatch import STOPWORDS, words


def query_words(question: str) -> list[str]:
    """Plain lower-case words: no query syntax reaches tantivy, and stopwords add only cost."""
    found = [w.lower() for w in words(question)]
    kept = [w for w in found if w not in STOPWORDS]
    return kept or found


class TextBM25Retriever(BaseRetriever):
    def __init__(self, store: FaissStore, top_k: int, filters: MetadataFilters | None = None):
        super().__init__()
        self._store = store
        self._top_k = top_k
        self._filters = parse_filters(filters)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        sources, day_from, day_to = self._filters
        text = self._store.text
        also = self._store.originals_copied_from(sources)
        hits = text.search(
            query_words(query_bundle.query_str), self._top_k, sources, day_from, day_to, also
        )
        nodes = text.get(key for key, _ in hits)
        return [NodeWithScore(node=nodes[k], score=s) for k, s in hits if k in nodes]
