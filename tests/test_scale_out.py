"""Ingest on a Ray cluster (started here, loopback only, 2 CPUs) gives the same index as the
plain build, on both backends: same documents and chunks, the same vectors."""

import json
import os

import numpy as np
import pytest

from index import builder, components
from tests.conftest import SEEDS, write
from ui.cli import main as newsqa

pytestmark = pytest.mark.slow  # Ray starts in ~8 s and takes ~1 GB; runs in CI (make test)

EXTRA = [
    {
        "id": f"wire-{i}",
        "title": title,
        "source": "Wire",
        "published_at": f"2024-02-0{i + 1}",
        "body": body,
    }
    for i, (title, body) in enumerate(
        [
            ("Dam opens", "The new river dam opened on Friday after six years of work. " * 5),
            ("Library hours", "The city library will stay open until ten in the evening. " * 9),
            (
                "Ferry returns",
                "Ferry crossings to the islands resumed on Monday after a storm. " * 3,
            ),
        ]
    )
]


def test_ray_ingest_matches_the_plain_build(backend_settings, tmp_path, capsys):
    feed = write(tmp_path / "more.jsonl", "\n".join(json.dumps(r) for r in EXTRA))
    plain = backend_settings.updated(index_dir=tmp_path / "plain")
    ray = backend_settings.updated(index_dir=tmp_path / "ray")
    assert not builder.build([SEEDS, feed], plain).errors
    outcome = builder.build([SEEDS, feed], ray, ray="local")
    assert not outcome.errors and len(outcome.added) == 4

    a, b = components.open_index(plain), components.open_index(ray)
    assert {k: (r.chunks, r.content_hash) for k, r in a.documents().items()} == {
        k: (r.chunks, r.content_hash) for k, r in b.documents().items()
    }
    nodes = {n.node_id: n for n in a.nodes()}
    assert set(nodes) == {n.node_id for n in b.nodes()} and len(nodes) > 10
    for node_id in nodes:
        va, vb = np.asarray(a.vector(node_id)), np.asarray(b.vector(node_id))
        cosine = float(va @ vb / np.linalg.norm(va) / np.linalg.norm(vb))
        assert cosine > 0.9999, (node_id, cosine)

    # Again with --ray: nothing changed, nothing is sent to the cluster or saved.
    again = builder.build([SEEDS, feed], ray, ray="local")
    assert len(again.unchanged) == 4 and not again.added and not again.replaced

    assert ray_listens_on_loopback_only()

    if backend_settings.index.backend == "local":  # the CLI on the same folders
        listed = []
        for folder in (plain, ray):
            assert newsqa(["index", "list", "--index", str(folder.index_dir)]) == 0
            listed.append(capsys.readouterr().out)
        assert listed[0] == listed[1]


def ray_listens_on_loopback_only() -> bool:
    """Every listening TCP socket of a Ray process (raylet, gcs_server, workers) is on
    127.0.0.1, read from /proc (no ss or psutil needed)."""
    inodes = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
            if not any(name in cmd for name in ("raylet", "gcs_server", "ray::", "ray/_private")):
                continue
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue  # a process that ended meanwhile
    assert inodes, "no Ray process found"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                listening.append(fields[1].split(":")[0])
    assert listening
    # 127.0.0.1, ::1 and ::ffff:127.0.0.1 as /proc writes them
    loopback = {
        "0100007F",
        "00000000000000000000000001000000",
        "0000000000000000FFFF00000100007F",
    }
    return all(addr in loopback for addr in listening)


SEED_QUESTIONS = [
    "Why did Trump demand an apology from Netanyahu?",
    "What is the tone of the meeting expected to be?",
    "Where will Netanyahu and Trump meet?",
    "Who is the prime minister of Qatar?",  # refused on both
]


def test_seed_questions_get_the_same_answers_and_citations_on_milvus(settings, seed_index_dir):
    """The real LLM over each backend's hybrid search: the same answers, citing the same
    sentences (Milvus' BM25 and RRF stand in for tantivy's and llama-index's)."""
    from index.backends.milvus import disconnect
    from qa.answerer import Answerer
    from qa.settings import QASettings
    from tests.conftest import ROOT

    settings.index.backend = "milvus"
    assert not builder.build([SEEDS], settings).errors
    data = {"data_dir": ROOT / ".newsqa"}  # the joined GGUF
    local = Answerer(QASettings(index_dir=seed_index_dir, **data))
    milvus = Answerer(QASettings(**{**settings.model_dump(), **data}), llm=local.llm)
    try:
        for question in SEED_QUESTIONS:
            a, b = local.ask(question), milvus.ask(question)
            assert (a.text, a.refused) == (b.text, b.refused), question
            assert [c.quote for c in a.citations] == [c.quote for c in b.citations], question
        assert local.ask(SEED_QUESTIONS[0]).citations  # answered, not refused, on both
    finally:
        disconnect(settings)
