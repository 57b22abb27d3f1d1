"""Milvus commits atomically although Milvus has no transactions (issue #25, 6 and 7).

A build is killed (SIGKILL, in a child process: Milvus Lite serves one process per file) at
several moments: mid-way through its chunk inserts, after its records but before the commit,
after the commit but before the rows it retired are deleted, and in the middle of a --rebuild.
After each kill, what search can return is exactly what `index list` shows; the next build
converges to one row per chunk and leaves nothing behind. Article ids that look like internal
rows or carry quotes are stored, listed, found and removed like any other.
"""

import json
import os
import random
import subprocess
import sys
from collections import Counter

import pytest

from index import builder, components
from index.articles import Article
from index.backends.milvus import connect, disconnect
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CHILD = """
import json, os, signal, sys
from index import offline
offline.apply()
from index import builder, components
from index.articles import Article
from index.backends.milvus import store as milvus_store
from index.config import IndexSettings

folder, point, articles, rebuild = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
settings = IndexSettings(
    index_dir=folder + "/index", data_dir=folder + "/data", index={"backend": "milvus"}
)
milvus_store.INSERT_BATCH = 5  # many small inserts: a kill lands between two of them

def die():
    os.kill(os.getpid(), signal.SIGKILL)

kind, _, arg = point.partition(":")
flushes = [0]
flush = milvus_store.MilvusIndex._flush
def counting_flush(self):
    had = bool(self._pending)
    flush(self)
    if had:
        flushes[0] += 1
        if kind == "flush" and flushes[0] == int(arg):
            die()
milvus_store.MilvusIndex._flush = counting_flush
write_pointer = milvus_store.MilvusIndex._write_pointer
def pointer_then_maybe_die(self, *args, **kwargs):
    if kind == "commit" and "old" in kwargs:  # the commit itself, not yet written
        die()
    write_pointer(self, *args, **kwargs)
milvus_store.MilvusIndex._write_pointer = pointer_then_maybe_die
delete_retired = milvus_store.MilvusIndex._delete_retired
def maybe_die_before_cleanup(self, retired, batch):
    if kind == "cleanup" and retired:
        die()
    delete_retired(self, retired, batch)
milvus_store.MilvusIndex._delete_retired = maybe_die_before_cleanup

rows = [Article(**a) for a in json.loads(open(articles).read())]
outcome = builder.build_articles(rows, settings, rebuild=rebuild)
assert not outcome.errors, outcome.errors
print("done")
"""

WORDS = (
    "harbour council budget ferry bridge school clinic river storm market tram library "
    "museum festival lighthouse election court strike airport factory harvest drought "
    "railway hospital reservoir stadium theatre tunnel pier orchard"
).split()


def story(i: int, version: int = 0) -> dict:
    rng = random.Random(i * 100 + version)
    sentences = [
        f"Story {i} edition {version} reports that the {rng.choice(WORDS)} near the "
        f"{rng.choice(WORDS)} changed after {rng.randint(2, 99)} days of debate."
        for _ in range(18)
    ]
    return {
        "doc_id": f"story-{i}",
        "title": f"Story {i} (edition {version})",
        "body": " ".join(sentences),
        "origin": f"story-{i}.json",
        "source": "Herald",  # one outlet: never near-duplicates of each other
    }


def run_child(folder, point: str, articles: list[dict], rebuild: bool = False):
    path = folder / f"articles-{point.replace(':', '-')}.json"
    path.write_text(json.dumps(articles))
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), point, str(path), "1" if rebuild else "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NEWSQA_CONFIG": str(folder / "absent.toml")},
    )


def check_consistent(settings) -> dict:
    """What search can return is exactly what `index list` shows, one row per chunk."""
    index = components.open_index(settings)  # a reader: recovers nothing
    docs = index.documents()
    with_chunks = {d: r.chunks for d, r in docs.items() if r.chunks}
    seen = Counter(n.ref_doc_id for n in index.nodes())
    assert dict(seen) == with_chunks
    assert index.chunk_count() == sum(with_chunks.values())
    titles = {n.metadata["title"] for n in index.nodes()}
    assert titles == {docs[d].title for d in with_chunks}  # no old version's text either
    hits = index.search(["story", "edition"], [0.05] * 384, 50, 50, 50)
    assert {h.node.ref_doc_id for h in hits} <= set(with_chunks)
    return docs


def stored_rows(settings) -> int:
    """Every chunk row in storage, visible or not."""
    index = components.open_index(settings)
    rows = index.client.query(index.chunks_name, filter="", output_fields=["count(*)"])
    return int(rows[0]["count(*)"])


@pytest.fixture
def milvus_settings(settings):
    settings.index.backend = "milvus"
    yield settings
    disconnect(settings)


def test_a_build_killed_at_any_moment_leaves_what_list_shows_and_the_next_converges(
    milvus_settings, tmp_path
):
    settings = milvus_settings
    settings.index_dir = tmp_path / "index"
    settings.data_dir = tmp_path / "data"
    first = [story(i) for i in range(8)]
    assert run_child(tmp_path, "none", first).returncode == 0
    base = check_consistent(settings)
    assert set(base) == {f"story-{i}" for i in range(8)}
    disconnect(settings)

    # The second build replaces four stories and adds four; killed at each moment in turn.
    second = [story(i, version=1) for i in range(4, 12)]
    for point in ("flush:2", "commit", "cleanup"):
        proc = run_child(tmp_path, point, second)
        assert proc.returncode == -9, (point, proc.returncode, proc.stderr[-1500:])
        docs = check_consistent(settings)
        if point == "cleanup":  # committed: the new versions, the old ones hidden
            assert docs["story-4"].title == "Story 4 (edition 1)" and "story-11" in docs
        else:  # not committed: exactly the first build
            assert docs == base
        disconnect(settings)

    # The next build finishes the job: one row per chunk, nothing left in storage.
    assert run_child(tmp_path, "none", second).returncode == 0
    docs = check_consistent(settings)
    assert len(docs) == 12 and docs["story-5"].title == "Story 5 (edition 1)"
    assert stored_rows(settings) == sum(r.chunks for r in docs.values())
    disconnect(settings)

    # A killed --rebuild leaves its generation behind; the next writer drops it.
    proc = run_child(tmp_path, "flush:1", [story(i, 2) for i in range(3)], rebuild=True)
    assert proc.returncode == -9
    assert check_consistent(settings) == docs
    collections = set(connect(settings).list_collections())
    disconnect(settings)
    assert run_child(tmp_path, "none", [story(0, 3)]).returncode == 0
    after = set(connect(settings).list_collections())
    assert len(after) < len(collections)  # the killed generation's two collections are gone
    index = components.open_index(settings)
    generations = {n.split("_")[1] for n in after if n.endswith("_chunks")}
    assert generations == {index.generation}  # only the live one (no rebuild switched)
    assert stored_rows(settings) == index.chunk_count()


def test_ids_that_look_internal_or_carry_quotes_are_articles_like_any_other(milvus_settings):
    settings = milvus_settings
    odd = ["#header", 'it\'s "quoted"', "back\\slash", "#copy#0#x"]
    articles = [
        Article(doc_id, f"Title {n}", story(n)["body"], f"{n}.json", source="Herald")
        for n, doc_id in enumerate(odd)
    ]
    outcome = builder.build_articles(articles, settings)
    assert not outcome.errors and sorted(outcome.added) == sorted(odd)
    disconnect(settings)
    docs = check_consistent(settings)  # reopens: the header row is intact
    assert sorted(docs) == sorted(odd)
    builder.remove('it\'s "quoted"', settings)
    builder.remove("#header", settings)
    docs = check_consistent(settings)
    assert sorted(docs) == sorted(["back\\slash", "#copy#0#x"])
    # Building the same articles again converges to one row per chunk.
    builder.build_articles(articles, settings)
    docs = check_consistent(settings)
    assert stored_rows(settings) == sum(r.chunks for r in docs.values())
