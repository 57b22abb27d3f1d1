"""What the LLM is told. Kept short: every prompt token costs ~9 ms on two cores."""

from qa.types import Passage, Turn

REFUSAL_TEXT = "The articles don't say."

SYSTEM = (
    "Answer the question in one or two sentences using only the numbered news passages. "
    "After each sentence, cite the passage it comes from in brackets, like [2]. "
    f"If the passages do not answer the question, say: {REFUSAL_TEXT}"
)

REWRITE = (
    "Rewrite the user's last question so it can be understood without the conversation: "
    "replace pronouns and vague references with the names they refer to. Keep it a question. "
    "Output only the rewritten question."
)


def format_passages(passages: list[Passage]) -> str:
    blocks = []
    for i, p in enumerate(passages, start=1):
        head = ", ".join(x for x in (p.title, p.source, p.published_at) if x)
        blocks.append(f"[{i}] ({head})\n{p.text.strip()}")
    return "\n\n".join(blocks)


def answer_messages(question: str, passages: list[Passage], history: list[Turn]) -> list[dict]:
    """The conversation goes to generation as it was; the passages ride on the last turn."""
    messages = [{"role": "system", "content": SYSTEM}]
    for turn in history[-6:]:
        messages.append({"role": turn.role, "content": turn.content})
    messages.append(
        {
            "role": "user",
            "content": f"Passages:\n{format_passages(passages)}\n\nQuestion: {question}",
        }
    )
    return messages


def rewrite_messages(question: str, history: list[Turn]) -> list[dict]:
    convo = "\n".join(f"{t.role}: {t.content}" for t in history[-6:])
    return [
        {"role": "system", "content": REWRITE},
        {"role": "user", "content": f"Conversation:\n{convo}\n\nLast question: {question}"},
    ]
