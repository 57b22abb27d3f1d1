"""What the LLM is told. Kept short: every prompt token costs ~20 ms on two cores."""

from qa.evidence import Evidence
from qa.types import Turn

REFUSAL_TEXT = "The articles don't say."

_CITE = "Cite the numbered sentences you used in brackets, like [2]."
SYSTEM = {
    # The small model refuses comparisons it could decide; a verdict is asked for, and the
    # verifier checks that the reason it gives is in the sentences it cites.
    "yes_no": (
        "Answer the question from the numbered sentences of news articles. Start with Yes or No, "
        f"then give the reason in one sentence. {_CITE}"
    ),
    # A one-part yes/no question ("Did the EU block the deal?") may be one the articles cannot
    # decide; a comparison of two articles is decided on them (MultiHop-RAG's yes/no questions).
    "yes_no_or_refuse": (
        "Answer the question from the numbered sentences of news articles. Start with Yes or No, "
        f"then give the reason in one sentence. {_CITE} "
        f"If the sentences do not decide the question, say: {REFUSAL_TEXT}"
    ),
    "entity": (
        "Answer the question from the numbered sentences of news articles. Start with the short "
        f"answer (a name or a phrase), then say in one sentence what the articles report about it. "
        f"{_CITE} "
        f"If the sentences do not answer the question, say: {REFUSAL_TEXT}"
    ),
    "open": (
        "Answer the question in one or two sentences using only the numbered sentences of news "
        f"articles. {_CITE} If the sentences do not answer the question, say: {REFUSAL_TEXT}"
    ),
}

# Grammars (llama.cpp GBNF) that fix the opening of a reply; the rest is free text the verifier
# checks. Other backends ignore them and rely on the instructions.
GRAMMARS = {
    "yes_no": 'root ::= ("Yes" | "No") ", " [^\\n]+',
}

# A second look after an unsure refusal: any reply but one opening "The articles" (the refusal).
NO_REFUSAL = (
    "root ::= opening [^\\n]*\n"
    'opening ::= [^T\\n] | "T" [^h\\n] | "Th" [^e\\n] | "The" [^ \\n] | "The " [^a\\n] '
    '| "The a" [^r\\n]'
)

REWRITE = (
    "Rewrite the user's last question so it can be understood without the conversation: "
    "replace pronouns and vague references with the names they refer to. Keep it a question. "
    "Output only the rewritten question."
)


def format_evidence(evidence: list[Evidence]) -> str:
    lines = []
    for e in evidence:
        p = e.passage
        head = ", ".join(x for x in (p.source, (p.published_at or "")[:10]) if x)
        head = f"({head}) " if head else ""
        lines.append(f"[{e.n}] {head}{' '.join(e.text.split())}")
    return "\n".join(lines)


def answer_messages(
    question: str, evidence: list[Evidence], history: list[Turn], kind: str = "open"
) -> list[dict]:
    """The conversation goes to generation as it was; the evidence rides on the last turn."""
    messages = [{"role": "system", "content": SYSTEM[kind]}]
    for turn in bounded(history):
        messages.append({"role": turn.role, "content": turn.content})
    messages.append(
        {
            "role": "user",
            "content": f"Sentences:\n{format_evidence(evidence)}\n\nQuestion: {question}",
        }
    )
    return messages


def answer_openings() -> list[list[dict]]:
    """How every answer prompt starts, one per kind: the part a prompt cache can keep."""
    return [
        [{"role": "system", "content": system}, {"role": "user", "content": "Sentences:\n"}]
        for system in SYSTEM.values()
    ]


def rewrite_messages(question: str, history: list[Turn]) -> list[dict]:
    convo = "\n".join(f"{t.role}: {t.content}" for t in bounded(history))
    return [
        {"role": "system", "content": REWRITE},
        {"role": "user", "content": f"Conversation:\n{convo}\n\nLast question: {question}"},
    ]


# Earlier turns are context, not the subject: the last few, each cut short, so a long
# conversation cannot push the evidence out of the LLM's context window.
HISTORY_TURNS = 6
TURN_CHARS = 600


def bounded(history: list[Turn]) -> list[Turn]:
    return [
        Turn(t.role, t.content if len(t.content) <= TURN_CHARS else t.content[:TURN_CHARS] + "…")
        for t in history[-HISTORY_TURNS:]
    ]
