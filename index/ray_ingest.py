"""Chunking and embedding on a Ray cluster (`newsqa index build PATH --ray [ADDRESS]`).

Ray Data maps batches of articles over a pool of actors, each holding one embedder (loaded
once per actor, one thread: an actor is a core). The driver gets every article's nodes with
their vectors back and writes them through the index backend's writer as a plain build does
(one writer: the local folder or Milvus Lite take one process). Nothing here decides what is
indexed: unchanged articles are not sent, copies are decided by the writer as always.

Without ADDRESS a Ray instance is started on this machine, bound to 127.0.0.1, no dashboard,
no usage stats. Workers do not inherit the driver's environment, so the settings travel with
the job. On a real cluster every node needs newsqa installed in the same environment.
"""

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict

from llama_index.core.schema import MetadataMode, TextNode

from index.articles import Article
from index.config import IndexSettings
from index.errors import NewsqaError

ARTICLES_PER_BATCH = 8
# Read by Ray when it is imported (so here, before any import of ray): without the first, Ray
# binds every interface even when told 127.0.0.1.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


class RayIngestError(NewsqaError):
    pass


class _ChunkAndEmbed:
    """One Ray actor: an embedder and a chunker, for every batch this actor is given."""

    def __init__(self, settings: dict):
        from index import offline

        offline.apply()
        from index.components import chunker_for, embedder_for

        s = IndexSettings(**settings)
        self.embedder = embedder_for(s)
        self.chunk = chunker_for(s, self.embedder)

    def __call__(self, batch: dict) -> dict:
        nodes_out, errors = [], []
        for raw in batch["article"]:
            article = Article(**json.loads(raw))
            try:
                nodes = self.chunk(article)
            except (ValueError, RecursionError) as exc:
                nodes_out.append("[]")
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            texts = [n.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes]
            vectors = self.embedder.get_text_embedding_batch(texts) if texts else []
            for node, vector in zip(nodes, vectors, strict=True):
                node.embedding = [float(x) for x in vector]
            nodes_out.append(json.dumps([n.to_json() for n in nodes]))
            errors.append("")
        return {"article": batch["article"], "nodes": nodes_out, "error": errors}


def start(address: str | None, num_cpus: int | None = None) -> None:
    """Connect to a cluster, or start Ray here on loopback (idempotent within a process)."""
    import ray

    if ray.is_initialized():
        return
    kwargs = {"include_dashboard": False, "log_to_driver": False, "logging_level": "ERROR"}
    if address and address != "local":
        ray.init(address=address, **kwargs)
    else:
        ray.init(num_cpus=num_cpus, _node_ip_address="127.0.0.1", **kwargs)


def chunk_and_embed(
    articles: list[Article],
    settings: IndexSettings,
    address: str | None = None,
    actors: int | None = None,
    on_progress: Callable[[int], None] = lambda n: None,
) -> dict[str, list[TextNode] | Exception]:
    """Each article's nodes with vectors (or the error that kept it from being chunked)."""
    if not articles:
        return {}
    try:
        import ray
        from ray.data import ActorPoolStrategy
    except ModuleNotFoundError as exc:
        raise RayIngestError(
            f"--ray needs Ray ({exc.name} is missing): pip install -e .[ray]"
        ) from None
    start(address)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    pool = actors or max(1, cpus)
    # One thread per actor: the actors are the parallelism.
    job_settings = settings.updated(embed={"build_threads": 1}).model_dump(mode="json")
    items = [{"article": json.dumps(asdict(a), ensure_ascii=False)} for a in articles]
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the CLI shows its own bar
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    blocks = max(1, min(len(items), pool * 4))  # enough blocks for every actor to get work
    ds = ray.data.from_items(items, override_num_blocks=blocks).map_batches(
        _ChunkAndEmbed,
        fn_constructor_kwargs={"settings": job_settings},
        batch_size=ARTICLES_PER_BATCH,
        compute=ActorPoolStrategy(size=pool),
        num_cpus=1,
        batch_format="numpy",
    )
    out: dict[str, list[TextNode] | Exception] = {}
    for batch in ds.iter_batches(batch_size=ARTICLES_PER_BATCH, batch_format="numpy"):
        for raw, nodes, error in zip(batch["article"], batch["nodes"], batch["error"], strict=True):
            doc_id = json.loads(raw)["doc_id"]
            if error:
                out[doc_id] = ValueError(str(error))
            else:
                out[doc_id] = [TextNode.from_json(n) for n in json.loads(nodes)]
            on_progress(1)
    return out
