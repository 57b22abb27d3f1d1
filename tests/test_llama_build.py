"""The llama.cpp build: every CPU variant, the best one for this CPU loaded, and it generates.

A native build segfaulted on this CPU once, so loading and generating run in a child process:
a crash fails the test with its signal instead of taking pytest down.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

AVX512_VARIANTS = {"skylakex", "cannonlake", "cascadelake", "icelake", "cooperlake", "zen4"}

CHILD = """
import json, sys
from index import offline
offline.apply()
from qa.llms import load_llm
from qa.settings import QASettings
llm = load_llm(QASettings(data_dir=sys.argv[1], llm={"cpu_variant": sys.argv[2]}))
text = llm.complete([{"role": "user", "content": "Say the word: apple"}], max_tokens=8)
with open("/proc/self/maps") as fh:  # every CPU library this process ever mapped
    mapped = sorted({line.rsplit("/", 1)[-1].strip() for line in fh if "libggml-cpu-" in line})
print(json.dumps({"cpu": llm.cpu, "text": text, "mapped": mapped}))
"""


def run_child(variant: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / ".newsqa"), variant],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def cpu_flags() -> set[str]:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def test_the_build_carries_every_x86_variant():
    from qa.llms.llamacpp import cpu_backend_dir, variant_of

    where = cpu_backend_dir()
    assert where is not None, "llama-cpp-python was built without GGML_BACKEND_DL"
    built = {variant_of(p.name) for p in where.glob("*.so")}
    assert {"x64", "sse42", "haswell", "skylakex", "zen4"} <= built


def test_the_best_variant_for_this_cpu_loads_and_generates():
    proc = run_child()
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["text"].strip()
    if "avx512f" in cpu_flags():  # this project's machines: an AVX-512 variant, not AVX2
        assert out["cpu"] in AVX512_VARIANTS, out
    else:
        assert out["cpu"] not in AVX512_VARIANTS, out


def test_the_main_process_loads_only_the_variant_the_probe_ran():
    """The chooser ran its candidates in children; this process mapped one library, the one
    whose probe answered right on this machine (the AMX lesson: nothing loaded unseen)."""
    from qa.llms.cpu_choice import CACHE_NAME, fingerprint

    proc = run_child()
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["mapped"] == [f"libggml-cpu-{out['cpu']}.so"]
    cache = json.loads((ROOT / ".newsqa" / CACHE_NAME).read_text())
    assert cache["machine"] == fingerprint()
    verdicts = {t["variant"]: t for t in cache["trials"]}
    assert verdicts[out["cpu"]]["verdict"] == "runs"
    assert verdicts[out["cpu"]]["prompt_tok_s"] > 0


def test_a_pinned_variant_loads_and_a_wrong_name_is_a_clear_error():
    proc = run_child("haswell")  # AVX2: what the build was before, for comparisons
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1])["cpu"] == "haswell"
    proc = run_child("pentium4")
    assert proc.returncode != 0
    assert "'pentium4' is missing or does not run on this CPU" in proc.stderr
    assert "zen4" in proc.stderr  # lists what was built
