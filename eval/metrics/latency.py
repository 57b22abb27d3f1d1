"""Latency: p50 and p95 seconds per pipeline stage."""

import math

STAGES = ("rewrite_s", "retrieve_s", "generate_s", "verify_s", "total_s")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def summarize(rows) -> dict:
    out = {}
    for stage in STAGES:
        values = [r.timings[stage] for r in rows if stage in r.timings]
        if values:
            out[stage] = {"p50": percentile(values, 50), "p95": percentile(values, 95)}
    return out
