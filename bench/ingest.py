"""Ingest speed: `newsqa index build` against raw SentenceTransformer.encode of the same chunks.

Run: .venv/bin/python bench/ingest.py [--sizes 1k,10k,100k]
For each size, a fresh process builds an index of seeded synthetic articles (bench/synthetic.py)
with the real pipeline (load, chunk, embed, FAISS, tantivy, save), then encodes the very chunk
texts it embedded with the bare SentenceTransformer, same batch size and threads. The ratio
(raw seconds / pipeline seconds) is the figure: 1.0 means the pipeline adds nothing over the
embedder. It also times adding one article to the finished index and reports the peak RSS.
Up to 2,000 chunks, each run takes well under a minute and is timed three times, in turns, and
the best of each kept: this VM's speed drifts by as much as the difference being measured.

--ray SIZES: the same corpus built plainly and with `--ray` (a Ray started here on loopback, an
actor per core, each with its own embedder), in one process: Ray's start-up, the build on the
cluster, the ratio to the plain build, the chunks each actor embeds per second, and the part the
driver still does alone (writing the index from the cluster's vectors). Those two figures give
the time on N nodes (README › Scaling out).
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import common, synthetic  # noqa: E402

REPEATS = 3
REPEAT_MAX_SIZE = 2_000


def child(size: int) -> dict:
    from index import builder, components, offline
    from index.config import IndexSettings
    from index.embedding import raw_encode

    offline.apply()
    from llama_index.core.schema import MetadataMode

    with tempfile.TemporaryDirectory() as tmp:
        corpus = synthetic.write_jsonl(Path(tmp) / "corpus", size)
        settings = IndexSettings(index_dir=Path(tmp) / "index", data_dir=Path(tmp) / "data")
        started = time.perf_counter()
        embedder = components.embedder_for(settings)
        load_s = time.perf_counter() - started
        # Both timed runs start warm (first-call allocations), so neither pays them alone.
        raw_encode(embedder, [next(synthetic.articles(5))["body"]] * 64, 32)

        # A small corpus takes well under a minute, where this VM's drift is of the same
        # order as the difference measured: best of three of each, taken in turns.
        pipeline_s = upsert_s = raw_s = float("inf")
        for _ in range(REPEATS if size <= REPEAT_MAX_SIZE else 1):
            started = time.perf_counter()
            outcome = builder.build([corpus], settings, rebuild=True)
            elapsed = time.perf_counter() - started
            if outcome.errors:
                raise SystemExit(f"build problems: {outcome.errors[:3]}")
            if elapsed < pipeline_s:
                pipeline_s, upsert_s = elapsed, outcome.seconds

            index = components.open_index(settings)
            texts = [n.get_content(metadata_mode=MetadataMode.EMBED) for n in index.nodes()]
            started = time.perf_counter()
            raw_encode(embedder, texts, settings.embed.batch_size)
            raw_s = min(raw_s, time.perf_counter() - started)

        extra = Path(tmp) / "extra.jsonl"
        record = next(synthetic.articles(5, seed=99))
        record["id"] = "one-more-article"
        extra.write_text(json.dumps(record) + "\n", "utf-8")
        started = time.perf_counter()
        builder.build([extra], settings)
        add_one_s = time.perf_counter() - started
    return {
        "size": size,
        "chunks": len(texts),
        "articles": len(outcome.added),
        "model_load_s": load_s,
        "pipeline_s": pipeline_s,
        "load_save_s": pipeline_s - upsert_s,
        "raw_encode_s": raw_s,
        "add_one_s": add_one_s,
        "peak_rss_mb": common.peak_rss_mb(),
    }


def ray_child(size: int) -> dict:
    from index import builder, components, offline, ray_ingest
    from index.config import IndexSettings

    offline.apply()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = synthetic.write_jsonl(Path(tmp) / "corpus", size)
        plain = IndexSettings(index_dir=Path(tmp) / "plain", data_dir=Path(tmp) / "data")
        on_ray = plain.updated(index_dir=Path(tmp) / "ray")
        components.embedder_for(plain)  # model files warm in the page cache for both
        started = time.perf_counter()
        outcome = builder.build([corpus], plain)
        plain_s = time.perf_counter() - started
        started = time.perf_counter()
        ray_ingest.start(None)
        start_s = time.perf_counter() - started
        import ray

        actors = int(ray.cluster_resources().get("CPU", 1))
        started = time.perf_counter()
        ray_outcome = builder.build([corpus], on_ray, ray="local")
        ray_s = time.perf_counter() - started
    cluster_s = ray_outcome.cluster_seconds
    return {
        "chunks": outcome.chunks,
        "plain_s": plain_s,
        "ray_start_s": start_s,
        "ray_s": ray_s,
        "actors": actors,
        "per_actor_chunks_s": ray_outcome.chunks / cluster_s / actors,
        "driver_write_s": ray_s - cluster_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=common.sizes_arg, default=[1_000, 10_000, 100_000])
    parser.add_argument("--ray", type=common.sizes_arg, help="compare --ray at these sizes")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("size", nargs="?", type=int, help=argparse.SUPPRESS)
    parser.add_argument("mode", nargs="?", default="plain", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        common.emit(ray_child(args.size) if args.mode == "ray" else child(args.size))
        return
    if args.ray:
        print(f"ingest with Ray: {common.machine()}")
        print(
            f"{'chunks':>8} {'plain s':>8} {'ray start s':>11} {'ray s':>7} {'ratio':>6} "
            f"{'actors':>6} {'chunks/s/actor':>14} {'driver write s':>14}"
        )
        for size in args.ray:
            r = common.in_child(Path(__file__), str(size), "ray")
            print(
                f"{r['chunks']:>8} {r['plain_s']:>8.1f} {r['ray_start_s']:>11.1f} "
                f"{r['ray_s']:>7.1f} {r['plain_s'] / r['ray_s']:>6.2f} {r['actors']:>6} "
                f"{r['per_actor_chunks_s']:>14.1f} {r['driver_write_s']:>14.1f}",
                flush=True,
            )
        print(
            "ratio = plain seconds / Ray seconds (Ray start-up not included; above 1: faster); "
            "chunks/s/actor: what one actor (one core) chunks and embeds; driver write: the "
            "index writer's share, done in one process after the cluster"
        )
        return
    print(f"ingest: {common.machine()}")
    print(
        f"{'chunks':>8} {'pipeline s':>10} {'chunks/s':>9} {'raw encode s':>12} "
        f"{'raw chunks/s':>12} {'ratio':>6} {'load+save s':>11} {'add 1 article s':>15} "
        f"{'peak RSS MB':>11}"
    )
    for size in args.sizes:
        r = common.in_child(Path(__file__), str(size))
        print(
            f"{r['chunks']:>8} {r['pipeline_s']:>10.1f} {r['chunks'] / r['pipeline_s']:>9.1f} "
            f"{r['raw_encode_s']:>12.1f} {r['chunks'] / r['raw_encode_s']:>12.1f} "
            f"{r['raw_encode_s'] / r['pipeline_s']:>6.2f} {r['load_save_s']:>11.1f} "
            f"{r['add_one_s']:>15.2f} "
            f"{r['peak_rss_mb']:>11.0f}",
            flush=True,
        )
    print(
        "ratio = raw encode seconds / pipeline seconds (target >= 0.85); load+save: the part "
        "of the pipeline outside chunking and embedding (reading files, writing the index); "
        f"up to {REPEAT_MAX_SIZE} chunks, best of {REPEATS} of each"
    )


if __name__ == "__main__":
    main()
