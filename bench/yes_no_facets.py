"""Yes/no verdicts from the parts of a compound question: does asking each part help?

Run: .venv/bin/python bench/yes_no_facets.py --tune TUNE.ids --check CHECK.ids
  [--gold ../shared/benchmarks/multihop-rag/dev.jsonl] [--index .newsqa/multihop/index]
  [--save FILE.jsonl]
"Does X report A, while Y reports B?" is Yes only when both parts are. For every gold yes/no
question the real pipeline retrieves and picks the evidence once; llama.cpp gives the Yes-over-No
log-odds of the whole question and of each facet asked on the same sentences ("Is it true that
Y reports B?"; a part that is a question already is asked as it is). Printed: the verdicts'
accuracy on TUNE and CHECK for the whole question alone and for rules combining it with the
parts, each at the threshold best on TUNE.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import gold_contexts, tune_check_parser  # noqa: E402

THRESHOLDS = [-0.5, -0.2, 0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0]


def part_question(facet: str) -> str:
    from qa.question import YES_NO_START

    facet = facet.strip(" ?.,")
    if YES_NO_START.match(facet):
        return facet + "?"
    return f"Is it true that {facet[0].lower() + facet[1:]}?"


def measure(gold: Path, ids: list[str], index: Path) -> list[dict]:
    from qa.prompts import answer_messages

    out = []
    for n, (answerer, row, ctx) in enumerate(gold_contexts(gold, ids, index), 1):
        whole, parts = None, []
        if ctx.plan.kind == "yes_no" and ctx.evidence:
            asked = [row["question"], *(part_question(f) for f in ctx.plan.facets)]
            odds = [
                answerer.llm.preference(answer_messages(q, ctx.evidence, [], "yes_no"), "Yes", "No")
                for q in asked
            ]
            whole, parts = odds[0], odds[1:]
        gold_answer = row["answers"][0]
        out.append(
            {
                "id": row["id"],
                "gold": gold_answer,
                "category": row.get("category"),
                "whole": whole,
                "parts": parts,
            }
        )
        print(f"{n}/{len(ids)} {row['id']} {gold_answer} {whole} {parts}", file=sys.stderr)
    return out


RULES = {
    "whole": lambda w, ps: w,
    "min(parts)": lambda w, ps: min(ps) if ps else w,
    "min(whole, parts)": lambda w, ps: min([w, *ps]),
    "mean(whole, min(parts))": lambda w, ps: (w + min(ps)) / 2 if ps else w,
}


def accuracy(found: list[dict], rule, threshold: float) -> float:
    right = 0
    for r in found:
        if r["whole"] is None or None in r["parts"]:
            continue
        score = rule(r["whole"], r["parts"])
        right += ("Yes" if score > threshold else "No") == r["gold"]
    return right / len(found)


def main() -> None:
    parser = tune_check_parser(__doc__.splitlines()[0])
    parser.add_argument("--load", type=Path, help="read saved log-odds instead of measuring")
    args = parser.parse_args()
    tune_ids = args.tune.read_text().split()
    check_ids = args.check.read_text().split()
    if args.load:
        saved = {json.loads(x)["id"]: json.loads(x) for x in args.load.open(encoding="utf-8")}
        found = [saved[i] for i in tune_ids + check_ids]
    else:
        found = measure(args.gold, tune_ids + check_ids, args.index)
    if args.save:
        args.save.write_text("".join(json.dumps(r) + "\n" for r in found))
    tune, check = found[: len(tune_ids)], found[len(tune_ids) :]
    with_parts = sum(bool(r["parts"]) for r in found)
    print(f"{len(tune)} tune + {len(check)} check questions, {with_parts} with parts")
    print(f"{'rule':<26} {'threshold':>9} {'tune':>6} {'check':>6}")
    for name, rule in RULES.items():
        best = max(THRESHOLDS, key=lambda t: (accuracy(tune, rule, t), -abs(t)))
        print(
            f"{name:<26} {best:>9g} {accuracy(tune, rule, best):>6.3f} "
            f"{accuracy(check, rule, best):>6.3f}"
        )


if __name__ == "__main__":
    main()
