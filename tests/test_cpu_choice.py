"""The llama.cpp CPU-variant chooser, with fake candidates run as real child processes.

The best-looking fake dies by SIGILL (what the AMX variant did on Intel Xeons), the next answers
wrong, the third runs: the third is chosen, verdicts are cached per machine, and a changed CPU
fingerprint probes again. The real probe on the real build is in tests/test_llama_build.py.
"""

import json
import sys

import pytest

from qa.llms.base import LLMError
from qa.llms.cpu_choice import VerdictCache, choose

CHILD = """
import json, os, signal, sys
variant, log = sys.argv[1], sys.argv[2]
with open(log, "a") as fh:
    fh.write(variant + "\\n")
if variant == "amx":
    os.kill(os.getpid(), signal.SIGILL)
if variant == "garbled":
    print(json.dumps({"ok": False, "reply": "@@@@"}))
elif variant == "hangs":
    import time; time.sleep(60)
elif variant == "exits":
    sys.exit("cannot load the library")
else:
    print(json.dumps({"ok": True, "reply": "Orsolya", "prompt_tok_s": 90.0, "gen_tok_s": 20.0}))
"""


@pytest.fixture
def fake(tmp_path):
    log = tmp_path / "probed.log"

    def argv_for(variant: str) -> list[str]:
        return [sys.executable, "-c", CHILD, variant, str(log)]

    def probed() -> list[str]:
        return log.read_text().split() if log.exists() else []

    return argv_for, probed


def test_a_variant_killed_by_sigill_or_answering_wrong_is_ruled_out(tmp_path, fake):
    argv_for, probed = fake
    cache = VerdictCache(tmp_path / "llm-cpu.json", "cpu A")
    choice = choose(["amx", "garbled", "avx2", "x64"], argv_for, cache)
    assert choice.variant == "avx2"
    assert probed() == ["amx", "garbled", "avx2"]  # x64 never needed
    verdicts = {t.variant: t.verdict for t in choice.trials}
    assert verdicts == {
        "amx": "killed by SIGILL",
        "garbled": "wrong answer '@@@@'",
        "avx2": "runs",
    }
    assert choice.trials[-1].prompt_tok_s == 90.0
    saved = json.loads((tmp_path / "llm-cpu.json").read_text())
    assert saved["machine"] == "cpu A" and len(saved["trials"]) == 3


def test_the_verdict_is_cached_and_a_new_cpu_probes_again(tmp_path, fake):
    argv_for, probed = fake
    path = tmp_path / "llm-cpu.json"
    choose(["amx", "garbled", "avx2"], argv_for, VerdictCache(path, "cpu A"))
    again = choose(["amx", "garbled", "avx2"], argv_for, VerdictCache(path, "cpu A"))
    assert again.variant == "avx2" and again.probed == ()
    assert probed() == ["amx", "garbled", "avx2"]  # no second child
    other = choose(["amx", "garbled", "avx2"], argv_for, VerdictCache(path, "cpu B"))
    assert other.variant == "avx2" and other.probed == ("amx", "garbled", "avx2")
    assert probed() == ["amx", "garbled", "avx2"] * 2


def test_try_all_probes_every_candidate_but_keeps_the_best_that_runs(tmp_path, fake):
    argv_for, probed = fake
    cache = VerdictCache(tmp_path / "llm-cpu.json", "cpu A")
    choose(["amx", "avx2", "x64"], argv_for, cache)
    choice = choose(["amx", "avx2", "x64"], argv_for, cache, try_all=True)
    assert choice.variant == "avx2" and choice.probed == ("x64",)
    assert [t.verdict for t in choice.trials] == ["killed by SIGILL", "runs", "runs"]


def test_a_hanging_or_failing_child_is_ruled_out_and_none_left_is_a_clear_error(tmp_path, fake):
    argv_for, _ = fake
    cache = VerdictCache(tmp_path / "llm-cpu.json", "cpu A")
    with pytest.raises(LLMError) as err:
        choose(["amx", "hangs", "exits"], argv_for, cache, timeout_s=2)
    message = str(err.value)
    assert "no llama.cpp CPU variant runs on this CPU" in message
    assert "amx: killed by SIGILL" in message
    assert "hangs: timed out after 2 s" in message
    assert "exits: failed (exit 1): cannot load the library" in message


def test_a_damaged_cache_file_is_probed_again(tmp_path, fake):
    argv_for, probed = fake
    path = tmp_path / "llm-cpu.json"
    path.write_text("{not json")
    assert choose(["avx2"], argv_for, VerdictCache(path, "cpu A")).variant == "avx2"
    assert probed() == ["avx2"]
