"""End-to-end eval runs through the real pipeline (retrieval-only fast; full run with the LLM slow)."""

import json
import os
import subprocess
import sys

import pytest

from eval.gold import load_gold
from tests.conftest import ROOT, write

GOLD = ROOT / "eval" / "gold" / "seed.jsonl"


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )


@pytest.fixture
def cli(capsys):
    """`newsqa …` in this process (the models stay loaded between calls): its exit code and
    what it printed. One test still runs the command as a process (run_cli)."""
    from types import SimpleNamespace

    from ui.cli import main

    def run(*args):
        capsys.readouterr()
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)

    return run


def test_retrieval_only_run_writes_report_json_and_chart(seed_index_dir, tmp_path, cli):
    out = run_cli(
        "eval",
        "run",
        "--gold",
        GOLD,
        "--index",
        seed_index_dir,
        "--retrieval-only",
        "--out",
        tmp_path / "r",
    )
    assert out.returncode == 0, out.stderr
    payload = json.loads((tmp_path / "r" / "rows.json").read_text())
    assert len(payload["rows"]) == len(load_gold(GOLD))
    s = payload["summary"]["retrieval"]
    assert s["hit@3"] >= 0.8 and 0 < s["mrr@10"] <= 1  # the seed baseline is 0.93 / 0.89
    report = (tmp_path / "r" / "report.md").read_text()
    assert "## Retrieval" in report and "## By question type" in report and "paraphrase" in report
    assert (tmp_path / "r" / "chart.png").read_bytes()[:4] == b"\x89PNG"
    assert payload["config"]["profile"] == "readers"

    # compare a run with itself: every delta is zero
    cmp = cli("eval", "compare", tmp_path / "r", tmp_path / "r")
    assert cmp.returncode == 0 and "retrieval mrr@10" in cmp.stdout and "+0.00" in cmp.stdout


def test_a_benchmarks_questions_are_run_with_its_profile_and_say_so(seed_index_dir, tmp_path, cli):
    from eval.gold import benchmark_profile

    seed = load_gold(GOLD)
    assert benchmark_profile(seed) is None
    # MultiHop-RAG's rows as the shared dev split writes them (type multi_hop, a category).
    gold = tmp_path / "mh.jsonl"
    rows = [
        {**item.to_json(), "type": "multi_hop", "category": kind}
        for item, kind in zip(seed[:2], ["inference_query", "null_query"])
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert benchmark_profile(load_gold(gold)) == "multihop-rag"
    args = ["eval", "run", "--gold", gold, "--index", seed_index_dir, "--retrieval-only"]
    out = cli(*args, "--out", tmp_path / "mh")
    assert out.returncode == 0 and "profile multihop-rag" in out.stderr
    assert json.loads((tmp_path / "mh" / "rows.json").read_text())["config"]["profile"] == (
        "multihop-rag"
    )
    out = cli(*args, "--profile", "readers", "--out", tmp_path / "rd")
    assert out.returncode == 0 and "profile multihop-rag" not in out.stderr
    assert json.loads((tmp_path / "rd" / "rows.json").read_text())["config"]["profile"] == (
        "readers"
    )


def test_ctrl_c_keeps_finished_rows(seed_index_dir):
    from eval.runner import run
    from qa.answerer import Answerer
    from qa.settings import QASettings

    answerer = Answerer(QASettings(index_dir=seed_index_dir))
    seen = []

    def interrupt_after_two(row):
        seen.append(row.id)
        if len(seen) == 2:
            raise KeyboardInterrupt

    result = run(load_gold(GOLD), answerer, retrieval_only=True, on_row=interrupt_after_two)
    assert result.interrupted and [r.id for r in result.rows] == seen


def test_resume_answers_only_what_a_stopped_run_left(seed_index_dir, tmp_path, cli):
    run_dir = tmp_path / "r"
    args = ["eval", "run", "--gold", GOLD, "--index", seed_index_dir, "--retrieval-only"]
    assert cli(*args, "--limit", "4", "--out", run_dir).returncode == 0
    rows = json.loads((run_dir / "rows.json").read_text())["rows"]
    # A killed run: no rows.json, three finished rows (the second ended in an error, the
    # first carries a mark that shows it is kept, not redone).
    (run_dir / "rows.json").unlink()
    rows[0]["notes"] = ["kept from the stopped run"]
    rows[1]["error"] = "RuntimeError: boom"
    partial = "".join(json.dumps(r) + "\n" for r in rows[:3])
    (run_dir / "rows.partial.jsonl").write_text(partial)

    out = cli(*args, "--limit", "4", "--out", run_dir, "--resume")
    assert out.returncode == 0, out.stderr
    assert "2 rows kept, 2 questions to answer" in " ".join(out.stderr.split())  # rich wraps
    payload = json.loads((run_dir / "rows.json").read_text())
    assert payload["config"]["resumed_rows"] == 2
    resumed = payload["rows"]
    assert [r["id"] for r in resumed] == [r["id"] for r in rows]  # gold order, no duplicates
    assert resumed[0]["notes"] == ["kept from the stopped run"]
    assert resumed[1]["error"] is None and resumed[1]["hit_rank"] == rows[1]["hit_rank"]
    assert not (run_dir / "rows.partial.jsonl").exists()
    assert "for the 2 answered after resuming" in (run_dir / "report.md").read_text()

    no_out = cli(*args, "--resume")
    assert no_out.returncode == 2 and "--resume needs --out" in no_out.stderr
    empty = cli(*args, "--resume", "--out", tmp_path / "nothing")
    assert empty.returncode == 2 and "no run to resume" in " ".join(empty.stderr.split())


def test_bad_gold_file_is_named(tmp_path):
    bad = write(tmp_path / "g.jsonl", '{"id": "x", "question": "Q?", "answerable": true}\n')
    out = run_cli("eval", "run", "--gold", bad, "--retrieval-only")
    assert out.returncode == 2 and "g.jsonl:1" in out.stderr


@pytest.mark.slow
def test_full_run_with_the_llm_on_a_small_gold_set(seed_index_dir, tmp_path):
    items = {i["id"]: i for i in map(json.loads, GOLD.read_text().splitlines())}
    # One of each kind that the pipeline answers right in eval/runs (greedy decoding is
    # deterministic; the LLM's own wording, not a quote, for the why question).
    pick = [items[i] for i in ("why_how-05", "unanswerable-01", "multi_turn-01")]
    gold = write(tmp_path / "small.jsonl", "\n".join(json.dumps(i) for i in pick))
    out = run_cli(
        "eval", "run", "--gold", gold, "--index", seed_index_dir, "--out", tmp_path / "run"
    )
    assert out.returncode == 0, out.stderr
    payload = json.loads((tmp_path / "run" / "rows.json").read_text())
    rows = {r["type"]: r for r in payload["rows"]}
    assert all(r["error"] is None for r in rows.values())
    assert rows["why_how"]["correct"] and rows["why_how"]["crag"] == 1
    assert rows["unanswerable"]["refused"] and rows["unanswerable"]["crag"] == 1
    assert rows["multi_turn"]["standalone_question"]
    s = payload["summary"]
    assert set(s["latency"]) >= {"retrieve_s", "generate_s", "total_s"}
    assert s["refusal"]["recall"] == 1.0
    report = (tmp_path / "run" / "report.md").read_text()
    assert "## Answers" in report and "## Citations" in report and "## Refusal" in report
