"""Answer speed: end-to-end `ask` against a bare llama.cpp call with the same prompt.

Run: .venv/bin/python bench/answer.py [--questions 8]   (needs `make index`: the seed index
and the packaged model)
For each answerable seed gold question, the real Answerer streams an answer (retrieval, prompt,
llama.cpp, citation check); then the same llama.cpp model gets the very messages the pipeline
sent, with the same max_tokens and temperature, and nothing else. As in the chat, the prompts'
fixed openings (system instructions) are read once at start-up (`Answerer.warm`); the live
context is dropped before every call, so neither side reuses the other's prompt beyond that
opening. Prints per-question and total seconds, the ratio, time to the first streamed token, the
prompt size and tokens generated, the llama.cpp CPU variant, and peak RSS.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402


def run(n_questions: int) -> None:
    from index import offline

    offline.apply()
    from eval.gold import load_gold
    from qa.answerer import Answerer
    from qa.prompts import GRAMMARS, answer_messages
    from qa.settings import QASettings

    settings = QASettings()
    items = [
        i
        for i in load_gold(common.ROOT / "eval" / "gold" / "seed.jsonl")
        if i.answerable and len(i.turns) == 1
    ][:n_questions]
    answerer = Answerer(settings)
    started = time.perf_counter()
    llama = answerer.llm._llm  # the llama_cpp.Llama the pipeline uses
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    answerer.warm()
    warm_s = time.perf_counter() - started
    answerer.ask(items[0].question)  # warm-up: first-call allocations
    print(f"answer: {common.machine()}")
    print(
        f"model: {answerer.llm.name} (loaded in {load_s:.1f} s, openings read in {warm_s:.1f} s), "
        f"llama.cpp CPU variant {answerer.llm.cpu}, {settings.llm.threads} threads, "
        f"embeddings {settings.embed.model}"
    )
    print(
        f"{'question':<48} {'ask s':>6} {'bare s':>6} {'ratio':>6} {'TTFT s':>6} "
        f"{'prompt tok':>10} {'gen tok ask/bare':>16}"
    )
    totals = {"ask": 0.0, "bare": 0.0}
    ttfts, prompts, asks, bares = [], [], [], []
    for item in items:
        answerer.llm.forget()
        t0 = time.perf_counter()
        first = None
        raw = ""
        answer = None
        for piece in answerer.stream(item.question):
            if isinstance(piece, str):
                first = first if first is not None else time.perf_counter() - t0
                raw += piece
            else:
                answer = piece
        ask_s = time.perf_counter() - t0
        messages = answer_messages(item.question, answer.evidence, [], answer.kind)
        answerer.llm.forget()
        t0 = time.perf_counter()
        bare = llama.create_chat_completion(
            messages=messages,
            max_tokens=settings.llm.max_tokens,
            temperature=settings.llm.temperature,
            grammar=answerer.llm._grammar(GRAMMARS[answer.kind])
            if answer.kind in GRAMMARS
            else None,
        )
        bare_s = time.perf_counter() - t0
        usage = bare["usage"]
        ask_tokens = answerer.llm.count_tokens(raw)
        totals["ask"] += ask_s
        totals["bare"] += bare_s
        asks.append(ask_s)
        bares.append(bare_s)
        if first is not None:
            ttfts.append(first)
        prompts.append(usage["prompt_tokens"])
        print(
            f"{item.question[:48]:<48} {ask_s:>6.1f} {bare_s:>6.1f} {ask_s / bare_s:>6.2f} "
            f"{first if first is not None else float('nan'):>6.2f} {usage['prompt_tokens']:>10} "
            f"{ask_tokens:>7}/{usage['completion_tokens']:<8}",
            flush=True,
        )
    print(
        f"total: ask {totals['ask']:.1f} s, bare llama.cpp {totals['bare']:.1f} s, "
        f"ratio {totals['ask'] / totals['bare']:.2f} (target <= 1.15); "
        f"answer p50 {common.percentile(asks, 0.5):.2f} s (bare {common.percentile(bares, 0.5):.2f} s); "
        f"TTFT p50 {common.percentile(ttfts, 0.5):.2f} s, p95 {common.percentile(ttfts, 0.95):.2f} s; "
        f"prompt p50 {common.percentile(prompts, 0.5):.0f} tokens "
        f"(<= {settings.retrieval.evidence_sentences} evidence sentences); "
        f"peak RSS {common.peak_rss_mb():.0f} MB"
    )
    print(
        "ask stops at the third sentence (the verifier keeps three), bare runs to EOS or "
        "max_tokens: the token columns show how much each generated."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=8)
    args = parser.parse_args()
    run(args.questions)


if __name__ == "__main__":
    main()
