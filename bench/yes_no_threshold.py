"""The yes/no threshold: the model's Yes-over-No log-odds on gold yes/no questions.

Run: .venv/bin/python bench/yes_no_threshold.py --tune TUNE.ids --check CHECK.ids
  [--gold ../shared/benchmarks/multihop-rag/dev.jsonl] [--index .newsqa/multihop/index]
For each question the real pipeline reads it, retrieves and picks the evidence sentences, builds
the yes/no prompt and asks llama.cpp for the logits of the reply's first token (no reply is
generated). Printed per threshold: how often the verdict it gives matches the gold answer on the
tuning ids, and on the check ids (dev questions not used to choose). 0 is the model's own greedy
choice. The threshold is chosen on TUNE only; CHECK says whether it carries over.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import gold_contexts, tune_check_parser  # noqa: E402

THRESHOLDS = [-0.5, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.5]


def margins(gold: Path, ids: list[str], index: Path) -> list[tuple[str, str, float | None]]:
    from qa.prompts import answer_messages

    out = []
    for n, (answerer, row, context) in enumerate(gold_contexts(gold, ids, index), 1):
        margin = None
        if context.plan.kind == "yes_no" and context.evidence:
            messages = answer_messages(row["question"], context.evidence, [], "yes_no")
            margin = answerer.llm.preference(messages, "Yes", "No")
        out.append((row["id"], row["answers"][0], margin))
        print(
            f"{n}/{len(ids)} {row['id']} gold {row['answers'][0]} log-odds {margin}",
            file=sys.stderr,
        )
    return out


def accuracy(rows: list[tuple[str, str, float | None]], threshold: float) -> float:
    right = sum(m is not None and ("Yes" if m > threshold else "No") == gold for _, gold, m in rows)
    return right / len(rows)


def main() -> None:
    parser = tune_check_parser(__doc__.splitlines()[0])
    args = parser.parse_args()
    tune_ids = args.tune.read_text().split()
    check_ids = args.check.read_text().split()
    found = margins(args.gold, tune_ids + check_ids, args.index)
    if args.save:
        args.save.write_text(
            "".join(json.dumps({"id": i, "gold": g, "log_odds": m}) + "\n" for i, g, m in found)
        )
    tune, check = found[: len(tune_ids)], found[len(tune_ids) :]
    for name, rows in (("tune", tune), ("check", check)):
        yes = sum(g == "Yes" for _, g, _ in rows)
        print(f"{name}: {len(rows)} questions ({yes} Yes, {len(rows) - yes} No)")
    print(f"{'threshold':>9} {'tune':>6} {'check':>6}")
    for t in THRESHOLDS:
        print(f"{t:>9.1f} {accuracy(tune, t):>6.3f} {accuracy(check, t):>6.3f}")
    best = max(THRESHOLDS, key=lambda t: (accuracy(tune, t), -abs(t)))
    print(
        f"best on tune: {best:g} (tune {accuracy(tune, best):.3f}, check {accuracy(check, best):.3f})"
    )


if __name__ == "__main__":
    main()
