"""Citations: precision (cited passages that hold gold evidence) and recall (quotes cited)."""

from eval.metrics.retrieval import holds_evidence
from eval.normalize import normalize_ws


def score(cited: list[str], evidence: list[str]) -> tuple[float | None, float | None]:
    if not evidence or not cited:
        return None, (0.0 if evidence and not cited else None)
    unique = list(
        dict.fromkeys(normalize_ws(c) for c in cited)
    )  # a passage cited twice counts once
    precision = sum(holds_evidence(c, evidence) for c in unique) / len(unique)
    recall = sum(any(normalize_ws(e) in c for c in unique) for e in evidence) / len(evidence)
    return precision, recall


def summarize(rows) -> dict:
    answered = [r for r in rows if r.answerable and r.refused is False and r.evidence]
    precisions = [r.citation_precision for r in answered if r.citation_precision is not None]
    recalls = [r.citation_recall for r in answered if r.citation_recall is not None]
    if not answered:
        return {}
    return {
        "precision": sum(precisions) / len(precisions) if precisions else 0.0,
        "recall": sum(recalls) / len(recalls) if recalls else 0.0,
        "n": len(answered),
    }
