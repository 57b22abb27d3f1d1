"""Two things at once: a question's retrieval while llama.cpp is generating another answer.

Run: .venv/bin/python bench/contention.py [--queries 100]   (needs `make index`)
In the chat one user's answer can be streaming while another user's question is embedded and
retrieved (and an ingest may embed at the same time). Both share two cores, so a thread pool that
spins while it waits (OpenMP's default) can take a core from the other side for whole
milliseconds. For each query embedder (torch fp32 on 1 thread, onnxruntime int8 on 1 thread
without spinning) this prints the retrieval p50/p95 alone and while llama.cpp generates in a
background thread, and llama.cpp's generation speed alone and beside the retrievals; each with
OpenMP's default wait policy and with OMP_WAIT_POLICY=PASSIVE (torch and llama.cpp use OpenMP).
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common  # noqa: E402

QUESTIONS = [
    "Why did Trump demand an apology from Netanyahu?",
    "Where will Netanyahu and Trump meet?",
    "Who is Anna Kelly?",
    "What keeps Israel on alert about Tehran?",
    "Who would sit on the proposed peace body?",
]


def child(embed_model: str, queries: int) -> dict:
    from index import offline

    offline.apply()
    from index.components import embedder_for, open_index
    from qa.llms import load_llm
    from qa.retrieval import Retriever
    from qa.settings import QASettings

    settings = QASettings(embed={"model": embed_model})
    embedder = embedder_for(settings)
    retriever = Retriever(
        open_index(settings),
        embedder,
        settings.retrieval.dense_top_k,
        settings.retrieval.bm25_top_k,
    )
    llama = load_llm(settings)._llm
    prompt = llama.tokenize(("Tell a long story about a harbor. " * 20).encode())

    def retrieve_all() -> list[float]:
        out = []
        for i in range(queries):
            t0 = time.perf_counter()
            retriever.retrieve(
                QUESTIONS[i % len(QUESTIONS)] + f" ({i})", top_k=settings.retrieval.top_k
            )
            out.append(time.perf_counter() - t0)
        return out

    def generate(stop: threading.Event, stamps: list[float]) -> None:
        """Generate until told to stop, noting when each token came."""
        llama.reset()
        for _tok in llama.generate(prompt, temp=0.0, reset=True):
            stamps.append(time.perf_counter())
            if stop.is_set() or len(stamps) >= 2000:
                break

    def rate(stamps: list[float], start: float, end: float) -> float:
        inside = [t for t in stamps if start <= t <= end]
        return (len(inside) - 1) / (inside[-1] - inside[0]) if len(inside) > 1 else 0.0

    retrieve_all()  # warm-up
    alone = retrieve_all()
    stop, stamps = threading.Event(), []
    worker = threading.Thread(target=generate, args=(stop, stamps))
    worker.start()
    time.sleep(3.0)  # prompt read, generation under way
    t0 = time.perf_counter()
    time.sleep(2.0)  # generation alone
    t1 = time.perf_counter()
    beside = retrieve_all()  # and beside the retrievals
    t2 = time.perf_counter()
    stop.set()
    worker.join()
    return {
        "embed_model": embed_model,
        "alone_p50": common.percentile_ms(alone, 0.5),
        "alone_p95": common.percentile_ms(alone, 0.95),
        "beside_p50": common.percentile_ms(beside, 0.5),
        "beside_p95": common.percentile_ms(beside, 0.95),
        "gen_alone": rate(stamps, t0, t1),
        "gen_beside": rate(stamps, t1, t2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("model", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        common.emit(child(args.model, args.queries))
        return
    print(f"contention: {common.machine()}")
    print(
        f"{'query embedder':<24} {'OMP_WAIT_POLICY':<15} {'retrieve p50/p95 ms alone':>26} "
        f"{'beside generation':>18} {'gen tok/s alone':>15} {'beside retrievals':>17}"
    )
    for policy in ["", "PASSIVE"]:
        for model in ["all-MiniLM-L6-v2", "all-MiniLM-L6-v2-int8"]:
            os.environ.pop("OMP_WAIT_POLICY", None)
            if policy:
                os.environ["OMP_WAIT_POLICY"] = policy
            r = common.in_child(Path(__file__), model, "--queries", str(args.queries))
            print(
                f"{model:<24} {policy or '(default)':<15} "
                f"{r['alone_p50']:>14.1f} / {r['alone_p95']:<9.1f} "
                f"{r['beside_p50']:>8.1f} / {r['beside_p95']:<7.1f} "
                f"{r['gen_alone']:>15.1f} {r['gen_beside']:>17.1f}"
            )
    print("retrieval = query embedding + FAISS + BM25 on the seed index; generation in a thread")


if __name__ == "__main__":
    main()
