"""The embedded default: a GGUF model run in-process by llama.cpp, with its own chat template."""

import ctypes
import functools
import importlib.metadata
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from qa.llms.base import ChatLLM, LLMError


def cpu_backend_dir() -> Path | None:
    """Where this llama-cpp-python install keeps its per-CPU libraries (libggml-cpu-zen4.so …);
    None for a build with the CPU code linked in."""
    try:
        files = importlib.metadata.distribution("llama_cpp_python").files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in files:
        if variant_of(f.name):
            return Path(f.locate()).resolve().parent
    return None


@functools.cache
def load_cpu_backend(variant: str) -> str:
    """Load llama.cpp's CPU library for `variant` ("zen4", "haswell" = AVX2, "x64" = none) into
    this process, and say which is loaded.

    The project builds every x86 variant as a loadable library (GGML_BACKEND_DL). ggml's own
    choice (the best the CPU flags allow) is not trusted: on AMX Xeons it picked a library that
    dies with SIGILL, so the variant comes from qa/llms/cpu_choice.py, proven in a child first.
    llama-cpp-python 0.3.36 does not expose ggml_backend_load, so it is called on the very
    libggml its libllama is linked against."""
    import llama_cpp

    try:  # ggml reports each library it loads on stderr; only errors belong there
        from llama_cpp import _logger

        _logger.set_verbose(False)
    except ImportError:
        pass
    lib_dir = Path(llama_cpp.__file__).parent / "lib"
    ggml = next(
        (
            ctypes.CDLL(str(p))
            for p in (lib_dir / "libggml.so.0", lib_dir / "libggml.so")
            if p.exists()
        ),
        None,
    )
    if ggml is None:
        return "built in"
    ggml.ggml_backend_reg_count.restype = ctypes.c_size_t
    if ggml.ggml_backend_reg_count() == 0:
        where = cpu_backend_dir()
        if where is None:
            raise LLMError(
                "llama.cpp was built without a CPU backend (no libggml-cpu-*.so installed); "
                "rebuild it with `make setup`"
            )
        path = where / f"libggml-cpu-{variant}.so"
        ggml.ggml_backend_load.argtypes = [ctypes.c_char_p]
        ggml.ggml_backend_load.restype = ctypes.c_void_p
        if not path.exists() or not ggml.ggml_backend_load(str(path).encode()):
            raise LLMError(
                f"llama.cpp CPU variant {variant!r} is missing or does not run on this CPU "
                f"(NEWSQA_LLM__CPU_VARIANT); built: {', '.join(built_variants(where))}"
            )
    return loaded_variant() or "built in"


def built_variants(where: Path) -> list[str]:
    return sorted(v for p in where.glob("libggml-cpu-*.so") if (v := variant_of(p.name)))


def variant_of(file_name: str) -> str | None:
    """ "zen4" for "libggml-cpu-zen4.so"; None for any other file."""
    if file_name.startswith("libggml-cpu-") and file_name.endswith(".so"):
        return file_name.removeprefix("libggml-cpu-").removesuffix(".so")
    return None


def loaded_variant() -> str | None:
    """The CPU variant library this process loaded ("zen4", "haswell", …), if any."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as fh:
            for line in fh:
                if variant := variant_of(line.rsplit("/", 1)[-1].strip()):
                    return variant
    except OSError:  # not Linux
        pass
    return None


class _PrefixCache:
    """llama.cpp states of the fixed prompt openings (system instructions), kept between questions.

    llama-cpp-python restores the stored state sharing the longest token prefix with a new prompt
    and reads only the rest. Its own LlamaRAMCache also stores every finished reply (~15 MB each);
    this one stores only what `warm` records, so memory stays a few MB and a benchmark's "cold"
    question really is cold apart from the fixed part. llama-cpp-python only indexes it and tests
    that it is set."""

    def __init__(self):
        from llama_cpp.llama_cache import LlamaRAMCache

        self._states = LlamaRAMCache(capacity_bytes=256 << 20)
        self.recording = False

    def __getitem__(self, key):
        return self._states[key]

    def __setitem__(self, key, value) -> None:
        if self.recording:
            self._states[key] = value


class LlamaCppLLM(ChatLLM):
    def __init__(
        self,
        model_path: Path,
        cpu_variant: str,
        n_ctx: int = 4096,
        n_threads: int = 2,
        seed: int = 0,
    ):
        """`cpu_variant`: the llama.cpp CPU library to load, one proven to run on this machine
        (qa/llms/cpu_choice.proven_variant)."""
        try:
            from llama_cpp import Llama
        except ImportError:
            raise LLMError(
                "llama-cpp-python is not installed; run `make setup` (it compiles it with the "
                "CPU flags this machine needs)"
            ) from None
        if not Path(model_path).is_file():
            raise LLMError(f"no GGUF model at {model_path}")
        self.cpu = load_cpu_backend(cpu_variant)
        try:
            self._llm = Llama(
                model_path=str(model_path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                seed=seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"llama.cpp cannot load {model_path}: {exc}") from None
        self.name = f"llama.cpp: {Path(model_path).stem} (CPU: {self.cpu})"
        # One llama.cpp context cannot serve two generations at once.
        self._lock = threading.Lock()
        self._prefixes = _PrefixCache()
        self._llm.set_cache(self._prefixes)

    def warm(self, openings: list[list[dict]]) -> None:
        """Read each conversation opening once and keep its state: later prompts that start the
        same way (same system instructions) skip those tokens. Seconds, once per process."""
        with self._lock:
            self._prefixes.recording = True
            try:
                for messages in openings:
                    self._llm.create_chat_completion(messages=messages, max_tokens=1)
            finally:
                self._prefixes.recording = False

    def forget(self) -> None:
        """Drop the live context (kept prefixes stay): the next prompt is read from its opening."""
        with self._lock:
            self._llm.reset()

    def stream(
        self,
        messages: list[dict],
        max_tokens: int = 256,
        temperature: float = 0.0,
        grammar: str | None = None,
    ) -> Iterator[str]:
        with self._lock:
            # create_chat_completion applies the chat template stored in the GGUF.
            chunks = self._llm.create_chat_completion(
                messages=messages,
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
                grammar=self._grammar(grammar) if grammar else None,
            )
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece

    def preference(self, messages: list[dict], first: str, second: str) -> float | None:
        a = self._llm.tokenize(first.encode("utf-8"), add_bos=False)
        b = self._llm.tokenize(second.encode("utf-8"), add_bos=False)
        if len(a) != 1 or len(b) != 1:
            return None  # only single-token openings compare by one logit
        with self._lock:
            # Reads the prompt (the reply then reuses it) and samples one token; the context's
            # logits are still those of the prompt's last position (llama-cpp-python keeps no
            # copy without logits_all, which would cost memory for every position).
            self._llm.create_chat_completion(messages=messages, max_tokens=1)
            logits = self._last_logits()
            return float(logits[a[0]] - logits[b[0]])

    def reply_logprob(self, messages: list[dict], reply: str) -> float | None:
        tokens = self._llm.tokenize(reply.encode("utf-8"), add_bos=False)
        total = 0.0
        with self._lock:
            # The prompt is read once (max_tokens=1 leaves its last logits in the context); each
            # reply token is then read on top of it: a handful of one-token steps.
            self._llm.create_chat_completion(messages=messages, max_tokens=1)
            for i, token in enumerate(tokens):
                if i:
                    self._llm.eval([tokens[i - 1]])
                logits = self._last_logits()
                top = float(logits.max())
                norm = top + float(np.log(np.exp(logits - top).sum()))
                total += float(logits[token]) - norm
        return total

    def _last_logits(self) -> np.ndarray:
        """Next-token logits after the last token the context read (a view, no copy)."""
        return np.ctypeslib.as_array(self._llm._ctx.get_logits(), shape=(self._llm.n_vocab(),))

    @functools.lru_cache(maxsize=8)  # noqa: B019 (one model per process; grammars are few)
    def _grammar(self, text: str):
        from llama_cpp import LlamaGrammar

        return LlamaGrammar.from_string(text, verbose=False)

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))
