"""Would the chunks around the retrieved ones hold the answer, and would the model then read it?

Run: .venv/bin/python bench/neighbour_chunks.py [--ids FILE]
  [--gold eval/gold/natural-dev.jsonl] [--index .newsqa/multihop/index]
For every answerable gold question the real pipeline retrieves once. Then, for each setting, the
chunks within `width` of a retrieved chunk of the `articles` best-ranked articles are added to
the passages (whole article: width 99), and the evidence sentences are picked from all of them as
the answerer picks them. Printed per setting: hit (a passage holds a gold quote) and read recall
(the gold quotes among the sentences the model reads, as `newsqa eval run` reports it). The first
row, nothing added, is the baseline of the same run.
"""

import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import answerable_with_answerer, evidence_bench_args  # noqa: E402

SETTINGS = [(0, 0), (1, 1), (1, 2), (2, 1), (1, 99)]  # (articles, width)


def main() -> None:
    args = evidence_bench_args(__doc__.splitlines()[0], Path("eval/gold/natural-dev.jsonl"))
    items, answerer = answerable_with_answerer(args)
    from eval.metrics.retrieval import read_recall
    from eval.normalize import normalize_ws
    from index.backends.base import Hit

    by_article = defaultdict(list)
    for node in answerer.index.nodes():
        by_article[node.ref_doc_id].append(node)
    for nodes in by_article.values():
        nodes.sort(key=lambda n: n.start_char_idx or 0)

    def neighbours(pool, articles: int, width: int) -> list:
        held = {p.node_id for p in pool.passages}
        ranked = list(dict.fromkeys(p.doc_id for p in pool.passages))[:articles]
        added = []
        for doc in ranked:
            nodes = by_article[doc]
            at = {n.node_id: i for i, n in enumerate(nodes)}
            near = {
                j
                for p in pool.passages
                if p.doc_id == doc and p.node_id in at
                for j in range(at[p.node_id] - width, at[p.node_id] + width + 1)
            }
            for j in sorted(k for k in near if 0 <= k < len(nodes)):
                node = nodes[j]
                if node.node_id not in held:
                    held.add(node.node_id)
                    sim = answerer.index.similarity(pool.query_vecs[0], node.node_id)
                    added.append(answerer.retriever._passage(Hit(node, 0.0, sim)))
        return added

    budget = answerer.settings.retrieval.evidence_sentences
    embed = answerer.embedder.get_text_embedding_batch
    totals = defaultdict(lambda: [0.0, 0.0])
    for item in items:
        pool = answerer.gather(" ".join(item.turns))
        quotes = [normalize_ws(q) for q in item.evidence]
        for articles, width in SETTINGS:
            wider = replace(pool, passages=pool.passages + neighbours(pool, articles, width))
            texts = [normalize_ws(p.text) for p in wider.passages]
            read = [e.text for e in wider.select(embed, answerer.settings.retrieval, budget)]
            totals[(articles, width)][0] += any(q in t for q in quotes for t in texts)
            totals[(articles, width)][1] += read_recall(read, item.evidence) or 0.0
    print(f"{len(items)} answerable questions of {args.gold}")
    print(f"{'articles':>8} {'width':>5} {'hit':>6} {'read':>6}")
    for (articles, width), (hit, read) in totals.items():
        print(f"{articles:>8} {width:>5} {hit / len(items):6.3f} {read / len(items):6.3f}")


if __name__ == "__main__":
    main()
