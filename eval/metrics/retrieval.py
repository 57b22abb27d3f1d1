"""Retrieval: hit rate@k, MRR@10 and evidence recall@k.

A hit is a retrieved passage that contains a gold evidence quote, whitespace-normalized.
"""

from eval.normalize import normalize_ws
from qa.textmatch import split_sentences

RECALL_K = 5


def holds_evidence(passage: str, evidence: list[str]) -> bool:
    text = normalize_ws(passage)
    return any(normalize_ws(e) in text for e in evidence)


def hit_rank(retrieved: list[str], evidence: list[str]) -> int | None:
    return next((i for i, p in enumerate(retrieved, 1) if holds_evidence(p, evidence)), None)


def evidence_recall(retrieved: list[str], evidence: list[str], k: int = RECALL_K) -> float | None:
    if not evidence:
        return None
    top = [normalize_ws(p) for p in retrieved[:k]]
    found = sum(any(normalize_ws(e) in p for p in top) for e in evidence)
    return found / len(evidence)


def read_recall(read: list[str], evidence: list[str]) -> float | None:
    """Share of evidence quotes the LLM read: a quote counts when one of its sentences (or a
    sentence inside it) is among the sentences given to the LLM."""
    if not evidence:
        return None
    given = [normalize_ws(s) for s in read if s.strip()]
    found = 0
    for quote in evidence:
        q = normalize_ws(quote)
        parts = [normalize_ws(p) for p in split_sentences(quote) if len(p.split()) >= 4] or [q]
        found += any(s in q or any(p in s for p in parts) for s in given)
    return found / len(evidence)


def summarize(rows) -> dict:
    scored = [r for r in rows if r.answerable and r.evidence and r.retrieved is not None]
    if not scored:
        return {}
    n = len(scored)
    out = {
        f"hit@{k}": sum(r.hit_rank is not None and r.hit_rank <= k for r in scored) / n
        for k in (1, 3, 5, 10)
    }
    out["mrr@10"] = sum(1 / r.hit_rank for r in scored if r.hit_rank and r.hit_rank <= 10) / n
    recalls = [r.evidence_recall for r in scored if r.evidence_recall is not None]
    out[f"evidence_recall@{RECALL_K}"] = sum(recalls) / len(recalls) if recalls else 0.0
    reads = [r.read_recall for r in scored if getattr(r, "read_recall", None) is not None]
    if reads:
        out["read_recall"] = sum(reads) / len(reads)
    out["n"] = n
    return out
