"""Replaying a run's drafts: only where the model would read the very same prompt."""

from qa.llms.base import ChatLLM
from qa.llms.replay import ReplayLLM
from qa.prompts import REFUSAL_TEXT


class Live(ChatLLM):
    name = "live"

    def __init__(self):
        self.calls = []

    def stream(self, messages, max_tokens=256, temperature=0.0, grammar=None):
        self.calls.append(grammar)
        yield "live answer"

    def preference(self, messages, first, second):
        return 1.5


def prompt(sentences: list[str], question: str) -> list[dict]:
    lines = "\n".join(f"[{n}] {s}" for n, s in enumerate(sentences, 1))
    return [
        {"role": "system", "content": "Answer."},
        {"role": "user", "content": f"Sentences:\n{lines}\n\nQuestion: {question}"},
    ]


def test_a_recorded_draft_is_replayed_only_on_the_same_evidence():
    q = "Where is Cubic Telecom based?"
    read = ["SoftBank takes a stake in the Dublin-based startup.", "It has 90 partners."]
    live = Live()
    llm = ReplayLLM({q: "Dublin [1]."}, {}, "run", {q: read}, live)
    assert "".join(llm.stream(prompt(read, q))) == "Dublin [1]."
    # One sentence more, or another one: the model would read another prompt.
    assert "".join(llm.stream(prompt([*read, "Barry Napier stays CEO."], q))) == "live answer"
    assert "".join(llm.stream(prompt([read[0], "Other."], q))) == "live answer"
    # A reply under a grammar depends on choices made now (a verdict, a second look).
    assert "".join(llm.stream(prompt(read, q), grammar='root ::= "No, " [^\\n]+')) == "live answer"
    assert live.calls == [None, None, 'root ::= "No, " [^\\n]+']
    assert llm.preference(prompt(read, q), "Yes", "No") == 1.5


def test_without_a_live_model_an_unrecorded_question_replays_as_a_refusal():
    llm = ReplayLLM({}, {}, "run")
    assert "".join(llm.stream(prompt(["A sentence."], "Who?"))) == REFUSAL_TEXT
    assert llm.preference(prompt([], "Who?"), "Yes", "No") is None
