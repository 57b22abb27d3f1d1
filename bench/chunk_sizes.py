"""Retrieval quality by chunk size, with and without BM25, on the seed gold questions.

Run: .venv/bin/python bench/chunk_sizes.py   (real MiniLM, FAISS and BM25; a minute or two)
Prints hit@1, hit@3, MRR@10 and evidence recall@5 per setting (retrieval-only eval rows).
"""

import tempfile
from pathlib import Path

from index import builder, offline
from index.config import IndexSettings

offline.apply()
from eval.gold import load_gold  # noqa: E402
from eval.metrics import retrieval  # noqa: E402
from eval.runner import evaluate_item  # noqa: E402
from qa.answerer import Answerer  # noqa: E402
from qa.settings import QASettings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = [(64, 10), (96, 20), (128, 20), (160, 30), (200, 40), (254, 40)]


def measure(items, chunk_size: int, overlap: int, use_bm25: bool) -> tuple[dict, int]:
    with tempfile.TemporaryDirectory() as tmp:
        s = IndexSettings(
            index_dir=Path(tmp), index={"chunk_size": chunk_size, "chunk_overlap": overlap}
        )
        builder.build([ROOT / "seeds"], s)
        qs = QASettings(index_dir=Path(tmp), index=s.index, retrieval={"use_bm25": use_bm25})
        answerer = Answerer(qs)
        rows = [evaluate_item(item, answerer, retrieval_only=True) for item in items]
        return retrieval.summarize(rows), len(answerer.index.nodes())


def main() -> None:
    items = load_gold(ROOT / "eval" / "gold" / "seed.jsonl")
    print(
        f"{sum(i.answerable for i in items)} answerable seed gold questions (eval/gold/seed.jsonl)"
    )
    print(
        f"{'chunk':>6} {'overlap':>7} {'bm25':>5} {'chunks':>6} {'hit@1':>6} {'hit@3':>6} {'MRR@10':>7} {'ev.rec@5':>8}"
    )
    for size, overlap in SETTINGS:
        for bm25 in (True, False):
            s, n = measure(items, size, overlap, bm25)
            print(
                f"{size:>6} {overlap:>7} {str(bm25):>5} {n:>6} {s['hit@1']:>6.2f} {s['hit@3']:>6.2f} "
                f"{s['mrr@10']:>7.2f} {s['evidence_recall@5']:>8.2f}"
            )


if __name__ == "__main__":
    main()
