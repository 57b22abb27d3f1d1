"""The faster paths give the same results: the int8 ONNX MiniLM and the kept prompt openings."""

import numpy as np
import pytest

from index import builder, components
from index.store import IndexMismatchError
from tests.conftest import APOLOGY_Q, ROOT, SEEDS

INT8 = "all-MiniLM-L6-v2-int8"


@pytest.fixture(scope="module")
def embedders():
    from index.embedding import load_embedder

    return load_embedder("all-MiniLM-L6-v2"), load_embedder(INT8)


def test_int8_vectors_match_the_fp32_model(embedders):
    fp32, int8 = embedders
    texts = [
        APOLOGY_Q,
        "Trump demanded that Netanyahu apologise to Qatari officials.",
        "Die Brücke wurde nach zwei Jahren wieder eröffnet.",
        "word " * 400,  # past 256 word pieces: both truncate the same way
        "x",
    ]
    a = np.array(fp32.get_text_embedding_batch(texts))
    b = np.array(int8.get_text_embedding_batch(texts))
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert (a * b).sum(axis=1).min() >= 0.998
    q = np.array(int8.get_query_embedding(APOLOGY_Q))
    assert float(q @ a[0]) >= 0.998
    # Chunk sizes are counted in the same word pieces.
    from index.embedding import max_tokens, tokenizer

    assert tokenizer(int8).tokenize(texts[1]) == tokenizer(fp32).tokenize(texts[1])
    assert max_tokens(int8) == max_tokens(fp32) == 256


def test_both_minilms_rank_one_index_the_same(seed_index_dir, embedders):
    from llama_index.core.vector_stores.types import VectorStoreQuery

    from index.store import NewsIndex

    fp32, int8 = embedders
    # The seed index is built by the default model; either one's queries are accepted.
    index = NewsIndex.open(seed_index_dir, INT8)
    NewsIndex.open(seed_index_dir, "all-MiniLM-L6-v2")
    for q in [APOLOGY_Q, "Who is Anna Kelly?", "What keeps Israel on alert about Tehran?"]:
        ids = []
        for model in (fp32, int8):
            found = index.store.query(
                VectorStoreQuery(query_embedding=model.get_query_embedding(q), similarity_top_k=3)
            )
            ids.append(found.ids)
        assert ids[0] == ids[1], q


def test_an_int8_build_records_its_model_and_a_different_space_is_refused(settings):
    s = settings.updated(embed={"model": INT8})
    outcome = builder.build([SEEDS], s)
    assert not outcome.errors and outcome.added
    index = components.open_index(s)
    assert index.manifest.embed_model == INT8
    fp32 = settings.updated(embed={"model": "all-MiniLM-L6-v2"})
    components.open_index(fp32)  # fp32 queries on an int8 index: one space
    other = settings.updated(embed={"model": "sentence-transformers/all-mpnet-base-v2"})
    with pytest.raises(IndexMismatchError, match=INT8):
        components.open_index(other)


@pytest.mark.slow
def test_kept_openings_skip_their_tokens_and_change_no_answer(seed_index_dir):
    from qa.answerer import Answerer
    from qa.prompts import answer_messages
    from qa.settings import QASettings

    answerer = Answerer(QASettings(data_dir=ROOT / ".newsqa", index_dir=seed_index_dir))
    llm = answerer.llm
    context = answerer.prepare(APOLOGY_Q)
    messages = answer_messages(APOLOGY_Q, context.evidence, [], "open")
    llama = llm._llm
    read: list[int] = []
    real_eval = llama.eval

    def counting_eval(tokens):
        read.append(len(tokens))
        return real_eval(tokens)

    llama.eval = counting_eval  # counts what llama.cpp reads; the real eval runs
    try:
        llm.forget()
        cold = "".join(llm.stream(messages, max_tokens=40))
        cold_read = read[0]
        answerer.warm()
        llm.forget()
        read.clear()
        warm = "".join(llm.stream(messages, max_tokens=40))
        warm_read = read[0]
    finally:
        del llama.eval
    assert warm == cold
    # The system instructions and the template around them (~60 tokens) are not read again.
    assert cold_read - warm_read >= 40, (cold_read, warm_read)
