"""Dense (FAISS) + BM25 (tantivy) retrieval fused by reciprocal rank, with source/date filters."""

import math
from dataclasses import dataclass

from llama_index.core import Settings, VectorStoreIndex
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores.types import (
    FilterCondition,
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
)

from index.dates import date_ordinal
from index.store import NewsIndex
from qa.bm25 import TextBM25Retriever
from qa.types import Passage, RetrievalFilters

# Half-life of the recency bonus, in days, when the user prefers recent articles.
RECENCY_HALF_LIFE_DAYS = 30.0
RECENCY_WEIGHT = 0.5


def to_metadata_filters(filters: RetrievalFilters | None) -> MetadataFilters | None:
    if filters is None or filters.empty:
        return None
    parts: list = []
    if filters.sources:
        parts.append(
            MetadataFilter(key="source", value=list(filters.sources), operator=FilterOperator.IN)
        )
    if filters.date_from:
        day = date_ordinal(filters.date_from)
        parts.append(MetadataFilter(key="published_day", value=day, operator=FilterOperator.GTE))
    if filters.date_to:
        day = date_ordinal(filters.date_to)
        parts.append(MetadataFilter(key="published_day", value=day, operator=FilterOperator.LTE))
    return MetadataFilters(filters=parts, condition=FilterCondition.AND)


@dataclass(frozen=True)
class Request:
    """One retrieval of a union: a query (with its vector when already embedded) and filters."""

    query: str
    top_k: int
    filters: RetrievalFilters | None = None
    query_vec: list[float] | None = None


class Retriever:
    def __init__(
        self,
        index: NewsIndex,
        embedder,
        dense_top_k: int = 8,
        bm25_top_k: int = 8,
        use_bm25: bool = True,
    ):
        self.index = index
        self.embedder = embedder
        self.dense_top_k = dense_top_k
        self.bm25_top_k = bm25_top_k
        # Explicit, so nothing in llama-index falls back to its OpenAI default embedder.
        Settings.embed_model = embedder
        self.vector_index = VectorStoreIndex.from_vector_store(index.store, embed_model=embedder)
        self.use_bm25 = use_bm25

    def retrieve(
        self,
        query: str,
        top_k: int = 4,
        filters: RetrievalFilters | None = None,
        query_vec: list[float] | None = None,
    ) -> list[Passage]:
        if len(self.index.store) == 0:
            return []
        meta_filters = to_metadata_filters(filters)
        retrievers = [
            self.vector_index.as_retriever(similarity_top_k=self.dense_top_k, filters=meta_filters)
        ]
        if self.use_bm25:
            retrievers.append(TextBM25Retriever(self.index.store, self.bm25_top_k, meta_filters))
        fusion = QueryFusionRetriever(
            retrievers,
            num_queries=1,  # no LLM query generation
            mode="reciprocal_rerank",
            similarity_top_k=max(top_k * 2, top_k),
            use_async=False,
            # num_queries=1 never calls an LLM; passing one stops llama-index from resolving
            # its OpenAI default (and Settings.llm=None would print to stdout).
            llm=MockLLM(),
        )
        if query_vec is None:
            query_vec = self.embedder.get_query_embedding(query)
        fused = fusion.retrieve(QueryBundle(query_str=query, embedding=query_vec))
        if filters is not None and filters.prefer_recent:
            fused = _recency_rerank(fused)
        passages = [self._passage(n, query_vec) for n in fused[:top_k]]
        return passages

    def retrieve_union(self, requests: list[Request]) -> tuple[list[Passage], tuple[int, ...]]:
        """Several retrievals merged rank by rank (each one's first hit, then each one's second,
        ...), and the position of each request's first hit. A question comparing two outlets
        needs both sides, and one outlet's articles would otherwise fill every slot."""
        lists = [self.retrieve(r.query, r.top_k, r.filters, r.query_vec) for r in requests]
        merged: dict[str, Passage] = {}
        firsts = []
        for rank in range(max(map(len, lists), default=0)):
            for hits in lists:
                if rank < len(hits):
                    merged.setdefault(hits[rank].node_id, hits[rank])
            if rank == 0:
                ids = list(merged)
                firsts = [ids.index(h[0].node_id) if h else -1 for h in lists]
        return list(merged.values()), tuple(firsts)

    def _passage(self, hit: NodeWithScore, query_vec: list[float]) -> Passage:
        node = hit.node
        meta = node.metadata
        doc_id = meta.get("doc_id", node.ref_doc_id or "")
        return Passage(
            node_id=node.node_id,
            doc_id=doc_id,
            title=meta.get("title", ""),
            text=node.get_content(),
            source=meta.get("source"),
            published_at=meta.get("published_at"),
            url=meta.get("url"),
            start=node.start_char_idx,
            end=node.end_char_idx,
            score=float(hit.score or 0.0),
            similarity=self.index.store.similarity(query_vec, node.node_id),
            also_reported_by=self.index.also_reported_by(doc_id),
        )


def _recency_rerank(hits: list[NodeWithScore]) -> list[NodeWithScore]:
    days = [h.node.metadata.get("published_day") for h in hits]
    known = [d for d in days if d is not None]
    if not known:
        return hits
    newest = max(known)
    top = max((h.score or 0.0) for h in hits) or 1.0

    def boosted(hit: NodeWithScore, day: int | None) -> float:
        bonus = 0.0 if day is None else math.pow(0.5, (newest - day) / RECENCY_HALF_LIFE_DAYS)
        return (hit.score or 0.0) / top + RECENCY_WEIGHT * bonus

    ranked = sorted(zip(hits, days), key=lambda pair: boosted(*pair), reverse=True)
    return [h for h, _ in ranked]
