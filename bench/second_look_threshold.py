"""The second-look threshold: how sure the model's refusal must be to stand.

Run: .venv/bin/python bench/second_look_threshold.py BASE_RUN LOOK_RUN [BASE_RUN LOOK_RUN ...]
Each pair is two `newsqa eval run` outputs of the same gold questions: BASE_RUN with the second look
off (NEWSQA_ANSWER__SECOND_LOOK=false), LOOK_RUN after every refusal (NEWSQA_ANSWER__SECOND_LOOK_BELOW=0). Answers
are greedy, so a threshold's outcome is read off the two: a question the model refused with
log-probability below the threshold gets LOOK_RUN's answer, any other BASE_RUN's. Printed per
threshold and per pair: answerable questions right, unanswerable questions refused, CRAG.
"""

import argparse
import json
import re
import sys
from pathlib import Path

THRESHOLDS = [None, -2.0, -1.5, -1.2, -1.0, -0.9, -0.8, -0.7, -0.6, -0.5, -0.4, 0.0]
LOGPROB = re.compile(r"^refusal log-prob (-?\d+\.\d+)")


def rows(run: Path) -> dict[str, dict]:
    data = json.loads((run / "rows.json").read_text(encoding="utf-8"))
    return {r["id"]: r for r in data["rows"] if not r.get("error")}


def refusal_logprob(row: dict) -> float | None:
    found = (LOGPROB.match(n) for n in row.get("notes") or [])
    return next((float(m.group(1)) for m in found if m), None)


def outcome(base: dict, look: dict, threshold: float | None) -> dict:
    lp = refusal_logprob(look)
    return look if threshold is not None and lp is not None and lp < threshold else base


def score(pairs: list[tuple[dict, dict]], threshold: float | None) -> tuple[float, float, float]:
    chosen = [outcome(b, s, threshold) for b, s in pairs]
    answerable = [r for r in chosen if r["answerable"]]
    unanswerable = [r for r in chosen if not r["answerable"]]
    right = sum(bool(r["correct"]) for r in answerable) / max(len(answerable), 1)
    refused = sum(bool(r["refused"]) for r in unanswerable) / max(len(unanswerable), 1)
    crag = sum(r["crag"] or 0 for r in chosen) / max(len(chosen), 1)
    return right, refused, crag


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="BASE_RUN LOOK_RUN pairs")
    args = parser.parse_args()
    if len(args.runs) % 2:
        sys.exit("give the runs in pairs: BASE_RUN LOOK_RUN")
    sets = []
    for base_run, look_run in zip(args.runs[::2], args.runs[1::2]):
        base, look = rows(base_run), rows(look_run)
        common = [i for i in look if i in base]
        pairs = [(base[i], look[i]) for i in common]
        n_ans = sum(r["answerable"] for _, r in pairs)
        looked = sum(refusal_logprob(r) is not None for _, r in pairs)
        print(
            f"{look_run}: {len(pairs)} questions ({n_ans} answerable), "
            f"{looked} refused by the model"
        )
        sets.append((look_run.name, pairs))
    head = "".join(f" | {name[:24]:>24}" for name, _ in sets)
    print(f"{'threshold':>9}{head}")
    print(f"{'':>9}" + " | right refused  CRAG   " * len(sets))
    for t in THRESHOLDS:
        cells = "".join(" | {:.3f} {:.3f} {:+.3f}  ".format(*score(p, t)) for _, p in sets)
        print(f"{'off' if t is None else f'{t:g}':>9}{cells}")


if __name__ == "__main__":
    main()
