"""Refusals: precision and recall of refusing, with unanswerable questions as the positives."""


def summarize(rows) -> dict:
    done = [r for r in rows if r.refused is not None]
    if not done:
        return {}
    refused = [r for r in done if r.refused]
    unanswerable = [r for r in done if not r.answerable]
    true_pos = sum(not r.answerable for r in refused)
    return {
        "precision": true_pos / len(refused) if refused else 0.0,
        "recall": true_pos / len(unanswerable) if unanswerable else 0.0,
        "refused": len(refused),
        "unanswerable": len(unanswerable),
    }
