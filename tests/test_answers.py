"""The real embedded LLM on the seed article: grounded answers, refusals, follow-ups, the CLI."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import APOLOGY_Q, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def answerer(seed_index_dir, tmp_path_factory):
    from qa.answerer import Answerer
    from qa.settings import QASettings

    # The GGUF is joined once into the project's data dir (make setup does it).
    settings = QASettings(data_dir=ROOT / ".newsqa", index_dir=seed_index_dir)
    return Answerer(settings)


def test_apology_question_gives_the_reason_and_cites_it(answerer):
    answer = answerer.ask(APOLOGY_Q)
    assert not answer.refused, (answer.raw_text, answer.notes)
    # The reason: Israel's strikes on Hamas leaders in Qatar, not only the demand itself.
    assert "Qatar" in answer.text and ("strike" in answer.text or "Hamas" in answer.text)
    assert answer.citations
    assert any(
        "Hamas leaders in Qatar" in c.quote or "Israeli strikes" in c.quote
        for c in answer.citations
    ), [c.quote for c in answer.citations]
    for c in answer.citations:
        assert c.passage.text[c.start : c.end] == c.quote
        assert f"[{c.n}]" in answer.text


def test_a_question_worded_unlike_the_article_is_answered(answerer):
    # The article: "Despite the tension, the meeting is expected to remain cordial." (no "tone").
    answer = answerer.ask("What is the tone of the meeting expected to be?")
    assert not answer.refused, (answer.raw_text, answer.notes)
    assert "cordial" in answer.text.lower()
    assert any("cordial" in c.quote for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "Who is the prime minister of Qatar?",
        "What did Zelensky ask Trump for?",
        # The article previews the meeting; the model answers with the preview.
        "What was the outcome of the Mar-a-Lago meeting?",
    ],
)
def test_questions_the_article_does_not_answer_are_refused(answerer, question):
    answer = answerer.ask(question)
    assert answer.refused, (answer.text, answer.raw_text)
    assert answer.citations == []
    assert answer.text == "The articles don't say."


def test_unrelated_question_is_refused_without_calling_the_llm(answerer):
    answer = answerer.ask("What is the boiling point of mercury?")
    assert answer.refused and answer.timings.generate_s == 0.0


def test_follow_up_resolves_its_pronoun(answerer):
    from qa.types import Turn

    history = [
        Turn("user", "Who is Anna Kelly?"),
        Turn("assistant", "Anna Kelly is the deputy press secretary [1]."),
    ]
    answer = answerer.ask("What did she say about Iran?", history)
    assert answer.standalone_question and "Anna Kelly" in answer.standalone_question
    assert not answer.refused, answer.raw_text
    assert "nuclear" in answer.text.lower()
    assert any("Anna Kelly" in c.passage.text for c in answer.citations)


def test_streaming_yields_text_before_the_final_answer(answerer):
    from qa.types import Answer

    events = list(answerer.stream(APOLOGY_Q))
    assert isinstance(events[-1], Answer)
    assert len([e for e in events if isinstance(e, str)]) > 3


def run_cli(*args, **env):
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, **env),
    )


def test_ask_json_contract(seed_index_dir):
    out = run_cli("ask", APOLOGY_Q, "--json", "--index", str(seed_index_dir))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)  # nothing but the JSON object on stdout
    assert set(data) >= {"question", "answer", "refused", "citations", "timings"}
    assert set(data["timings"]) >= {"retrieve_s", "generate_s", "total_s"}
    assert data["citations"]
    keys = {"n", "doc_id", "title", "source", "published_at", "text", "quote", "start", "end"}
    for c in data["citations"]:
        assert set(c) >= keys
        assert c["text"][c["start"] : c["end"]] == c["quote"]


def test_ask_without_index_fails_clearly(tmp_path):
    out = run_cli("ask", APOLOGY_Q, "--index", str(tmp_path / "none"))
    assert out.returncode == 2
    assert "no index at" in out.stderr and "newsqa index build" in out.stderr


def test_ask_with_unloadable_model_fails_clearly(seed_index_dir, tmp_path):
    fake = tmp_path / "broken.gguf"
    fake.write_bytes(b"not a model")
    out = run_cli(
        "ask", APOLOGY_Q, "--index", str(seed_index_dir), NEWSQA_LLM__MODEL_PATH=str(fake)
    )
    assert out.returncode == 2
    assert "broken.gguf" in out.stderr


def test_llama_cpp_reports_the_yes_no_log_odds(answerer):
    """The real model's logits: an obvious yes leans Yes, an obvious no leans No, and the reply
    that follows reuses the prompt just read."""
    llm = answerer.llm

    def ask(question: str) -> float:
        messages = [
            {"role": "system", "content": "Answer the question. Start with Yes or No."},
            {"role": "user", "content": question},
        ]
        return llm.preference(messages, "Yes", "No")

    assert ask("Is Paris the capital of France?") > 2
    assert ask("Is Berlin the capital of France?") < -2
    assert llm.preference([{"role": "user", "content": "Hi"}], "Yes please", "No") is None


def test_llama_cpp_reports_how_sure_a_refusal_is_and_can_rule_it_out(answerer):
    """The real model: a refusal it was told to give is near certain, one to a question it can
    answer is unlikely, and the second-look grammar keeps it from opening with the refusal."""
    from qa.prompts import NO_REFUSAL, REFUSAL_TEXT

    llm = answerer.llm

    def said(instruction: str) -> list[dict]:
        return [
            {"role": "system", "content": "Answer in one sentence."},
            {"role": "user", "content": instruction},
        ]

    told = llm.reply_logprob(said(f"Reply with exactly: {REFUSAL_TEXT}"), REFUSAL_TEXT)
    known = llm.reply_logprob(said("What is the capital of France?"), REFUSAL_TEXT)
    # Measured: -1.1 (it is tempted to add quotation marks) against -40.
    assert -2.0 < told <= 0.0 and known < -10.0, (told, known)
    pushed = "".join(
        llm.stream(said(f"Reply with exactly: {REFUSAL_TEXT}"), 20, grammar=NO_REFUSAL)
    )
    assert pushed.strip() and not pushed.startswith("The articles"), pushed


def test_a_refusal_of_an_answerable_question_gets_a_second_look(answerer):
    # The article: "The discussions will focus on Israel's security concerns, particularly
    # regarding Hamas and Iran." The model refuses at first, unsure (refusal log-prob about
    # -1.0), and answers when asked again.
    answer = answerer.ask("Which two threats will the discussions focus on?")
    assert not answer.refused, (answer.raw_text, answer.notes)
    assert "Hamas" in answer.text and "Iran" in answer.text
    assert any("asked again" in n for n in answer.notes), answer.notes
