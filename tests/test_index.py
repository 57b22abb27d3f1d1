"""Real MiniLM, real FAISS: build, persist, reload, retrieve, and every way a build can go wrong."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from llama_index.core.schema import MetadataMode

from index import builder, components
from index.embedding import tokenizer as tokenizer_of
from index.store import IndexMismatchError, NewsIndex
from tests.conftest import APOLOGY_Q, ROOT, SEEDS, write

QATAR_SENTENCE = "Trump demanded an apology from Netanyahu to Qatari officials"


def retriever_for(settings):
    from qa.retrieval import Retriever

    return Retriever(components.open_index(settings), components.embedder_for(settings))


def test_round_trip_ranks_the_qatar_passage_first(seeded):
    settings = seeded
    index = components.open_index(settings)
    assert list(index.documents()) == ["netanyahu-trump-mar-a-lago"]
    hits = retriever_for(settings).retrieve(APOLOGY_Q, top_k=3)
    assert QATAR_SENTENCE in hits[0].text
    assert hits[0].similarity > 0.5  # the dense cosine the refusal gate reads
    # Dense search alone agrees: the vectors survived persistence.
    vec = components.embedder_for(settings).get_query_embedding(APOLOGY_Q)
    [dense] = index.search([], vec, dense_k=1, sparse_k=0, top_k=1)
    assert QATAR_SENTENCE in dense.node.get_content()
    assert dense.similarity == pytest.approx(index.similarity(vec, dense.node.node_id), abs=1e-5)


def test_chunks_keep_exact_offsets_and_metadata(seeded):
    settings = seeded
    index = components.open_index(settings)
    body = json.loads((SEEDS / "netanyahu-trump-mar-a-lago.json").read_text())["body"]
    nodes = sorted(index.nodes(), key=lambda n: n.start_char_idx)
    assert len(nodes) > 3
    for node in nodes:
        assert body[node.start_char_idx : node.end_char_idx] == node.get_content()
        assert node.metadata["published_at"] == "2023-10-23"
        assert node.metadata["title"].startswith("Netanyahu")
    # Together the chunks cover the whole article.
    covered = set()
    for node in nodes:
        covered.update(range(node.start_char_idx, node.end_char_idx))
    assert len(covered) >= len(body.replace("\n", "")) - 5


def test_every_embedded_chunk_fits_minilm_256_word_pieces(backend_settings, tmp_path):
    settings = backend_settings
    # One paragraph with very long sentences and a long title: the splitter must still fit.
    long_sentence = " ".join(f"word{i} antidisestablishmentarianism" for i in range(120)) + "."
    body = "\n".join([long_sentence] * 3 + ["Short closing line."])
    title = "A very long headline " * 8
    p = write(tmp_path / "long.json", json.dumps({"title": title, "body": body}))
    outcome = builder.build([p], settings)
    assert not outcome.errors
    tokenizer = tokenizer_of(components.embedder_for(settings))
    nodes = components.open_index(settings).nodes()
    assert len(nodes) > 3
    for node in nodes:
        embedded = node.get_content(metadata_mode=MetadataMode.EMBED)
        assert len(tokenizer(embedded)["input_ids"]) <= 256


def test_reindexing_the_same_article_changes_nothing(seeded):
    settings = seeded
    before = components.open_index(settings).current_version()
    outcome = builder.build([SEEDS], settings)
    assert outcome.unchanged == ["netanyahu-trump-mar-a-lago"] and not outcome.added
    assert components.open_index(settings).current_version() == before


def test_changed_article_replaces_its_chunks(seeded, tmp_path):
    settings = seeded
    record = json.loads((SEEDS / "netanyahu-trump-mar-a-lago.json").read_text())
    record["body"] = "Netanyahu cancelled the trip to Mar-a-Lago because of a snowstorm in Florida."
    write(tmp_path / "changed" / "a.json", json.dumps(record))
    outcome = builder.build([tmp_path / "changed"], settings)
    assert outcome.replaced == ["netanyahu-trump-mar-a-lago"]
    index = components.open_index(settings)
    assert len(index.nodes()) == 1 == index.chunk_count()
    assert "snowstorm" in index.nodes()[0].get_content()
    assert index.documents()["netanyahu-trump-mar-a-lago"].chunks == 1


def test_remove_deletes_one_document(seeded, tmp_path):
    settings = seeded
    write(
        tmp_path / "more" / "dam.txt", "The new dam on the river opened on Friday after ten years."
    )
    builder.build([tmp_path / "more"], settings)
    record = builder.remove("netanyahu-trump-mar-a-lago", settings)
    assert record.chunks > 3
    index = components.open_index(settings)
    assert list(index.documents()) == ["dam"]
    assert index.chunk_count() == len(index.nodes()) == 1
    with pytest.raises(KeyError, match="no document 'nope'"):
        builder.remove("nope", settings)


def test_other_embedding_model_is_refused(seeded):
    settings = seeded
    other = settings.updated(embed={"model": "sentence-transformers/all-mpnet-base-v2"})
    with pytest.raises(
        IndexMismatchError, match="all-MiniLM-L6-v2.*384 dimensions.*all-mpnet-base-v2"
    ):
        components.open_index(other)
    with pytest.raises(IndexMismatchError):
        builder.build([SEEDS], other)


def test_bad_input_reports_each_file_and_keeps_the_index(seeded, tmp_path):
    settings = seeded
    bad = tmp_path / "bad"
    write(bad / "empty.txt", "")
    write(bad / "bin.txt", b"\x00\x01\x02")
    write(bad / "latin.txt", "caf\xe9".encode("latin-1"))
    write(bad / "feed.jsonl", '{"title": "x", "body": \n')
    write(bad / "notes.docx", "zip")
    write(bad / "good.txt", "A bridge reopened downtown on Tuesday after repairs.")
    outcome = builder.build([bad, tmp_path / "missing.txt"], settings)
    named = {os.path.basename(p.path) for p in outcome.problems}
    assert named == {"empty.txt", "bin.txt", "latin.txt", "feed.jsonl", "notes.docx", "missing.txt"}
    assert outcome.added == ["good"]
    docs = components.open_index(settings).documents()
    assert set(docs) == {"netanyahu-trump-mar-a-lago", "good"}


def test_interrupted_save_leaves_previous_index_readable(
    seed_copy, settings, tmp_path, monkeypatch
):
    from index.faiss_store import FaissStore

    before = (seed_copy / "CURRENT").read_text()
    real_persist = FaissStore.persist

    def persist_then_interrupt(self, path, fs=None, **kwargs):
        real_persist(self, path, fs, **kwargs)
        raise KeyboardInterrupt  # Ctrl-C after the vectors hit the disk, before the switch

    monkeypatch.setattr(FaissStore, "persist", persist_then_interrupt)
    write(tmp_path / "new" / "x.txt", "A library opened in the old train station.")
    with pytest.raises(KeyboardInterrupt):
        builder.build([tmp_path / "new"], settings)
    monkeypatch.undo()
    assert (seed_copy / "CURRENT").read_text() == before
    index = components.open_index(settings)
    assert list(index.documents()) == ["netanyahu-trump-mar-a-lago"]
    # The next build recovers and cleans the half-written folder.
    builder.build([tmp_path / "new"], settings)
    assert set(components.open_index(settings).documents()) == {"netanyahu-trump-mar-a-lago", "x"}
    assert not [p for p in seed_copy.iterdir() if p.name.startswith("tmp-")]


def test_killed_build_process_leaves_a_readable_index(seed_copy, settings, tmp_path):
    corpus = tmp_path / "many"
    for i in range(60):
        write(
            corpus / f"a{i}.txt",
            f"Story {i}. " + "The council met again to discuss the budget. " * 40,
        )
    env = dict(os.environ, NEWSQA_INDEX_DIR=str(seed_copy), NEWSQA_DATA_DIR=str(settings.data_dir))
    proc = subprocess.Popen(
        [sys.executable, "-m", "index", "build", str(corpus)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(12)  # model loaded, mid-way through embedding
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    index = NewsIndex.open(seed_copy, settings.embed.model)
    assert "netanyahu-trump-mar-a-lago" in index.documents()
    assert index.store.client.ntotal == len(index.nodes())


def test_cli_lists_the_seed_article(seed_copy, settings):
    out = subprocess.run(
        [sys.executable, "-m", "ui.cli", "index", "list", "--index", str(seed_copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, COLUMNS="200"),
    )
    assert out.returncode == 0, out.stderr
    assert "netanyahu-trump-mar-a-lago" in out.stdout and "1 documents" in out.stdout
    # Which model made the vectors (the default: MiniLM int8).
    assert "embedded by: all-MiniLM-L6-v2-int8 (384 dimensions)" in out.stdout


def test_concurrent_writers_do_not_lose_each_other(seed_copy, settings, tmp_path):
    """Two uploads at once (the UI's case): the lock serializes load-modify-save."""
    import threading

    components.embedder_for(settings)  # load once so both threads race on the index, not the model
    paths = [
        write(tmp_path / "a" / "ferry.txt", "A new ferry line to the islands started on Monday."),
        write(tmp_path / "b" / "museum.txt", "The city museum reopened its dinosaur hall."),
    ]
    errors = []

    def build(path):
        try:
            builder.build([path], settings)
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    docs = components.open_index(settings).documents()
    assert set(docs) == {"netanyahu-trump-mar-a-lago", "ferry", "museum"}
