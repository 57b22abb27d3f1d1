"""Helpers the bench scripts share: a child process per measurement, peak RSS, percentiles."""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(script: Path, *args: str) -> dict:
    """Run `script --child ARGS` in a fresh interpreter, so its peak RSS is its own, and
    return the JSON object it prints on its last line."""
    proc = subprocess.run(
        [sys.executable, str(script), "--child", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{script.name} {' '.join(args)} failed with exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def emit(result: dict) -> None:
    print(json.dumps(result), flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def percentile_ms(seconds: list[float], q: float) -> float:
    """A percentile of timings taken in seconds, in milliseconds."""
    return 1000 * percentile(seconds, q)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem_gb:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def sizes_arg(text: str) -> list[int]:
    """ "1k,10k,100k" -> [1000, 10000, 100000]"""
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        out.append(int(float(part.rstrip("km")) * scale))
    return out


def tune_check_parser(description: str) -> argparse.ArgumentParser:
    """The arguments of a threshold bench: ids to tune on, ids to check on, the gold file."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--tune", type=Path, required=True)
    parser.add_argument("--check", type=Path, required=True)
    parser.add_argument(
        "--gold", type=Path, default=Path("../shared/benchmarks/multihop-rag/dev.jsonl")
    )
    parser.add_argument("--index", type=Path, default=Path(".newsqa/multihop/index"))
    parser.add_argument("--save", type=Path, help="write the log-odds as JSON lines here")
    return parser


def gold_contexts(gold: Path, ids: list[str], index: Path):
    """(answerer, gold row, prepared context) for each id: the real pipeline's retrieval and
    evidence, the LLM loaded and warm, nothing generated."""
    from index import offline

    offline.apply()
    from qa.answerer import Answerer
    from qa.settings import QASettings

    rows = {json.loads(line)["id"]: json.loads(line) for line in gold.open(encoding="utf-8")}
    answerer = Answerer(QASettings(index_dir=index))
    answerer.warm()
    for qid in ids:
        yield answerer, rows[qid], answerer.prepare(rows[qid]["question"])


def evidence_bench_args(description: str, gold: Path) -> argparse.Namespace:
    """The arguments of a retrieval/evidence bench: the gold file, ids to keep, the index."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--gold", type=Path, default=gold)
    ap.add_argument("--ids", type=Path, help="only these questions (one id per line)")
    ap.add_argument("--index", type=Path, default=Path(".newsqa/multihop/index"))
    return ap.parse_args()


def answerable_with_answerer(args: argparse.Namespace):
    """The answerable gold items with evidence quotes (those `--ids` lists, if given) and an
    answerer on `--index`, offline, its LLM not loaded."""
    from index import offline

    offline.apply()
    from eval.gold import load_gold, select_ids
    from qa.answerer import Answerer
    from qa.settings import QASettings

    items = load_gold(args.gold)
    items = select_ids(items, args.ids) if args.ids else items
    items = [i for i in items if i.answerable and i.evidence]
    return items, Answerer(QASettings(index_dir=args.index))
