"""The embedded default: a GGUF model run in-process by llama.cpp, with its own chat template."""

import functools
import threading
from collections.abc import Iterator
from pathlib import Path

from qa.llms.base import ChatLLM, LLMError


class LlamaCppLLM(ChatLLM):
    def __init__(self, model_path: Path, n_ctx: int = 4096, n_threads: int = 2, seed: int = 0):
        try:
            from llama_cpp import Llama
        except ImportError:
            raise LLMError(
                "llama-cpp-python is not installed; run `make setup` (it compiles it with the "
                "CPU flags this machine needs)"
            ) from None
        if not Path(model_path).is_file():
            raise LLMError(f"no GGUF model at {model_path}")
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
        self.name = f"llama.cpp: {Path(model_path).stem}"
        # One llama.cpp context cannot serve two generations at once.
        self._lock = threading.Lock()

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

    @functools.lru_cache(maxsize=8)  # noqa: B019 (one model per process; grammars are few)
    def _grammar(self, text: str):
        from llama_cpp import LlamaGrammar

        return LlamaGrammar.from_string(text, verbose=False)

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))
