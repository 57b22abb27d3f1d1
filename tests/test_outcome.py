"""Which questions ask how an event turned out, and which sentences only announce one."""

import pytest

from qa.outcome import asks_outcome, only_announces
from qa.types import Citation, Passage


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("What was the outcome of the Mar-a-Lago meeting?", True),
        ("What were the results of the summit?", True),
        ("What came out of the talks in Cairo?", True),
        ("What happened at the Oval Office meeting?", True),
        ("What did Trump and Netanyahu agree on?", True),
        ("How did the negotiations end?", True),
        ("Where will the leaders meet?", False),
        ("What will the discussions focus on?", False),
        ("Which team had limited options to change the outcome of the game?", False),
        ("Did the report agree with the earlier one?", False),
    ],
)
def test_questions_about_how_an_event_turned_out(question, asks):
    assert asks_outcome(question) is asks


def cite(quote: str) -> Citation:
    p = Passage(node_id="a#0", doc_id="a", title="t", text=quote)
    return Citation(1, p, quote, 0, len(quote))


def test_sentences_that_only_announce_an_event():
    preview = cite("Netanyahu is set to meet with Trump at Mar-a-Lago on Monday.")
    plan = cite("The discussions will focus on Israel's security concerns.")
    report = cite("The two leaders agreed to set up a Board of Peace after the meeting.")
    assert only_announces([preview, plan])
    assert not only_announces([preview, report])
    assert not only_announces([])


def test_an_outcome_that_mentions_what_comes_next_is_still_an_outcome():
    from qa.types import Citation, Passage

    text = "The two sides agreed a ceasefire that will take effect on Monday."
    c = Citation(1, Passage("n", "d", "t", text), text, 0, len(text))
    assert not only_announces([c])


def test_a_count_of_how_it_went_is_not_answered_by_an_expectation():
    from qa.types import Citation, Passage

    assert asks_outcome("How many people went to the pride match against Collingwood?")
    assert asks_outcome("Who won the Holiday Bowl?")
    assert not asks_outcome("How many classes does Baldur's Gate 3 have?")
    text = "A crowd in excess of 4,000 is expected at Henson Park on Sunday."
    assert only_announces([Citation(1, Passage("n", "d", "t", text), text, 0, len(text))])


def test_a_who_won_answer_needs_a_sentence_that_says_who_won():
    from qa.outcome import names_no_winner

    fixture = cite("Semifinal second leg Date Match W/C Jan. 22, 2024 Middlesbrough vs. Chelsea")
    assert names_no_winner("Who won the 2024 Carabao Cup final?", [fixture])
    for said in (
        "Chelsea beat Middlesbrough 6-1 in the second leg.",
        "Louisville were crowned after a 24-7 game.",
        "South Africa won the Rugby World Cup final.",
    ):
        assert not names_no_winner("Who won the final?", [cite(said)]), said
    assert not names_no_winner("Who scored in the final?", [fixture])
