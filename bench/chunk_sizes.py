"""Retrieval quality of chunk sizes on seed questions with known evidence (hit@1, hit@3, MRR).

Run: .venv/bin/python bench/chunk_sizes.py   (real MiniLM, real FAISS + BM25; about a minute)
"""

import tempfile
from pathlib import Path

from index import builder, offline
from index.config import IndexSettings

offline.apply()
from qa.retrieval import Retriever  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# (question, a phrase the right passage contains) — phrased unlike the text where possible.
CASES = [
    ("Why did Trump demand an apology from Netanyahu?", "Trump demanded an apology from Netanyahu"),
    ("Where will the two leaders meet?", "Mar-a-Lago estate in Palm Beach"),
    ("What is the Board of Peace?", "Board of Peace"),
    ("Does Miller think the leaders trust each other?", "don’t trust one another"),
    ("What is Anna Kelly's job?", "Anna Kelly, deputy press secretary"),
    (
        "What did Trump suggest to Israel's president?",
        "Isaac Herzog consider granting Netanyahu a pardon",
    ),
    (
        "What does Israel want before pulling back further?",
        "Hamas disarming before any further withdrawal",
    ),
    ("Who leads Syria?", "Syrian President Ahmed al-Sharaa"),
    (
        "Why is Netanyahu under pressure at home?",
        "calls for his resignation amid corruption allegations",
    ),
    (
        "How do Americans feel about the Middle East?",
        "wary of further involvement in Middle Eastern conflicts",
    ),
    ("Who did Trump meet before Netanyahu?", "Volodymyr Zelensky"),
    ("What does the second phase of the agreement include?", "international stabilization force"),
    ("What worries Israel about Lebanon?", "contain Hezbollah"),
    ("What role did Qatar play for the U.S.?", "vital intermediary in negotiations"),
]


def measure(chunk_size: int, overlap: int, use_bm25: bool) -> tuple[float, float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        s = IndexSettings(index_dir=Path(tmp), chunk_size=chunk_size, chunk_overlap=overlap)
        builder.build([SEEDS], s)
        index = builder.open_index(s)
        retriever = Retriever(index, builder.embedder_for(s), use_bm25=use_bm25)
        h1 = h3 = rr = 0.0
        for question, phrase in CASES:
            hits = retriever.retrieve(question, top_k=10)
            rank = next((i for i, p in enumerate(hits, 1) if phrase in p.text), None)
            h1 += rank == 1
            h3 += rank is not None and rank <= 3
            rr += 1 / rank if rank else 0
        n = len(CASES)
        return h1 / n, h3 / n, rr / n, len(index.nodes())


def main() -> None:
    print(f"{len(CASES)} seed questions; hit@k = the passage with the evidence phrase in the top k")
    print(
        f"{'chunk':>6} {'overlap':>7} {'bm25':>5} {'chunks':>6} {'hit@1':>6} {'hit@3':>6} {'MRR':>6}"
    )
    for size, overlap in [(64, 10), (96, 20), (128, 20), (160, 30), (200, 40), (254, 40)]:
        for bm25 in (True, False):
            h1, h3, mrr, n = measure(size, overlap, bm25)
            print(f"{size:>6} {overlap:>7} {str(bm25):>5} {n:>6} {h1:>6.2f} {h3:>6.2f} {mrr:>6.2f}")


if __name__ == "__main__":
    main()
