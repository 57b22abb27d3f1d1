"""The child side of the CPU-variant probe (qa/llms/cpu_choice.py); never imported by the app.

`python -m qa.llms.cpu_probe score LIB_DIR`: ggml's score of each CPU library (0: unsupported).
`python -m qa.llms.cpu_probe run VARIANT MODEL`: load that variant and the model, read a prompt
of ~200 tokens and generate a few; print JSON with whether the answer is the one the prompt
states and the prompt / generation tokens per second. A variant whose kernels fault kills this
process, which is the point: the parent reads the signal.
"""

import ctypes
import json
import sys
import time
from pathlib import Path

# A made-up town, so the answer can only come from reading the prompt (not from the weights).
PROBE_TEXT = (
    "Velmora is a small harbour town on a rocky coast. Its fishing fleet leaves before dawn "
    "and returns by noon, when the market square fills with stalls selling mackerel, crab and "
    "smoked eel. The town hall, built of grey stone in the last century, faces the harbour, and "
    "its clock has run five minutes slow for as long as anyone remembers. Above the town, on "
    "the northern cliff, stands a white lighthouse with a red lantern room. The lighthouse "
    "keeper is a woman named Orsolya, who has kept the light burning for twenty-two years and "
    "who writes the weather in a logbook every evening. In winter, storms close the harbour for "
    "days at a time, and the fishermen mend their nets in the boathouse beside the slipway."
)
PROBE_QUESTION = "Question: What is the name of the lighthouse keeper?\nAnswer (one word):"
PROBE_ANSWER = "orsolya"
GENERATE = 8


def score(lib_dir: Path) -> dict[str, int]:
    import llama_cpp

    # Each CPU library links against libggml-base, which lives beside llama-cpp-python's
    # libllama: loaded first and globally, as ggml's own loader finds it in-process.
    base = Path(llama_cpp.__file__).parent / "lib" / "libggml-base.so"
    ctypes.CDLL(str(base), mode=ctypes.RTLD_GLOBAL)
    scores = {}
    for path in sorted(lib_dir.glob("libggml-cpu-*.so")):
        variant = path.name.removeprefix("libggml-cpu-").removesuffix(".so")
        try:
            lib = ctypes.CDLL(str(path))
            fn = lib.ggml_backend_score
        except (OSError, AttributeError):
            scores[variant] = 0
            continue
        fn.restype = ctypes.c_int
        scores[variant] = int(fn())
    return scores


def run(variant: str, model: Path) -> dict:
    from llama_cpp import Llama

    from qa.llms.llamacpp import load_cpu_backend

    loaded = load_cpu_backend(variant)
    llm = Llama(model_path=str(model), n_ctx=1024, n_threads=2, seed=0, verbose=False)
    prompt = f"{PROBE_TEXT}\n\n{PROBE_QUESTION}"
    n_prompt = len(llm.tokenize(prompt.encode("utf-8")))
    t0 = time.perf_counter()
    stamps, pieces = [], []
    for chunk in llm.create_completion(prompt, max_tokens=GENERATE, temperature=0.0, stream=True):
        stamps.append(time.perf_counter())
        pieces.append(chunk["choices"][0]["text"])
    reply = "".join(pieces)
    gen = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else None
    return {
        "variant": loaded,
        "ok": loaded == variant and PROBE_ANSWER in reply.lower(),
        "reply": reply,
        "prompt_tokens": n_prompt,
        "prompt_tok_s": round(n_prompt / (stamps[0] - t0), 1) if stamps else None,
        "gen_tok_s": round(gen, 1) if gen else None,
    }


def main(argv: list[str]) -> int:
    from index import offline

    offline.apply()
    if argv[:1] == ["score"] and len(argv) == 2:
        print(json.dumps(score(Path(argv[1]))))
    elif argv[:1] == ["run"] and len(argv) == 3:
        print(json.dumps(run(argv[1], Path(argv[2]))), flush=True)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
