"""Answers while other work runs: the chat's answer time alone, beside an ingest, beside an LLM.

Run: .venv/bin/python bench/beside_work.py [--questions 6] [--articles 200]
   (needs `make index` and MultiHop-RAG in ../shared for the ingest's articles)
The realistic case is the chat answering while `newsqa feeds refresh` (cron) or an `index build`
embeds in another process, on the same two cores. llama.cpp's OpenMP threads spin while they
wait for each other; when another process takes one core, a step waits for the descheduled
thread and generation collapses instead of slowing down. For each condition the real Answerer
answers the answerable one-turn seed questions (warm, as in the chat) and the median seconds
per answer is printed with its ratio to the solo run measured in the same run:
  solo                       nothing else running
  beside ingest              `newsqa index build` of N MultiHop-RAG articles, looping
  beside ingest, niced       the same ingest at nice 10 (os.nice: a lever measured, not adopted)
  beside a second LLM        another process generating with the same model, non-stop
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402

MULTIHOP = common.ROOT.parent / "shared" / "benchmarks" / "multihop-rag" / "articles.jsonl"

INGEST = """
import subprocess, sys, shutil
folder, articles, niced = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
cmd = [sys.executable, "-m", "ui.cli", "index", "build", articles, "--index", folder, "--rebuild"]
if niced:
    cmd = ["nice", "-n", "10", *cmd]
while True:
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""

GENERATE = """
from index import offline
offline.apply()
from qa.llms import load_llm
from qa.settings import QASettings
llama = load_llm(QASettings())._llm
prompt = llama.tokenize(("Tell a long story about a harbor. " * 20).encode())
while True:
    llama.reset()
    for i, _ in enumerate(llama.generate(prompt, temp=0.0, reset=True)):
        if i > 400:
            break
"""


def answer_times(answerer, questions: list[str]) -> list[float]:
    out = []
    for q in questions:
        answerer.llm.forget()  # each question read from its opening, as a new chat turn
        t0 = time.perf_counter()
        answerer.ask(q)
        out.append(time.perf_counter() - t0)
    return out


def background(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=common.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the whole group (the loop and its builds) is stopped at once
    )


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=6)
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()

    from index import offline

    offline.apply()
    from eval.gold import load_gold
    from qa.answerer import Answerer
    from qa.settings import QASettings

    questions = [
        i.question
        for i in load_gold(common.ROOT / "eval" / "gold" / "seed.jsonl")
        if i.answerable and len(i.turns) == 1
    ][: args.questions]
    answerer = Answerer(QASettings())
    answerer.warm()
    answerer.ask(questions[0])  # first-call allocations
    work = Path(tempfile.mkdtemp(prefix="beside-"))
    articles = work / "articles.jsonl"
    with open(MULTIHOP, encoding="utf-8") as fh:
        articles.write_text("".join(line for _, line in zip(range(args.articles), fh)))

    print(f"beside work: {common.machine()}; LLM {answerer.llm.name}")
    print(f"{'condition':<24} {'p50 s':>7} {'max s':>7} {'vs solo':>8}", flush=True)
    solo = answer_times(answerer, questions)
    base = statistics.median(solo)
    rows = []

    def report(name: str, times: list[float]) -> None:
        rows.append((name, times))
        p50 = statistics.median(times)
        print(f"{name:<24} {p50:>7.1f} {max(times):>7.1f} {p50 / base:>7.2f}x", flush=True)

    report("solo", solo)
    for name, script, extra in [
        ("beside ingest", INGEST, [str(work / "a"), str(articles), "0"]),
        ("beside ingest, niced", INGEST, [str(work / "b"), str(articles), "1"]),
        ("beside a second LLM", GENERATE, []),
    ]:
        proc = background(script, *extra)
        time.sleep(20)  # the other work under way (model loaded, embedding started)
        try:
            report(name, answer_times(answerer, questions))
        finally:
            stop(proc)
    shutil.rmtree(work, ignore_errors=True)
    print(
        f"{len(questions)} seed questions each; ingest: {args.articles} MultiHop-RAG articles, "
        "`index build --rebuild` in a loop"
    )
    print(json.dumps({name: times for name, times in rows}))


if __name__ == "__main__":
    main()
