"""The local backend's search: FAISS (dense) and tantivy (BM25) fused by llama-index's
reciprocal-rank fusion, with source/day filters applied inside both engines."""

from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores.types import (
    FilterCondition,
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)

from index.backends.base import SearchFilters
from index.faiss_store import FaissStore, parse_filters


def to_metadata_filters(filters: SearchFilters | None) -> MetadataFilters | None:
    """llama-index's filter form, which FaissStore (a llama-index vector store) reads."""
    if filters is None:
        return None
    parts: list = []
    if filters.sources is not None:
        parts.append(
            MetadataFilter(key="source", value=list(filters.sources), operator=FilterOperator.IN)
        )
    if filters.day_from is not None:
        parts.append(
            MetadataFilter(key="published_day", value=filters.day_from, operator=FilterOperator.GTE)
        )
    if filters.day_to is not None:
        parts.append(
            MetadataFilter(key="published_day", value=filters.day_to, operator=FilterOperator.LTE)
        )
    return MetadataFilters(filters=parts, condition=FilterCondition.AND) if parts else None


class DenseRetriever(BaseRetriever):
    def __init__(self, store: FaissStore, top_k: int, filters: MetadataFilters | None):
        super().__init__()
        self._store, self._top_k, self._filters = store, top_k, filters
        self.cosines: dict[str, float] = {}

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        result = self._store.query(
            VectorStoreQuery(
                query_embedding=query_bundle.embedding,
                similarity_top_k=self._top_k,
                filters=self._filters,
            )
        )
        hits = [
            NodeWithScore(node=n, score=s)
            for n, s in zip(result.nodes or [], result.similarities or [], strict=True)
        ]
        # Fusion keeps only ranks; the cosines are what the refusal gate reads.
        self.cosines = {h.node.node_id: float(h.score) for h in hits}
        return hits


class SparseRetriever(BaseRetriever):
    """BM25 over the tantivy text store; the words come already free of query syntax."""

    def __init__(
        self, store: FaissStore, words: list[str], top_k: int, filters: MetadataFilters | None
    ):
        super().__init__()
        self._store, self._words, self._top_k = store, words, top_k
        self._filters = parse_filters(filters)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        sources, day_from, day_to = self._filters
        text = self._store.text
        also = self._store.originals_copied_from(sources)
        hits = text.search(self._words, self._top_k, sources, day_from, day_to, also)
        nodes = text.get(key for key, _ in hits)
        return [NodeWithScore(node=nodes[k], score=s) for k, s in hits if k in nodes]


def fused_search(
    store: FaissStore,
    words: list[str],
    query_vec: list[float],
    dense_k: int,
    sparse_k: int,
    top_k: int,
    filters: SearchFilters | None,
) -> tuple[list[NodeWithScore], dict[str, float]]:
    """The fused hits, and the dense cosine of each hit the dense search found."""
    meta = to_metadata_filters(filters)
    dense = DenseRetriever(store, dense_k, meta)
    retrievers: list[BaseRetriever] = [dense]
    if sparse_k > 0:
        retrievers.append(SparseRetriever(store, words, sparse_k, meta))
    fusion = QueryFusionRetriever(
        retrievers,
        num_queries=1,  # no LLM query generation
        mode="reciprocal_rerank",
        similarity_top_k=top_k,
        use_async=False,
        # num_queries=1 never calls an LLM; passing one stops llama-index from resolving its
        # OpenAI default (and Settings.llm=None would print to stdout).
        llm=MockLLM(),
    )
    fused = fusion.retrieve(QueryBundle(query_str=" ".join(words), embedding=query_vec))
    return fused, dense.cosines
