"""Answers: accuracy (normalized answer contains an accepted alias), token F1, CRAG score.

Yes/no gold answers are judged by the answer's verdict (its first word, else the only one of
yes/no it uses), not by containment.

CRAG-style score: +1 a correct answer, 0 a refusal, -1 a wrong answer; on an unanswerable question
a refusal is the correct answer (+1) and any answer is wrong (-1). Honesty beats invention.
"""

import re

from eval.normalize import best_f1, contains_alias, normalize_answer

MARKERS = re.compile(r"\s*\[\d+\]")


def score(
    answer: str, refused: bool, answerable: bool, aliases: list[str]
) -> tuple[bool, float, int]:
    """(correct, F1, CRAG) of one answer."""
    text = MARKERS.sub("", answer or "")
    if not answerable:
        return refused, float(refused), 1 if refused else -1
    if refused or not text.strip():
        return False, 0.0, 0
    verdicts = {normalize_answer(a) for a in aliases}
    if verdicts and verdicts <= {"yes", "no"}:
        # "Yes, there was no change" must not count for gold "No": judge the verdict.
        correct = verdict(text) in verdicts
    else:
        correct = contains_alias(text, aliases)
    return correct, best_f1(text, aliases), 1 if correct else -1


def verdict(answer: str) -> str | None:
    """The yes/no an answer gives: its first word, else the only one of the two it uses."""
    words = normalize_answer(answer).split()
    if words and words[0] in ("yes", "no"):
        return words[0]
    used = {"yes", "no"} & set(words)
    return used.pop() if len(used) == 1 else None


def summarize(rows) -> dict:
    done = [r for r in rows if r.refused is not None]
    answerable = [r for r in done if r.answerable]
    if not done:
        return {}
    return {
        "accuracy": sum(bool(r.correct) for r in answerable) / max(len(answerable), 1),
        "f1": sum(r.f1 or 0.0 for r in answerable) / max(len(answerable), 1),
        "crag": sum(r.crag or 0 for r in done) / len(done),
        "answered": sum(not r.refused for r in answerable) / max(len(answerable), 1),
        "n": len(done),
    }
