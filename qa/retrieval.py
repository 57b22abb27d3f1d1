"""Retrieval as the answerer uses it: the index backend's fused dense + BM25 search with
source/date filters, recency preference, and passages with their dense similarity."""

import math
from dataclasses import dataclass

from llama_index.core import Settings

from index.backends.base import Hit, IndexBase, SearchFilters
from index.dates import date_ordinal
from qa.bm25 import query_words
from qa.types import Passage, RetrievalFilters

# Half-life of the recency bonus, in days, when the user prefers recent articles.
RECENCY_HALF_LIFE_DAYS = 30.0
RECENCY_WEIGHT = 0.5


def to_search_filters(filters: RetrievalFilters | None) -> SearchFilters | None:
    if filters is None or filters.empty:
        return None
    return SearchFilters(
        sources=tuple(filters.sources) if filters.sources else None,
        day_from=date_ordinal(filters.date_from) if filters.date_from else None,
        day_to=date_ordinal(filters.date_to) if filters.date_to else None,
    )


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
        index: IndexBase,
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
        self.use_bm25 = use_bm25

    def retrieve(
        self,
        query: str,
        top_k: int = 4,
        filters: RetrievalFilters | None = None,
        query_vec: list[float] | None = None,
    ) -> list[Passage]:
        if query_vec is None:
            query_vec = self.embedder.get_query_embedding(query)
        hits = self.index.search(
            query_words(query),
            query_vec,
            self.dense_top_k,
            self.bm25_top_k if self.use_bm25 else 0,
            max(top_k * 2, top_k),
            to_search_filters(filters),
        )
        if filters is not None and filters.prefer_recent:
            hits = _recency_rerank(hits)
        return [self._passage(h) for h in hits[:top_k]]

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

    def _passage(self, hit: Hit) -> Passage:
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
            score=hit.score,
            similarity=hit.similarity,
            also_reported_by=self.index.also_reported_by(doc_id),
        )


def _recency_rerank(hits: list[Hit]) -> list[Hit]:
    days = [h.node.metadata.get("published_day") for h in hits]
    known = [d for d in days if d is not None]
    if not known:
        return hits
    newest = max(known)
    top = max(h.score for h in hits) or 1.0

    def boosted(hit: Hit, day: int | None) -> float:
        bonus = 0.0 if day is None else math.pow(0.5, (newest - day) / RECENCY_HALF_LIFE_DAYS)
        return hit.score / top + RECENCY_WEIGHT * bonus

    ranked = sorted(zip(hits, days), key=lambda pair: boosted(*pair), reverse=True)
    return [h for h, _ in ranked]
