"""Retrieval at scale: query latency, approximate-search recall, index load time, peak RSS.

Run: .venv/bin/python bench/retrieval.py [--sizes 10k,100k,1m]
Embedding a million chunks with MiniLM would take about seven hours on 2 cores, so the indexes
here hold seeded synthetic articles (bench/synthetic.py) with seeded clustered vectors, written
through the real index code (NewsIndex.upsert and save: FAISS flat or IVF as chosen by size,
tantivy, columns, manifest). Queries are then real: the packaged MiniLM embeds each question
and the real Retriever fuses FAISS and BM25 (tantivy) hits.

Per size, in one process per phase (so each peak RSS is that phase's own):
- build: seconds and peak RSS of writing the index (not an ingest figure: see bench/ingest.py);
- serve: seconds to open the index, p50/p95 of a full retrieve (embedding + FAISS + BM25 +
  fusion) and of each part, peak RSS while serving;
- recall@10 of the index's dense search against exact flat search over the same vectors, and
  the flat search's own latency at that size, measured in the same run as the baseline.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common, synthetic  # noqa: E402

QUERIES = 100
RECALL_QUERIES = 200


def _synthetic_chunker():
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    from index.chunking import NOT_EMBEDDED, article_metadata

    def chunk(article):
        meta = article_metadata(article)
        nodes = []
        start = 0
        for i, para in enumerate(article.body.split("\n")):
            node = TextNode(
                id_=f"{article.doc_id}#{i}",
                text=para,
                metadata=meta,
                excluded_embed_metadata_keys=NOT_EMBEDDED,
                start_char_idx=start,
                end_char_idx=start + len(para),
            )
            node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=article.doc_id)
            nodes.append(node)
            start += len(para) + 1
        return nodes

    return chunk


def _settings(backend: str, folder: Path):
    from index.config import IndexSettings

    # Copies are a writer's matter, not the vector store's: every synthetic chunk is indexed.
    return IndexSettings(index_dir=folder, index={"backend": backend, "dedup": False})


def _articles(size: int):
    from index.articles import Article

    return [
        Article(
            doc_id=r["id"],
            title=r["title"],
            body=r["body"],
            origin="synthetic",
            source=r["source"],
            published_at=r["published_at"],
        )
        for r in synthetic.articles(size)
    ]


def build_child(size: int, folder: Path, backend: str) -> dict:
    from index import backends
    from index.manifest import Manifest

    vectors = synthetic.clustered_vectors(size)
    cursor = 0

    def embed(texts: list[str]) -> np.ndarray:
        nonlocal cursor
        block = vectors[cursor : cursor + len(texts)]
        cursor += len(texts)
        return block

    settings = _settings(backend, folder)
    started = time.perf_counter()
    index = backends.create_index(
        settings,
        Manifest(embed_model="all-MiniLM-L6-v2", embed_dim=384, chunk_size=128, chunk_overlap=20),
    )
    index.upsert(_articles(size), _synthetic_chunker(), embed, dedup=False)
    index.save(settings.index.flat_max_vectors)
    return {
        "chunks": cursor,
        "build_s": time.perf_counter() - started,
        "build_rss_mb": common.peak_rss_mb(),
        "vector_index": index.manifest.vector_index,
    }


def serve_child(size: int, folder: Path, backend: str) -> dict:
    import faiss

    from index import backends, offline
    from index.vector_index import recall_at_k
    from qa.bm25 import query_words
    from qa.retrieval import Retriever
    from qa.settings import QASettings

    offline.apply()
    from index.embedding import load_embedder

    settings = QASettings(index_dir=folder, index={"backend": backend})
    started = time.perf_counter()
    index = backends.open_index(settings)
    open_s = time.perf_counter() - started
    embedder = load_embedder(
        settings.embed.model, settings.embed.batch_size, settings.embed_threads()
    )
    retriever = Retriever(
        index, embedder, settings.retrieval.dense_top_k, settings.retrieval.bm25_top_k
    )

    # The chunks in the order their vectors were handed out (key i holds vector i).
    chunker = _synthetic_chunker()
    chunks = [n for a in _articles(size) for n in chunker(a)]
    key_of = {n.node_id: i for i, n in enumerate(chunks)}
    # Questions made of words from random stored chunks, like a user's question about them.
    rng = np.random.default_rng(5)
    questions = []
    for i in rng.choice(len(chunks), QUERIES, replace=False):
        words = chunks[i].get_content().rstrip(".").split()
        picks = rng.choice(len(words), 6, replace=False)
        questions.append("What about " + " ".join(words[i] for i in sorted(picks)) + "?")

    for q in questions[:5]:  # warm-up: first-call allocations, page cache
        retriever.retrieve(q, top_k=settings.retrieval.top_k)
    full, emb, search = [], [], []
    for q in questions:
        t0 = time.perf_counter()
        retriever.retrieve(q, top_k=settings.retrieval.top_k)
        full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        vec = embedder.get_query_embedding(q)
        emb.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        index.search(
            query_words(q),
            vec,
            settings.retrieval.dense_top_k,
            settings.retrieval.bm25_top_k,
            2 * settings.retrieval.top_k,
        )
        search.append(time.perf_counter() - t0)
    serve_rss = common.peak_rss_mb()

    # Recall of the index's dense search against exact search over the same vectors.
    vectors = synthetic.clustered_vectors(size)
    picks = vectors[rng.choice(size, RECALL_QUERIES, replace=False)]
    queries = picks + rng.standard_normal(picks.shape).astype("float32") * (0.5 / np.sqrt(384))
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = faiss.IndexFlatIP(384)
    exact.add(vectors)
    flat_ms = []
    for q in queries[:QUERIES]:
        t0 = time.perf_counter()
        exact.search(q[None, :], 10)
        flat_ms.append(time.perf_counter() - t0)
    _, truth = exact.search(queries, 10)
    found = np.array(
        [
            [key_of[h.node.node_id] for h in index.search([], q.tolist(), 10, 0, 10)] + [-1] * 10
            for q in queries
        ]
    )[:, :10]
    return {
        "open_s": open_s,
        "p50_ms": common.percentile_ms(full, 0.5),
        "p95_ms": common.percentile_ms(full, 0.95),
        "embed_p50_ms": common.percentile_ms(emb, 0.5),
        "search_p50_ms": common.percentile_ms(search, 0.5),
        "flat_p50_ms": common.percentile_ms(flat_ms, 0.5),
        "recall_at_10": recall_at_k(found, truth),
        "serve_rss_mb": serve_rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=common.sizes_arg, default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--backends", default="local", help="local,milvus (Milvus Lite, needs .[milvus])"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("phase", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("size", nargs="?", type=int, help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("backend", nargs="?", default="local", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = build_child if args.phase == "build" else serve_child
        common.emit(run(args.size, args.folder, args.backend))
        return
    print(f"retrieval: {common.machine()}")
    print(
        f"{'chunks':>8} {'backend':>7} {'index':>22} {'open s':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'embed':>6} {'search':>6} {'flat ms':>7} {'recall@10':>9} "
        f"{'build s':>7} {'build RSS':>9} {'serve RSS':>9}"
    )
    for size in args.sizes:
        for backend in args.backends.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp) / "index"
                b = common.in_child(Path(__file__), "build", str(size), str(folder), backend)
                s = common.in_child(Path(__file__), "serve", str(size), str(folder), backend)
            info = b["vector_index"]
            if backend == "milvus":
                kind = "Milvus Lite FLAT"
            elif info["kind"] == "flat":
                kind = "flat (exact)"
            else:
                kind = f"IVF{info['nlist']} nprobe {info['nprobe']}"
            print(
                f"{b['chunks']:>8} {backend:>7} {kind:>22} {s['open_s']:>6.2f} "
                f"{s['p50_ms']:>7.1f} {s['p95_ms']:>7.1f} {s['embed_p50_ms']:>6.1f} "
                f"{s['search_p50_ms']:>6.1f} {s['flat_p50_ms']:>7.1f} {s['recall_at_10']:>9.3f} "
                f"{b['build_s']:>7.0f} {b['build_rss_mb']:>8.0f}M {s['serve_rss_mb']:>8.0f}M",
                flush=True,
            )
    print(
        "p50/p95: full retrieve (query embedding + dense + BM25 + fusion + passages); embed, "
        "search: p50 ms of each part (search: the backend's fused dense + BM25); flat ms: exact "
        "search over the same vectors (the baseline); recall@10: the index's dense top 10 "
        "against exact, 200 queries near stored vectors. Milvus Lite serves from its own "
        "process: its memory is not in the RSS columns. Targets: p50 < 30 ms at 100k, < 100 ms "
        "at 1M, recall@10 >= 0.95."
    )


if __name__ == "__main__":
    main()
