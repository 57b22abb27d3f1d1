"""The near-duplicate threshold, measured on MultiHop-RAG articles (written by others).

Run: .venv/bin/python bench/duplicates.py
Positives: each article against a copy with the edits syndication makes (another headline,
a dateline or credit line, a sentence cut or added, words changed, the last paragraph dropped,
an outlet's footer), several edit strengths per article. Negatives: every pair of different
articles in the corpus (185k pairs, same-story coverage by different outlets included, which
are the hard ones). Printed: similarity quantiles of both, then precision and recall of the
MinHash estimate (what the index uses) at each threshold.
"""

import argparse
import json
import random
import sys
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from index.dedup import THRESHOLD, copy_verdict, shingles, signature, similarity  # noqa: E402

ARTICLES = (
    Path(__file__).resolve().parent.parent.parent / "shared/benchmarks/multihop-rag/articles.jsonl"
)
DATELINES = ["(Reuters) - ", "NEW YORK (AP) — ", "LONDON, Nov 3 (Reuters) - ", "WASHINGTON — "]
FOOTERS = [
    "Reporting by Staff; Editing by Desk Editor",
    "The Associated Press contributed to this report.",
    "Copyright 2023 The Wire. All rights reserved. This material may not be published.",
]
SWAPS = {"said": "says", "percent": "%", "million": "mln", "the": "the", "company": "firm"}


def edited(body: str, rng: random.Random, strength: int) -> str:
    """A syndicated copy: strength 1 light (dateline + footer), 2 and 3 heavier."""
    sentences = [s for s in body.replace("\n", " ").split(". ") if s]
    if strength >= 2 and len(sentences) > 6:
        del sentences[rng.randrange(len(sentences))]  # an editor cuts a sentence
        sentences.insert(
            rng.randrange(len(sentences)), "The company did not respond to a request for comment"
        )
    if strength >= 3 and len(sentences) > 10:
        sentences = sentences[: int(len(sentences) * 0.8)]  # trimmed to fit
    text = ". ".join(sentences)
    words = text.split(" ")
    for _ in range(strength * max(2, len(words) // 150)):  # house style: a few words changed
        i = rng.randrange(len(words))
        words[i] = SWAPS.get(words[i], words[i])
    return rng.choice(DATELINES) + " ".join(words) + "\n" + rng.choice(FOOTERS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = [json.loads(line) for line in ARTICLES.read_text("utf-8").splitlines()]
    rows = [r for r in rows if len(r["body"].split()) >= 60]
    bodies = [r["body"] for r in rows]
    sigs = [signature(b) for b in bodies]
    sets = [shingles(b) for b in bodies]

    pos_est, pos_exact, refused = [], [], {1: [], 2: [], 3: []}
    for body, sig, sh in zip(bodies, sigs, sets, strict=True):
        for strength in (1, 2, 3):
            copy = edited(body, rng, strength)
            pos_est.append(similarity(sig, signature(copy)))
            other = shingles(copy)
            pos_exact.append(len(sh & other) / len(sh | other))
            # The second test a nominated copy must pass: nothing it says would be lost.
            verdict = copy_verdict(copy, body)
            refused[strength].append(verdict)
    pairs = list(combinations(range(len(sigs)), 2))
    neg_all = np.array([similarity(sigs[i], sigs[j]) for i, j in pairs])
    # The index collapses only across outlets (index/dedup.py): those pairs are the negatives.
    cross = np.array([rows[i]["source"] != rows[j]["source"] for i, j in pairs])
    neg_est = neg_all[cross]
    pos_est = np.array(pos_est)
    top_pairs = sorted(zip(neg_all.tolist(), *zip(*pairs), strict=True), reverse=True)[:3]

    print(f"{len(bodies)} articles, {len(pos_est)} edited copies, {len(neg_all)} different pairs")
    q = [0.0, 0.01, 0.5]
    print(
        "edited copies, estimated similarity quantiles",
        [round(float(np.quantile(pos_est, x)), 3) for x in q],
        "min exact",
        round(min(pos_exact), 3),
    )
    print("different pairs, any outlets: max", round(float(neg_all.max()), 3))
    print(
        f"different pairs from two outlets ({len(neg_est)}): max",
        round(float(neg_est.max()), 3),
        "99.99%",
        round(float(np.quantile(neg_est, 0.9999)), 3),
    )
    for sim, i, j in top_pairs:
        print(
            f"  closest different pair {sim:.3f}: {rows[i]['source']} {rows[i]['title'][:40]!r} / {rows[j]['source']} {rows[j]['title'][:40]!r}"
        )
    print(f"{'threshold':>9}{'precision':>11}{'recall':>8}")
    for t in (0.2, 0.3, 0.4, THRESHOLD, 0.6, 0.7, 0.8):
        tp = int((pos_est >= t).sum())
        fp = int((neg_est >= t).sum())
        precision = tp / (tp + fp) if tp + fp else 1.0
        mark = "  <- index/dedup.py THRESHOLD" if t == THRESHOLD else ""
        print(f"{t:>9.2f}{precision:>11.4f}{tp / len(pos_est):>8.3f}{mark}")
    print(
        "copy_verdict on the edited copies (kept apart: a passage of their own, a figure changed):"
    )
    for strength, verdicts in refused.items():
        kept = [v for v in verdicts if v]
        why = {}
        for v in kept:
            key = v.split(" (")[0].split(" of ")[0]
            why[key] = why.get(key, 0) + 1
        print(f"  strength {strength}: collapsed {1 - len(kept) / len(verdicts):.3f}, kept {why}")


if __name__ == "__main__":
    main()
