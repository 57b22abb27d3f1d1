"""Write a run: rows.json (every row, the summary, the settings), report.md and chart.png."""

import json
from datetime import UTC, datetime
from pathlib import Path

from eval.rows import Row
from eval.runner import RunResult, summarize


def write_run(result: RunResult, out: Path, config: dict) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = result.summary()
    payload = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": config,
        "interrupted": result.interrupted,
        "seconds": result.seconds,
        "summary": summary,
        "rows": [r.to_json() for r in result.rows],
    }
    (out / "rows.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), "utf-8")
    (out / "report.md").write_text(markdown(payload), "utf-8")
    chart(summary, out / "chart.png")
    return payload


def load_run(path: Path) -> dict:
    path = Path(path)
    if path.is_dir():
        path = path / "rows.json"
    payload = json.loads(path.read_text("utf-8"))
    payload["summary"] = summarize([Row.from_json(r) for r in payload["rows"]])
    return payload


def _f(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_f(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(payload: dict) -> str:
    s = payload["summary"]
    cfg = payload["config"]
    parts = [
        f"# newsqa eval: {cfg.get('gold')}",
        "",
        f"{s['n']} questions, {s['errors']} errors, {payload['seconds']:.0f} s"
        + (
            f" for the {s['n'] - cfg['resumed_rows']} answered after resuming"
            if cfg.get("resumed_rows")
            else ""
        )
        + (" — **interrupted: partial run**" if payload["interrupted"] else "")
        + f"; created {payload['created_at']}.",
        "",
        "Settings: " + ", ".join(f"`{k}={v}`" for k, v in cfg.items() if k != "gold"),
        "",
        "## Retrieval",
        "A hit = a retrieved passage contains a gold evidence quote (whitespace-normalized); "
        "answerable questions with evidence only.",
        "",
        _table(list(s["retrieval"]), [list(s["retrieval"].values())])
        if s["retrieval"]
        else "(none)",
    ]
    if s["answers"]:
        parts += [
            "",
            "## Answers",
            "accuracy: the SQuAD-normalized answer contains an accepted alias (answerable questions); "
            "CRAG: +1 correct, 0 refused, −1 wrong, over all questions (a refused unanswerable "
            "question is correct).",
            "",
            _table(list(s["answers"]), [list(s["answers"].values())]),
            "",
            "## Citations",
            "precision: cited passages holding gold evidence; recall: evidence quotes cited "
            "(answered, answerable questions).",
            "",
            _table(list(s["citations"]), [list(s["citations"].values())])
            if s["citations"]
            else "(none)",
            "",
            "## Refusal",
            "Unanswerable questions are the positives.",
            "",
            _table(list(s["refusal"]), [list(s["refusal"].values())]),
        ]
    parts += [
        "",
        "## Latency (seconds)",
        "",
        _table(
            ["stage", "p50", "p95"],
            [[stage, v["p50"], v["p95"]] for stage, v in s["latency"].items()],
        ),
        "",
        "## By question type",
        "",
        _breakdown("type", s["by_type"]),
        "",
    ]
    if s.get("by_category"):
        parts += ["## By category", "", _breakdown("category", s["by_category"]), ""]
    parts += [
        "## Questions",
        "",
        _table(
            ["id", "kind", "question", "answer", "ok", "hit", "crag"],
            [
                [
                    r["id"],
                    r.get("kind") or "–",
                    r["question"].replace("|", "/"),
                    (r["error"] or r["answer"] or "").replace("|", "/").replace("\n", " ")[:140],
                    {True: "✓", False: "✗"}.get(r["correct"], "–"),
                    r["hit_rank"],
                    r["crag"],
                ]
                for r in payload["rows"]
            ],
        ),
        "",
        "## What the verifier did",
        "The LLM's draft and each step of the gate and verifier, for answers not scored correct.",
        "",
    ]
    for r in payload["rows"]:
        if r["correct"] or r["answer"] is None:
            continue
        parts.append(f"- **{r['id']}** {r['question']}")
        parts.append(f"  - draft: {(r.get('raw_answer') or '(none)').strip()!r}")
        for note in r.get("notes") or []:
            parts.append(f"  - {note}")
        parts.append(f"  - answer: {r['answer']!r} (gold: {', '.join(r['answers']) or 'refuse'})")
    return "\n".join(parts) + "\n"


def _breakdown(label: str, groups: dict) -> str:
    return _table(
        [
            label,
            "n",
            "hit@3",
            "hit@10",
            "read recall",
            "accuracy",
            "answered",
            "crag",
            "cit. precision",
            "refusal recall",
        ],
        [
            [
                name,
                t["n"],
                t["retrieval"].get("hit@3"),
                t["retrieval"].get("hit@10"),
                t["retrieval"].get("read_recall"),
                t["answers"].get("accuracy") if t["retrieval"] else None,
                t["answers"].get("answered") if t["retrieval"] else None,
                t["answers"].get("crag"),
                t["citations"].get("precision"),
                t["refusal"].get("recall") if t["refusal"].get("unanswerable") else None,
            ]
            for name, t in groups.items()
        ],
    )


def chart(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display here
    import matplotlib.pyplot as plt

    bars = {}
    for key in ("hit@1", "hit@3", "mrr@10"):
        if key in summary["retrieval"]:
            bars[key] = summary["retrieval"][key]
    for key in ("accuracy", "f1", "crag"):
        if key in summary["answers"]:
            bars[key] = summary["answers"][key]
    for key in ("precision", "recall"):
        if key in summary["citations"]:
            bars[f"citation {key}"] = summary["citations"][key]
    if summary["refusal"]:
        bars["refusal precision"] = summary["refusal"]["precision"]
        bars["refusal recall"] = summary["refusal"]["recall"]
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.bar(list(bars), list(bars.values()), color="#4a7ab5")
    ax.set_ylim(min(0, *bars.values()) if bars else 0, 1)
    ax.set_ylabel("score")
    ax.set_title(f"newsqa eval ({summary['n']} questions)")
    for i, v in enumerate(bars.values()):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
    plt.xticks(rotation=30, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def compare(a: dict, b: dict) -> str:
    """Two runs side by side, with the change from A to B."""
    rows = []
    for section in ("retrieval", "answers", "citations", "refusal"):
        sa, sb = a["summary"].get(section, {}), b["summary"].get(section, {})
        for key in dict.fromkeys([*sa, *sb]):
            va, vb = sa.get(key), sb.get(key)
            delta = (
                vb - va if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else None
            )
            rows.append([f"{section} {key}", va, vb, f"{delta:+.2f}" if delta is not None else "–"])
    la, lb = a["summary"].get("latency", {}), b["summary"].get("latency", {})
    for stage in dict.fromkeys([*la, *lb]):
        va, vb = la.get(stage, {}).get("p50"), lb.get(stage, {}).get("p50")
        delta = f"{vb - va:+.2f}" if va is not None and vb is not None else "–"
        rows.append([f"latency {stage} p50", va, vb, delta])
    return _table(["metric", "A", "B", "B − A"], rows)


def changed_answers(a: dict, b: dict) -> tuple[int, list[list]]:
    """The questions both runs answered, and those whose answer (or refusal) differs: id, A's
    answer, B's, and whether each was right (✓ / ✗; a refused unanswerable is right)."""

    def mark(row: dict) -> str:
        right = row.get("correct") if row.get("answerable") else row.get("refused")
        return "✓" if right else "✗"

    def said(row: dict) -> str:
        return "(refused)" if row.get("refused") else " ".join((row.get("answer") or "").split())

    rows_b = {r["id"]: r for r in b["rows"]}
    both = [(ra, rows_b[ra["id"]]) for ra in a["rows"] if ra["id"] in rows_b]
    changed = [
        [ra["id"], f"{mark(ra)} {said(ra)}", f"{mark(rb)} {said(rb)}"]
        for ra, rb in both
        if said(ra) != said(rb)
    ]
    return len(both), changed
