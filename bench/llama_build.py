"""llama.cpp's CPU variants side by side: the one chosen at run time against AVX2 and plain x86-64.

Run: .venv/bin/python bench/llama_build.py [--variants haswell,x64] [--prompt-tokens 500]
The project builds every x86 variant of llama.cpp's CPU code (GGML_BACKEND_DL) and loads the
best one the CPU supports. "haswell" is exactly what the Makefile built before (AVX2, FMA, F16C,
BMI2), so the comparison is the new build against the old one, same model, same prompt. Each
variant runs in its own process (one CPU backend per process): it reads a prompt of the seed
article's tokens (timed to the first token), then generates 64 more (timed from the first to the
last); the median of three rounds is printed.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402

ROUNDS = 3
GENERATE = 64


def child(variant: str, prompt_tokens: int) -> dict:
    from index import offline

    offline.apply()
    from qa.llms import load_llm
    from qa.settings import QASettings

    settings = QASettings(llm={"cpu_variant": "" if variant == "best" else variant})
    llm = load_llm(settings)
    llama = llm._llm
    seed = json.loads(
        (common.ROOT / "seeds" / "netanyahu-trump-mar-a-lago.json").read_text("utf-8")
    )
    text = f"{seed['title']}\n\n{seed['body']}"
    tokens = llama.tokenize(text.encode("utf-8"))[:prompt_tokens]
    read, made = [], []
    for _ in range(ROUNDS):
        llama.reset()
        t0 = time.perf_counter()
        stamps = []
        for _tok in llama.generate(tokens, temp=0.0, reset=True):
            stamps.append(time.perf_counter())
            if len(stamps) > GENERATE:
                break
        # The first token comes once the whole prompt is read; the rest are generation alone.
        read.append(len(tokens) / (stamps[0] - t0))
        made.append((len(stamps) - 1) / (stamps[-1] - stamps[0]))
    return {
        "variant": llm.cpu,
        "prompt_tokens": len(tokens),
        "prompt_tok_s": common.percentile(read, 0.5),
        "gen_tok_s": common.percentile(made, 0.5),
        "rss_mb": common.peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--variants", default="haswell", help="compared with the chosen one (x64: none)"
    )
    parser.add_argument("--prompt-tokens", type=int, default=500)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("variant", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        common.emit(child(args.variant, args.prompt_tokens))
        return
    print(f"llama.cpp CPU variants: {common.machine()}")
    script = Path(__file__)
    rows = [
        common.in_child(script, v, "--prompt-tokens", str(args.prompt_tokens))
        for v in ["best", *args.variants.split(",")]
    ]
    best = rows[0]
    print(f"{'variant':<16} {'prompt tok/s':>12} {'gen tok/s':>10} {'RSS MB':>7}  vs chosen")
    for i, r in enumerate(rows):
        name = r["variant"] + (" (chosen)" if i == 0 else "")
        ratio = (
            ""
            if i == 0
            else f"prompt {best['prompt_tok_s'] / r['prompt_tok_s']:.2f}x, "
            f"generation {best['gen_tok_s'] / r['gen_tok_s']:.2f}x faster chosen"
        )
        print(
            f"{name:<16} {r['prompt_tok_s']:>12.1f} {r['gen_tok_s']:>10.1f} "
            f"{r['rss_mb']:>7.0f}  {ratio}"
        )
    print(
        f"prompt: {best['prompt_tokens']} tokens of the seed article, then {GENERATE} generated; median of {ROUNDS}"
    )


if __name__ == "__main__":
    main()
