"""The answering pipeline's plumbing around a scripted LLM: what the LLM is shown, the grammar it
gets, and what happens to its reply. The seed is indexed with the bag-of-words fake embedder,
or the real one where which sentence the question finds is the point. Behaviour with the real
LLM is in test_answers.py."""

import pytest

from tests.conftest import APOLOGY_Q, FAKE_EMBED
from tests.fakes import DoubtingLLM, LeaningLLM, ScriptedLLM


def answerer_factory(index_dir, **fixed):
    from qa.answerer import Answerer
    from qa.settings import QASettings

    def make(reply: str, **overrides) -> Answerer:
        settings = QASettings(index_dir=index_dir, **fixed, **overrides)
        return Answerer(settings, llm=ScriptedLLM(reply))

    return make


@pytest.fixture
def answerer_with(fake_seed_index_dir):
    """The seed indexed with the bag-of-words fake: no embedding model to load."""
    return answerer_factory(fake_seed_index_dir, embed=FAKE_EMBED)


@pytest.fixture
def real_answerer_with(seed_index_dir):
    return answerer_factory(seed_index_dir)


def test_the_llm_reads_numbered_evidence_sentences_and_cites_them(answerer_with):
    a = answerer_with("Israel's military actions against Hamas leaders in Qatar angered Trump [1].")
    answer = a.ask(APOLOGY_Q)
    [call] = a.llm.calls
    prompt = call["messages"][-1]["content"]
    assert (
        prompt.count("\n[") >= 5
        and len(answer.evidence) <= a.settings.retrieval.evidence_sentences + 6
    )
    # A why question also reads the sentences just before its best ones: the reason is there.
    assert "Hamas leaders in Qatar angered Trump" in prompt
    assert not answer.refused, answer.notes
    [c] = answer.citations
    assert "Hamas leaders in Qatar" in c.quote and c.passage.text[c.start : c.end] == c.quote


def test_yes_no_questions_get_the_verdict_grammar(real_answerer_with):
    # The real embedder: the bag of words does not find Miller's "need one another" for "need
    # each other" (nor should it: meaning is the real model's job).
    a = real_answerer_with("Yes, Miller said they need one another [[need one another]].")
    answer = a.ask("Do Trump and Netanyahu need each other, according to Miller?")
    assert a.llm.calls[0]["grammar"] and '"Yes" | "No"' in a.llm.calls[0]["grammar"]
    assert answer.kind == "yes_no" and answer.text.startswith("Yes")


def test_a_refusal_is_replaced_by_a_quote_only_when_the_evidence_is_strong(answerer_with):
    q = "Where did Trump demand the apology from Netanyahu?"
    quoted = answerer_with("The articles don't say.", answer={"quote_min_score": 0.5}).ask(q)
    assert not quoted.refused and quoted.text.startswith("The articles say: “")
    assert (
        quoted.citations[0].quote in quoted.text.replace("\n", " ") or "Oval Office" in quoted.text
    )
    assert any("model refused" in n for n in quoted.notes)
    strict = answerer_with("The articles don't say.", answer={"quote_min_score": 0}).ask(q)
    assert strict.refused and strict.citations == []
    out_of_reach = answerer_with("The articles don't say.", answer={"quote_min_score": 9.0}).ask(q)
    assert out_of_reach.refused


@pytest.mark.parametrize(
    ("margin", "threshold", "verdict"),
    [(0.7, 0.0, "Yes"), (0.7, 1.5, "No"), (2.0, 1.5, "Yes"), (-0.3, 0.0, "No")],
)
def test_the_yes_no_verdict_follows_the_log_odds_and_the_threshold(
    fake_seed_index_dir, margin, threshold, verdict
):
    from qa.answerer import Answerer
    from qa.settings import QASettings

    settings = QASettings(
        index_dir=fake_seed_index_dir, embed=FAKE_EMBED, answer={"yes_no_threshold": threshold}
    )
    llm = LeaningLLM(f"{verdict}, Miller said they need one another [1].", margin)
    answer = Answerer(settings, llm=llm).ask(
        "Do Trump and Netanyahu need each other, according to Miller?"
    )
    # The reply may only open with the verdict decided from the log-odds, and (the question
    # being about the world, where the prompt allows refusing) its reason may not be a refusal.
    assert llm.calls[0]["grammar"].startswith(f'root ::= "{verdict}, " reason\n')
    assert '[tT] "he a" [^r\\n]' in llm.calls[0]["grammar"]
    assert any(f"verdict {verdict}: Yes-No log-odds {margin:.2f}" in n for n in answer.notes)


@pytest.mark.parametrize(("logprob", "asked_again"), [(-1.2, True), (-0.2, False)])
def test_an_unsure_refusal_gets_a_second_look_with_refusing_ruled_out(
    fake_seed_index_dir, logprob, asked_again
):
    from qa.answerer import Answerer
    from qa.prompts import NO_REFUSAL
    from qa.settings import QASettings

    settings = QASettings(
        index_dir=fake_seed_index_dir,
        embed=FAKE_EMBED,
        answer={"second_look_below": -0.5, "quote_min_score": 0},
    )
    replies = ["The articles don't say.", "The discussions will focus on Hamas and Iran [1]."]
    llm = DoubtingLLM(replies, logprob)
    answer = Answerer(settings, llm=llm).ask("Which two threats will the discussions focus on?")
    if asked_again:
        assert [c["grammar"] for c in llm.calls] == [None, NO_REFUSAL]
        # The same prompt both times, so llama.cpp reads it once.
        assert llm.calls[0]["messages"] == llm.calls[1]["messages"]
        assert not answer.refused and "Hamas and Iran" in answer.text, answer.notes
        assert "Hamas" in answer.citations[0].quote
        assert any("refusal log-prob -1.20 < -0.5: asked again" in n for n in answer.notes)
    else:
        assert len(llm.calls) == 1 and answer.refused
        assert any("refusal stands" in n for n in answer.notes)


def test_a_second_look_answer_is_verified_strictly(seed_index_dir):
    from qa.answerer import Answerer
    from qa.citations import verify
    from qa.settings import QASettings

    # The real embedder: the bag of words puts this question's passages under the refusal
    # gate's similarity floor, so the model would never be asked.
    settings = QASettings(
        index_dir=seed_index_dir,
        answer={"second_look_below": -0.5, "quote_min_score": 0},
    )
    # What the real model said when pushed (seed gold set, unanswerable-02).
    pushed = (
        "Zelensky asked Trump for an apology from Netanyahu to Qatari officials during a tense "
        "Oval Office meeting."
    )
    llm = DoubtingLLM(["The articles don't say.", pushed], -0.9)
    answer = Answerer(settings, llm=llm).ask("What did Zelensky ask Trump for?")
    assert len(llm.calls) == 2 and answer.refused and answer.citations == []
    # The ordinary check would have kept it: its words are all in the evidence.
    q = "What did Zelensky ask Trump for?"
    assert not verify(pushed, answer.evidence, q, "entity").refused
    # Off: the refusal stands without asking how sure the model was.
    off = QASettings(
        index_dir=seed_index_dir,
        answer={"second_look": False, "quote_min_score": 0},
    )
    llm = DoubtingLLM(["The articles don't say.", pushed], -0.9)
    assert Answerer(off, llm=llm).ask("What did Zelensky ask Trump for?").refused
    assert len(llm.calls) == 1


def test_a_preview_does_not_answer_how_the_event_turned_out(answerer_with):
    # What the real model said (seed gold set, unanswerable-12): every word is supported, but
    # the article announces the meeting; it does not report how it went.
    preview = (
        "The outcome of the Mar-a-Lago meeting was that Prime Minister Benjamin Netanyahu is set "
        "to meet with President Donald Trump at his Mar-a-Lago estate in Palm Beach, Florida."
    )
    a = answerer_with(preview, answer={"quote_min_score": 0})
    answer = a.ask("What was the outcome of the Mar-a-Lago meeting?")
    assert answer.refused and answer.citations == [], answer.notes
    assert any("only announce" in n for n in answer.notes)
    # The same reply to a question about the plan is an answer.
    a = answerer_with(preview, answer={"quote_min_score": 0})
    assert not a.ask("Where are Netanyahu and Trump set to meet?").refused


@pytest.mark.parametrize(("refusal", "refused"), [(1.0, True), (-1.0, False)])
def test_a_one_part_yes_no_question_may_be_refused(fake_seed_index_dir, refusal, refused):
    from qa.answerer import Answerer
    from qa.prompts import REFUSAL_TEXT
    from qa.settings import QASettings

    settings = QASettings(index_dir=fake_seed_index_dir, embed=FAKE_EMBED)
    reply = REFUSAL_TEXT if refused else "No, Miller said they need one another [1]."
    llm = LeaningLLM(reply, -1.0, refusal)
    answer = Answerer(settings, llm=llm).ask("Did Trump and Netanyahu sign a treaty?")
    assert llm.asked == [("Yes", "No"), ("The", "No")]
    # The prompt allows the refusal, and the grammar does when the model prefers it.
    assert REFUSAL_TEXT in llm.calls[0]["messages"][0]["content"]
    if refused:
        assert llm.calls[0]["grammar"] == f'root ::= "{REFUSAL_TEXT}"' and answer.refused
    else:
        assert llm.calls[0]["grammar"].startswith('root ::= "No, " reason\n')


def test_a_quote_answers_only_the_instance_the_question_names():
    from qa.evidence import Evidence
    from qa.extractive import quote_answer
    from qa.types import Passage

    text = "Ja'Marr Chase averaged over 20 yards per reception in Week 12."
    e = [Evidence(1, Passage("n", "d", "t", text), 0, len(text), score=2.0)]
    assert quote_answer(e, 1.4, "How many yards did Ja'Marr Chase have in Week 10?") is None
    assert quote_answer(e, 1.4, "How many yards did Ja'Marr Chase average in Week 12?")
    # A quote holds what the question asks for: a name the question does not give.
    assert quote_answer(e, 1.4, "Which team did Ja'Marr Chase play for in Week 12?") is None


def test_the_verify_section_of_the_settings_reaches_the_verifier(answerer_with):
    question = "Where will Netanyahu meet Trump?"
    reply = (
        "They will meet at Trump's Mar-a-Lago estate in Palm Beach, Florida [[Palm Beach]]. "
        "The discussions will focus on Israel's security concerns about Hamas and Iran "
        "[[security concerns]]."
    )
    both = answerer_with(reply).ask(question)
    one = answerer_with(reply, verify={"max_sentences": 1}).ask(question)
    assert not both.refused and not one.refused, (both.notes, one.notes)
    assert "security" in both.text and "Mar-a-Lago" in one.text and "security" not in one.text
    # Every claim counted as short must be covered entirely, and none may be trimmed.
    claim = "They will meet at Mar-a-Lago in Palm Beach, Florida, to discuss the weather [[Palm Beach]]."
    loose = answerer_with(claim).ask(question)
    assert not loose.refused, loose.notes  # 71 % of its words: above min_coverage (0.6)
    strict = answerer_with(
        claim, verify={"short_claim": 100, "min_trimmed": 100}, answer={"quote_min_score": 0}
    ).ask(question)
    assert strict.refused and "only 71% of its words" in " ".join(strict.notes), strict.notes
