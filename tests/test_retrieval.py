"""Source and date filters and the recency option, on a real index of three dated articles."""

import json

import pytest

from index import builder, components
from qa.retrieval import Retriever
from qa.types import RetrievalFilters
from tests.conftest import write

ARTICLES = [
    {
        "id": "old",
        "title": "Council budget vote",
        "source": "City Wire",
        "published_at": "2024-01-10",
        "body": "The city council voted on the budget for the new library in January.",
    },
    {
        "id": "mid",
        "title": "Council budget delayed",
        "source": "Metro Daily",
        "published_at": "2024-03-15",
        "body": "The city council delayed the budget vote for the new library until spring.",
    },
    {
        "id": "new",
        "title": "Council passes budget",
        "source": "City Wire",
        "published_at": "2024-06-01",
        "body": "The city council passed the budget for the new library in June.",
    },
]
Q = "What happened to the library budget in the city council?"


@pytest.fixture
def retriever(backend_settings, tmp_path):
    settings = backend_settings
    p = write(tmp_path / "feed.jsonl", "\n".join(json.dumps(a) for a in ARTICLES))
    assert not builder.build([p], settings).errors
    return Retriever(components.open_index(settings), components.embedder_for(settings))


def docs(passages):
    return {p.doc_id for p in passages}


def test_no_filter_finds_all(retriever):
    assert docs(retriever.retrieve(Q, top_k=5)) == {"old", "mid", "new"}


def test_source_filter(retriever):
    hits = retriever.retrieve(Q, top_k=5, filters=RetrievalFilters(sources=("Metro Daily",)))
    assert docs(hits) == {"mid"}
    assert hits[0].source == "Metro Daily"


def test_date_range_filter(retriever):
    f = RetrievalFilters(date_from="2024-02-01", date_to="2024-12-31")
    assert docs(retriever.retrieve(Q, top_k=5, filters=f)) == {"mid", "new"}
    f = RetrievalFilters(date_to="2024-01-31")
    assert docs(retriever.retrieve(Q, top_k=5, filters=f)) == {"old"}


def test_filter_matching_nothing_returns_nothing(retriever):
    assert retriever.retrieve(Q, filters=RetrievalFilters(sources=("Nobody",))) == []


def test_recency_puts_the_newest_first(retriever):
    hits = retriever.retrieve(Q, top_k=3, filters=RetrievalFilters(prefer_recent=True))
    assert hits[0].doc_id == "new"


def test_hybrid_search_finds_a_term_only_bm25_knows(backend_settings, tmp_path):
    """A part number means nothing to MiniLM; the engine's BM25 finds it."""
    rows = [
        *ARTICLES,
        {
            "id": "valve",
            "title": "Plant maintenance",
            "source": "Metro Daily",
            "published_at": "2024-04-02",
            "body": "Engineers replaced the faulty XJ4471 valve at the water plant on Tuesday.",
        },
    ]
    p = write(tmp_path / "feed.jsonl", "\n".join(json.dumps(a) for a in rows))
    assert not builder.build([p], backend_settings).errors
    index = components.open_index(backend_settings)
    embedder = components.embedder_for(backend_settings)
    vec = embedder.get_query_embedding("xj4471")
    sparse_only = index.search(["xj4471"], vec, dense_k=1, sparse_k=4, top_k=4)
    assert "valve" in {h.node.metadata["doc_id"] for h in sparse_only}
    hits = Retriever(index, embedder).retrieve("Which council reports mention XJ4471?", top_k=3)
    assert "valve" in docs(hits)
