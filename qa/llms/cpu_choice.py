"""Which llama.cpp CPU variant this machine runs: proven in a child process, not assumed.

ggml's own choice loads the highest-scoring library the CPU's flags allow. On an Intel Xeon with
AMX that is `sapphirerapids`, whose AMX kernel died with SIGILL (`tilezero`) at the first prompt
and took the whole chat server with it. So each candidate, best-first, is first run in a child
process: it loads the library and the model, reads a prompt of ~200 tokens (the batched
matrix kernels, where AMX sits) and generates a few tokens (the one-row kernels), and must answer
a question whose answer the prompt states. A child killed by a signal, timing out or answering
wrong rules its variant out and the next is tried. The verdicts are kept per machine (CPU model,
flags and llama-cpp-python version) in `data_dir/llm-cpu.json`, so a machine pays for one probe.
"""

import hashlib
import importlib.metadata
import json
import os
import platform
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.llms.base import LLMError

CACHE_NAME = "llm-cpu.json"
# The plainest variant (x64) reads the ~200-token prompt at ~1.7 tok/s here (2 cores): ~2 min.
PROBE_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Trial:
    """What running one variant in a child process showed."""

    variant: str
    verdict: str  # "runs", or why it is ruled out: "killed by SIGILL", "wrong answer …"
    prompt_tok_s: float | None = None
    gen_tok_s: float | None = None

    @property
    def runs(self) -> bool:
        return self.verdict == "runs"


@dataclass(frozen=True)
class Choice:
    variant: str
    trials: tuple[Trial, ...]  # every verdict known for this machine, best-first
    probed: tuple[str, ...]  # the variants this call ran (empty: all from the cache)


def fingerprint() -> str:
    """The machine as far as llama.cpp's choice goes: CPU model, CPU flags, llama-cpp version."""
    model, flags = platform.processor(), ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and not model.strip():
                model = value.strip()
            elif key.strip() in ("flags", "Features") and not flags:
                flags = " ".join(sorted(value.split()))
    except OSError:
        pass
    try:
        llama = importlib.metadata.version("llama_cpp_python")
    except importlib.metadata.PackageNotFoundError:
        llama = "none"
    digest = hashlib.sha256(f"{model}\n{flags}\n{llama}".encode()).hexdigest()[:16]
    return f"{model.strip() or platform.machine()} | llama-cpp-python {llama} | {digest}"


class VerdictCache:
    """Verdicts per variant, valid only for the fingerprint they were made on."""

    def __init__(self, path: Path, machine: str):
        self.path, self.machine = Path(path), machine
        self.ranked: list[str] = self._read().get("ranked", [])  # ggml's order, kept with them

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("machine") != self.machine:
            return {}  # another CPU or another llama.cpp: probe again
        return data

    def load(self) -> dict[str, Trial]:
        return {t["variant"]: Trial(**t) for t in self._read().get("trials", [])}

    def save(self, trials: dict[str, Trial]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        body = {
            "machine": self.machine,
            "ranked": self.ranked,
            "trials": [asdict(t) for t in trials.values()],
        }
        tmp.write_text(json.dumps(body, indent=1), "utf-8")
        os.replace(tmp, self.path)  # a reader never sees half a file


def run_trial(variant: str, argv: Sequence[str], timeout_s: float = PROBE_TIMEOUT_S) -> Trial:
    """Run one probe child; its last stdout line is JSON {"ok": bool, "reply": ..., tok/s}."""
    try:
        proc = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout_s, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return Trial(variant, f"timed out after {timeout_s:.0f} s")
    if proc.returncode < 0:
        try:
            name = signal.Signals(-proc.returncode).name
        except ValueError:
            name = f"signal {-proc.returncode}"
        return Trial(variant, f"killed by {name}")
    lines = proc.stdout.strip().splitlines()
    try:
        out = json.loads(lines[-1]) if lines else None
    except ValueError:
        out = None
    if proc.returncode != 0 or not isinstance(out, dict):
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return Trial(variant, f"failed (exit {proc.returncode}): {last}")
    if not out.get("ok"):
        return Trial(variant, f"wrong answer {str(out.get('reply', ''))[:60]!r}")
    return Trial(variant, "runs", out.get("prompt_tok_s"), out.get("gen_tok_s"))


def choose(
    candidates: Sequence[str],
    argv_for: Callable[[str], Sequence[str]],
    cache: VerdictCache,
    *,
    try_all: bool = False,
    timeout_s: float = PROBE_TIMEOUT_S,
) -> Choice:
    """The first candidate (best-first) whose probe runs; verdicts cached, children only for
    variants this machine has no verdict on. `try_all` probes every candidate (`model info`)."""
    known = cache.load()
    probed: list[str] = []
    chosen = None
    for variant in candidates:
        if variant not in known:
            if chosen is not None and not try_all:
                break
            known[variant] = run_trial(variant, argv_for(variant), timeout_s)
            probed.append(variant)
            cache.save(known)
        if chosen is None and known[variant].runs:
            chosen = variant
            if not try_all:
                break
    trials = tuple(known[v] for v in candidates if v in known)
    if chosen is None:
        tried = "; ".join(f"{t.variant}: {t.verdict}" for t in trials)
        raise LLMError(
            f"no llama.cpp CPU variant runs on this CPU ({tried}); set NEWSQA_LLM__BACKEND to "
            "openai_like or ollama, or rebuild llama-cpp-python with `make setup`"
        )
    return Choice(chosen, trials, tuple(probed))


def probe_argv(variant: str, model: Path) -> list[str]:
    return [sys.executable, "-m", "qa.llms.cpu_probe", "run", variant, str(model)]


def ranked_variants(lib_dir: Path) -> list[str]:
    """The variants this CPU supports, best-first by ggml's own score (what it would load).

    Scoring opens every library, so it happens in a child: the main process maps only the
    variant that is finally chosen."""
    proc = subprocess.run(
        [sys.executable, "-m", "qa.llms.cpu_probe", "score", str(lib_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise LLMError(
            f"scoring the llama.cpp CPU libraries in {lib_dir} failed (exit {proc.returncode}): "
            + (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]
        )
    scores: dict[str, int] = json.loads(proc.stdout.strip().splitlines()[-1])
    return [v for v, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s > 0]


def proven_variant(data_dir: Path, model: Path, pinned: str = "", try_all: bool = False) -> Choice:
    """The variant to load in this process, proven to run here (cached per machine)."""
    from qa.llms.llamacpp import built_variants, cpu_backend_dir

    lib_dir = cpu_backend_dir()
    if lib_dir is None:
        raise LLMError(
            "llama.cpp was built without its per-CPU libraries (libggml-cpu-*.so); rebuild it "
            "with `make setup`"
        )
    built = built_variants(lib_dir)
    if pinned and pinned not in built:
        raise LLMError(
            f"llama.cpp CPU variant {pinned!r} is missing or does not run on this CPU "
            f"(NEWSQA_LLM__CPU_VARIANT); built: {', '.join(built)}"
        )
    cache = VerdictCache(Path(data_dir) / CACHE_NAME, fingerprint())
    if not pinned and not cache.ranked:
        cache.ranked = ranked_variants(lib_dir)  # scored once per machine, in a child
    candidates = [pinned] if pinned else cache.ranked
    try:
        return choose(candidates, lambda v: probe_argv(v, model), cache, try_all=try_all)
    except LLMError as exc:
        if pinned:
            verdict = cache.load()[pinned].verdict
            raise LLMError(
                f"llama.cpp CPU variant {pinned!r} (NEWSQA_LLM__CPU_VARIANT) does not run on this "
                f"CPU: {verdict}; unset it to let newsqa choose one that runs"
            ) from None
        raise exc
