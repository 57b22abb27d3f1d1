"""Names the evidence offers for a "which/who" question, and the pick the LLM may make among
them after refusing (a scripted LLM; the real one is in test_multihop.py)."""

import pytest

from qa.candidates import answer_candidates, choice_grammar, names_in
from qa.evidence import Evidence
from qa.llms.base import ChatLLM
from qa.types import Passage
from tests.conftest import APOLOGY_Q


def ev(n: int, doc: str, text: str) -> Evidence:
    return Evidence(n, Passage(f"{doc}#0", doc, doc, text), 0, len(text))


def test_names_split_possessives_and_skip_capitalised_openers():
    common = {"published", "initially"}
    assert names_in("Google's Bard beat Anthropic's Claude.", common) == [
        "Google",
        "Bard",
        "Anthropic",
        "Claude",
    ]
    assert names_in("Initially, Sam Bankman-Fried denied it.", common) == ["Sam Bankman-Fried"]
    assert names_in("The Federal Reserve held rates in September.") == ["Federal Reserve"]


def test_the_name_several_articles_share_ranks_first_and_question_names_are_left_out():
    evidence = [
        ev(1, "verge", "Epic argued that Google keeps Android app stores closed."),
        ev(2, "techcrunch", "Google released Gemini Nano, a lite model, on Pixel phones."),
        ev(3, "fortune", "Publishers say Google diverts their readers, TechCrunch reported."),
        ev(4, "verge", "Apple was not part of the Epic case."),
    ]
    q = "Which company faces Epic in court, per The Verge, and made a lite model?"
    names = [c.name for c in answer_candidates(evidence, q, ("TechCrunch", "The Verge"))]
    assert names[0] == "Google"
    assert "Epic" not in names and "TechCrunch" not in names
    assert "Google" in choice_grammar(
        answer_candidates(evidence, q)
    ) and '"none"' in choice_grammar(answer_candidates(evidence, q))


def test_short_form_folds_into_the_full_name():
    evidence = [
        ev(1, "a", "Sam Bankman-Fried founded FTX."),
        ev(2, "b", "Prosecutors said Bankman-Fried took customer money."),
    ]
    [top, *_] = answer_candidates(evidence, "Who founded the exchange?")
    assert top.name == "Sam Bankman-Fried" and top.articles == 2


class TwoStepLLM(ChatLLM):
    """Refuses the question, then answers the pick with `pick`."""

    name = "two-step"

    def __init__(self, pick: str):
        self.pick = pick
        self.calls: list[dict] = []

    def stream(self, messages, max_tokens=256, temperature=0.0, grammar=None):
        self.calls.append({"messages": messages, "grammar": grammar})
        yield "The articles don't say." if len(self.calls) == 1 else self.pick


@pytest.fixture
def seed_answerer(seed_index_dir):
    from qa.answerer import Answerer
    from qa.settings import QASettings

    def make(pick: str, **overrides):
        settings = QASettings(index_dir=seed_index_dir, quote_min_score=0, **overrides)
        return Answerer(settings, llm=TwoStepLLM(pick))

    return make


def test_a_refused_which_question_gets_the_picked_name_cited(seed_answerer):
    a = seed_answerer("Qatar")
    answer = a.ask("Which country's mediation role did the Israeli strikes endanger?")
    first, second = a.llm.calls
    assert first["messages"][0] == second["messages"][0]  # same prefix: llama.cpp reuses it
    assert second["grammar"].startswith("root ::=") and '"Qatar"' in second["grammar"]
    assert not answer.refused, answer.notes
    assert answer.text.startswith("Qatar [1]")
    assert all("Qatar" in c.quote for c in answer.citations)
    assert any("picked 'Qatar'" in n for n in answer.notes)


def test_none_or_an_unoffered_name_stays_a_refusal(seed_answerer):
    q = "Which country's mediation role did the Israeli strikes endanger?"
    assert seed_answerer("none").ask(q).refused
    assert seed_answerer("Atlantis").ask(q).refused
    assert seed_answerer("Qatar", entity_choice=False).ask(APOLOGY_Q).refused is not None
