"""When the model refuses but one evidence sentence plainly answers: quote it, cited.

The 1.5B model says "The articles don't say." to questions whose answer sits in the sentence it
was given, mostly when the question is worded unlike the article. A quote cannot be invented, so
the risk is only that the quoted sentence does not answer; the score floor (MiniLM cosine plus
the share of the question's content words the sentence holds) is set where, on the gold sets,
no unanswerable question reaches it.
"""

import re

from qa.citations import Verified
from qa.evidence import Evidence
from qa.focus import answers_kind
from qa.types import Citation


def quote_answer(evidence: list[Evidence], min_score: float, question: str = "") -> Verified | None:
    ranked = sorted(evidence, key=lambda e: -e.score)
    # The question's own numbers ("in Week 10") must be in the quote: a sentence about Week 12
    # answers another question.
    numbers = set(re.findall(r"\d+", question))
    best = next(
        (
            e
            for e in ranked
            if answers_kind(question, e.text) and numbers <= set(re.findall(r"\d+", e.text))
        ),
        None,
    )
    if best is None or best.score < min_score:
        return None
    text = " ".join(best.text.split())
    note = f"model refused; quoted sentence [{best.n}] (score {best.score:.2f} >= {min_score})"
    return Verified(
        f"The articles say: “{text.rstrip()}” [1]",
        [Citation(1, best.passage, best.text, best.start, best.end)],
        False,
        notes=(note,),
    )
