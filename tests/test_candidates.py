"""Names the evidence offers for a "which/who" question, and the pick the LLM may make among
them after refusing (a scripted LLM; the real one is in test_multihop.py)."""

import pytest

from qa.candidates import answer_candidates, choice_grammar, names_in
from qa.evidence import Evidence
from qa.types import Passage
from tests.fakes import ScriptedLLM


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

    def make(pick: str, profile: str = "multihop-rag", **joining):
        from qa.answerer import Answerer
        from qa.settings import QASettings

        qa = QASettings(
            index_dir=settings.index_dir,
            profile=profile,
            answer={"quote_min_score": 0},
            joining=joining,
        )
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
    assert two_outlets("Google", entity_pick=False).ask(JOINING_Q).refused
    # The pick is a MultiHop-RAG rule: the default profile answers a joining question like any.
    readers = two_outlets("Google", profile="readers")
    assert readers.ask(JOINING_Q).refused
    assert not any("picked" in n for n in readers.ask(JOINING_Q).notes)
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


def test_a_picked_surname_is_written_as_the_passages_write_it():
    from qa.candidates import full_form, wants_full_name

    passages = [
        "OpenAI's board said Sam Altman was not candid. Altman was ousted on Friday.",
        "Altman, 38, returned days later as the board changed.",
    ]
    assert full_form("Altman", passages) == "Sam Altman"
    assert full_form("Vikings", ["The Minnesota Vikings lost. The Vikings kicked."]) == (
        "Minnesota Vikings"
    )
    # Two longer forms as often as each other: which one is not for the pipeline to guess.
    assert full_form("Warriors", ["Golden State Warriors and Wyoming Warriors met."]) == "Warriors"
    assert full_form("Sam Altman", passages) == "Sam Altman"
    assert wants_full_name("Who was ousted as OpenAI's chief executive?")
    assert wants_full_name("Which NFL team kicked a late field goal?")
    # A company goes by its own name, not a product's ("Azure OpenAI").
    assert not wants_full_name("Which company, covered by The Verge, released GPT-4 Turbo?")
    assert not wants_full_name("What is the name of the organization that released GPT-4?")


def test_an_answer_naming_what_fewer_articles_share_is_outvoted():
    from qa.candidates import Candidate, outvoted

    sbf = Candidate("Sam Bankman-Fried", 5, 9, (0,))
    wang = Candidate("Gary Wang", 2, 2, (3,))
    assert outvoted("The individual is Gary Wang [2].", [sbf, wang])
    assert not outvoted("The individual is Bankman-Fried [1].", [sbf, wang])  # surname
    # A name three articles give stands, even behind one more articles give; a leading name
    # only two articles give outvotes nothing.
    assert not outvoted("Gary Wang [2].", [sbf, Candidate("Gary Wang", 3, 5, (3,))])
    assert not outvoted("Gary Wang [2].", [Candidate("Sam Bankman-Fried", 2, 2, (0,)), wang])
    assert not outvoted("Gary Wang [2].", [])


FTX_ARTICLES = [
    {
        "id": "verge-ftx",
        "source": "The Verge",
        "title": "The trial begins",
        "body": "Prosecutors said Sam Bankman-Fried took customer money from the exchange. "
        "Gary Wang, a co-founder, testified for the government on the first day.",
    },
    {
        "id": "techcrunch-ftx",
        "source": "TechCrunch",
        "title": "A week in court",
        "body": "Bankman-Fried used customer deposits to buy back shares of the exchange. "
        "The defense said he acted in good faith throughout the collapse.",
    },
    {
        "id": "fortune-ftx",
        "source": "Fortune",
        "title": "The verdict",
        "body": "Jurors found Bankman-Fried guilty of fraud over customer deposits. "
        "Gary Wang had told jurors about the secret code in the software.",
    },
]
FTX_Q = (
    "Which individual took customer money according to The Verge, used deposits to buy back "
    "shares as reported by TechCrunch, and was found guilty of fraud according to Fortune?"
)


def test_an_answer_fewer_articles_share_gives_way_to_the_shared_name(settings, tmp_path):
    import json

    from index import builder
    from qa.answerer import Answerer
    from qa.settings import QASettings

    feed = tmp_path / "ftx.jsonl"
    feed.write_text("\n".join(json.dumps(a) for a in FTX_ARTICLES), "utf-8")
    assert not builder.build([feed], settings).errors
    qa = QASettings(
        index_dir=settings.index_dir, profile="multihop-rag", answer={"quote_min_score": 0}
    )

    llm = ScriptedLLM(["The individual is Gary Wang [1][2][3][4][5][6].", "Sam Bankman-Fried"])
    answer = Answerer(qa, llm=llm).ask(FTX_Q)
    assert len(llm.calls) == 2 and '"Sam Bankman-Fried"' in llm.calls[1]["grammar"]
    assert answer.text.startswith("Sam Bankman-Fried ["), answer.notes
    assert any("outvoted" in n for n in answer.notes), answer.notes
    # An answer naming the shared name stands; no pick is asked for.
    llm = ScriptedLLM(["The individual is Sam Bankman-Fried [1][2][3][4][5][6]."])
    answer = Answerer(qa, llm=llm).ask(FTX_Q)
    assert len(llm.calls) == 1 and "Sam Bankman-Fried" in answer.text
