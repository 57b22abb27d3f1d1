"""How much gold evidence the LLM reads for each number of evidence sentences in its prompt.

Run: .venv/bin/python bench/evidence_budget.py [--ids FILE]
  [--gold ../shared/benchmarks/multihop-rag/dev.jsonl] [--index .newsqa/multihop/index]
For every answerable gold question (all of the gold file, or those --ids lists) the real pipeline
retrieves once; the evidence sentences are then picked from those passages for each budget, as
`NEWSQA_RETRIEVAL__EVIDENCE_SENTENCES` would pick them (the sentences are embedded once). Printed per budget
and category: read recall (the share of gold quotes among the sentences read, as `newsqa eval run`
reports it) and the words those sentences add to a prompt; "all" reads every sentence of the
retrieved passages, the ceiling any sentence selection over them can reach.
"""

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import answerable_with_answerer, evidence_bench_args  # noqa: E402

BUDGETS = [10, 14, 18, 20, 24, 32, 10_000]


def main() -> None:
    args = evidence_bench_args(
        __doc__.splitlines()[0], Path("../shared/benchmarks/multihop-rag/dev.jsonl")
    )
    items, answerer = answerable_with_answerer(args)
    from eval.metrics.retrieval import read_recall

    vectors: dict[str, list[float]] = {}

    def embed(texts: list[str]) -> list[list[float]]:
        new = [t for t in dict.fromkeys(texts) if t not in vectors]
        if new:
            vectors.update(zip(new, answerer.embedder.get_text_embedding_batch(new)))
        return [vectors[t] for t in texts]

    recall: dict[tuple[str, int], list[float]] = defaultdict(list)
    words: dict[int, list[int]] = defaultdict(list)
    for n, item in enumerate(items, 1):
        pool = answerer.gather(item.question)
        group = item.extra.get("category") or item.type
        for budget in BUDGETS:
            read = [e.text for e in pool.select(embed, answerer.settings.retrieval, budget)]
            score = read_recall(read, item.evidence)
            recall[group, budget].append(score)
            recall["all", budget].append(score)
            words[budget].append(sum(len(s.split()) for s in read))
        vectors.clear()  # one question's sentences at a time: the dev split's would fill memory
        if n % 100 == 0:
            print(f"{n}/{len(items)}", file=sys.stderr)

    groups = ["all", *sorted({g for g, _ in recall} - {"all"})]
    print(f"{args.gold}{f' (ids: {args.ids})' if args.ids else ''}: {len(items)} questions")
    print(f"\n| sentences | {' | '.join(f'read recall {g}' for g in groups)} | words read |")
    print(f"|---|{'---|' * len(groups)}---|")
    for budget in BUDGETS:
        cells = [sum(v) / len(v) for v in (recall[g, budget] for g in groups)]
        label = "all" if budget == BUDGETS[-1] else str(budget)
        mean_words = sum(words[budget]) / len(words[budget])
        print(f"| {label} | {' | '.join(f'{c:.3f}' for c in cells)} | {mean_words:.0f} |")


if __name__ == "__main__":
    main()
