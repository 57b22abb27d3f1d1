"""Which sentences of the retrieved passages the LLM reads, with the real MiniLM embedder."""

import pytest

from qa.evidence import candidate_sentences, headings, is_heading, select_evidence
from qa.textmatch import sentence_spans
from qa.types import Passage

# A schedule written as sections: each heading names the game, the sentences under it do not.
SCHEDULE = Passage(
    "n1",
    "bowls",
    "College bowl schedule",
    "Latest College Bowl odds\n\n"
    "Rose Bowl: Alabama vs. Michigan\n\n"
    "The game will take place at the Rose Bowl in Pasadena, CA. Kickoff is scheduled for "
    "5 p.m. ET on Monday, Jan. 1. The game will be broadcast on ESPN.\n\n"
    "Military Bowl Presented by GoBowling.com: Virginia Tech vs. Tulane\n\n"
    "The game will take place at the Navy-Marine Corps Memorial Stadium in Annapolis, MD. "
    "Kickoff is scheduled for 2 p.m. ET on Wednesday, Dec. 27. The game will be broadcast on "
    "ESPN.\n\n"
    "What time does the Fenway Bowl kick off?\n\n"
    "The game kicks off at 11 a.m. ET on Thursday, Dec. 28.",
    source="Sporting News",
)
QUESTION = "Where is the Military Bowl being played?"


def test_a_heading_is_a_short_line_of_its_own_that_does_not_close_like_a_sentence():
    text = SCHEDULE.text
    spans = {text[s:e]: (s, e) for s, e in sentence_spans(text)}
    assert is_heading(text, *spans["Rose Bowl: Alabama vs. Michigan"])
    assert is_heading(text, *spans["What time does the Fenway Bowl kick off?"])
    assert not is_heading(text, *spans["The game will be broadcast on ESPN."])
    # A sentence sharing its line with others is not a heading, even without a full stop.
    assert not is_heading("Kickoff is at 2 p.m. Tickets from $40\n", 20, 35)


def test_each_sentence_stands_under_the_heading_above_it():
    cands = candidate_sentences([SCHEDULE])
    text = SCHEDULE.text
    under = dict(zip((text[s:e] for _, s, e in cands), headings([SCHEDULE], cands)))
    annapolis = next(t for t in under if "Annapolis" in t)
    assert under[annapolis].startswith("Military Bowl Presented")
    assert under["The game kicks off at 11 a.m. ET on Thursday, Dec. 28."].startswith("What time")


@pytest.fixture(scope="module")
def embedder():
    from index.embedding import load_embedder

    return load_embedder("all-MiniLM-L6-v2-int8")


@pytest.mark.parametrize("weight, read", [(0.0, False), (0.5, True)])
def test_the_sentence_under_the_asked_heading_is_read(embedder, weight, read):
    """Alone, "The game will take place at …" does not name the Military Bowl, and the Rose
    Bowl's sentence (which holds "Bowl" twice) outranks it; its heading names it."""
    query = [embedder.get_query_embedding(QUESTION)]
    picked = select_evidence(
        query,
        [SCHEDULE],
        embedder.get_text_embedding_batch,
        limit=3,
        queries=[QUESTION],
        heading_weight=weight,
    )
    texts = [e.text for e in picked]
    assert any("Annapolis" in t for t in texts) is read, texts
