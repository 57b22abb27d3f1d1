"""Names the evidence offers for a "which/who" question, and the pick the LLM may make among
them after refusing (a scripted LLM; the real one is in test_multihop.py)."""

import pytest

from qa.candidates import answer_candidates, choice_grammar, names_in
from qa.evidence import Evidence
from qa.types import Passage
from tests.test_answer_wiring import ScriptedLLM


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


ARTICLES = [
    {
        "id": "verge-1",
        "source": "The Verge",
        "title": "Jury rules against the Play Store",
        "body": "A jury found that Google ran an illegal monopoly over Android app stores. "
        "Epic Games had sued Google over the fees of its Play Store. "
        "The verdict could reshape phone app markets.",
    },
    {
        "id": "techcrunch-1",
        "source": "TechCrunch",
        "title": "A lite model for phones",
        "body": "Google released Gemini Nano, a lite version of its AI model, for Pixel phones. "
        "The small model runs on the device without a connection. "
        "Developers can try it this month.",
    },
]
JOINING_Q = (
    "Which company was found to run an illegal monopoly over app stores according to The Verge, "
    "and released a lite AI model as reported by TechCrunch?"
)


@pytest.fixture
def two_outlets(settings, tmp_path):
    import json

    from index import builder

    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(a) for a in ARTICLES), "utf-8")
    assert not builder.build([feed], settings).errors

    def make(pick: str, **overrides):
        from qa.answerer import Answerer
        from qa.settings import QASettings

        qa = QASettings(index_dir=settings.index_dir, quote_min_score=0, **overrides)
        # Refuses the question, then answers the pick with `pick`.
        return Answerer(qa, llm=ScriptedLLM(["The articles don't say.", pick]))

    return make


def test_a_refused_joining_question_gets_the_picked_name_cited(two_outlets):
    a = two_outlets("Google")
    answer = a.ask(JOINING_Q)
    first, second = a.llm.calls
    assert first["messages"][0] == second["messages"][0]  # same prefix: llama.cpp reuses it
    assert second["grammar"].startswith("root ::=") and '"Google"' in second["grammar"]
    assert not answer.refused, answer.notes
    assert answer.text.startswith("Google [1][2]")
    assert {c.passage.doc_id for c in answer.citations} == {"verge-1", "techcrunch-1"}
    assert any("picked 'Google'" in n for n in answer.notes)


def test_none_an_unoffered_name_or_a_one_part_question_stays_a_refusal(two_outlets):
    assert two_outlets("none").ask(JOINING_Q).refused
    assert two_outlets("Atlantis").ask(JOINING_Q).refused
    assert two_outlets("Google", entity_choice=False).ask(JOINING_Q).refused
    one_part = two_outlets("Google")
    assert one_part.ask("Which company ran an illegal monopoly over app stores?").refused
    assert len(one_part.llm.calls) == 1  # no names offered


def test_titles_split_names_and_only_a_surname_folds_into_a_full_name():
    assert names_in("OpenAI COO Brad Lightcap said so.") == ["OpenAI", "Brad Lightcap"]
    evidence = [
        ev(1, "a", "OpenAI COO Brad Lightcap spoke at OpenAI Dev Day."),
        ev(2, "b", "OpenAI released GPT-4 Turbo."),
    ]
    names = [c.name for c in answer_candidates(evidence, "Which organization made GPT-4 Turbo?")]
    assert names[0] == "OpenAI"
