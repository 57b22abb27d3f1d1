"""Near-duplicate collapse keeps different stories apart (issue #25, 5), on both backends.

A copy is recorded only when nothing it says would be lost: two stories sharing a long editor's
note, two files of no known outlet, and a correction giving another figure all stay articles of
their own, while an edited wire copy is still collapsed.
"""

import pytest

from index import builder
from index.articles import Article
from index.dedup import copy_verdict
from tests.test_feeds import WIRE, edited

NOTE = (
    "Editor's note: this article is part of our series on the state of local services, produced "
    "with support from a regional foundation that has no say over what we report. Our newsroom "
    "chooses the topics, reports the stories and edits them independently, and every figure in "
    "this series is checked against public records or confirmed by at least two sources. "
) * 6  # ~330 words, run above two different short stories

SHORT_A = (
    "The county closed two rural clinics on Monday, leaving nearby villages with one doctor "
    "who visits twice a week, and patients now drive almost an hour to the hospital in town."
)
SHORT_B = (
    "The city's bus company cut its night routes after drivers left for better paid jobs at the "
    "airport, and riders who work late shifts now walk or share taxis to get home."
)
SHORT_C = (
    "Three primary schools will share one head teacher from September, the education board "
    "decided, because too few candidates applied for the posts advertised last spring."
)
QUAKE = (
    "A powerful earthquake struck the coastal province early on Tuesday, collapsing houses and "
    "a school in the fishing town of Marlo. Officials said the death toll stood at 12, with "
    "dozens injured and several people still missing under the rubble. Rescue teams worked "
    "through the night with sniffer dogs, and the provincial governor asked the national "
    "government for tents, water and medical supplies for the families who lost their homes. "
    "Aftershocks continued through the morning, and residents were told to stay out of "
    "damaged buildings until engineers could inspect them."
)


def article(doc_id: str, body: str, source: str | None) -> Article:
    return Article(doc_id, f"Story {doc_id}", body, f"{doc_id}.txt", source=source)


@pytest.mark.parametrize("backend", ["local", "milvus"])
def test_different_stories_stay_apart_and_a_wire_copy_is_still_collapsed(settings, backend):
    settings.index.backend = backend
    try:
        corrected = QUAKE.replace(
            "the death toll stood at 12", "the death toll was corrected to 31"
        )
        title, wire = WIRE
        outcome = builder.build_articles(
            [
                article("note-a", NOTE + SHORT_A, "Valley News"),
                article("note-b", NOTE + SHORT_B, "Harbour Herald"),
                article("plain-a", QUAKE, None),
                article("plain-b", edited(QUAKE, "Wire"), None),
                article("quake", QUAKE, "Coast Daily"),
                article("quake-fix", corrected, "National Post"),
                article("wire", wire, "Valley News"),
                article("wire-copy", edited(wire, "Harbour Herald"), "Harbour Herald"),
            ],
            settings,
        )
        assert outcome.copies == [("wire-copy", "wire")]
        docs = builder.list_documents(settings)
        for doc_id in ("note-a", "note-b", "plain-a", "plain-b", "quake", "quake-fix"):
            assert docs[doc_id].chunks > 0 and docs[doc_id].duplicate_of is None, doc_id
        assert docs["wire-copy"].duplicate_of == "wire"
        # A later build compares with what is stored (the originals' chunks), not this build's
        # bodies: the same verdicts.
        again = builder.build_articles(
            [article("note-c", NOTE + SHORT_C, "Northern Post")], settings
        )
        assert again.copies == []
        late = builder.build_articles(
            [article("wire-late", edited(wire, "Northern Post"), "Northern Post")], settings
        )
        assert late.copies == [("wire-late", "wire")]
    finally:
        if backend == "milvus":
            from index.backends.milvus import disconnect

            disconnect(settings)


def test_copy_verdicts():
    assert copy_verdict(edited(QUAKE, "Wire"), QUAKE) is None
    assert "passage of" in copy_verdict(NOTE + SHORT_B, NOTE + SHORT_A)
    fixed = QUAKE.replace("stood at 12", "was corrected to 31")
    assert copy_verdict(fixed, QUAKE) == "a figure given differently (12 -> 31)"
