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
from qa.textmatch import STOPWORDS, content_stems, stem, words
from qa.types import Citation

WHEN = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|today|yesterday|tomorrow|tonight|week|month|year)\b|\b1[89]\d\d\b|"
    r"\b20\d\d\b|\d(?::\d\d)?\s?(?:a\.?m\.?|p\.?m\.?)",
    re.I,
)
FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred)\b")
NAME = re.compile(r"(?<=\s)[A-Z][\w'’.-]+")


def answers_kind(question: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of thing the question asks for: a figure for "how
    many/much", a time for "when", a name the question does not give for "who/which/where".
    A quote that only mentions the subject ("For more on the Military Bowl click here!")
    answers nothing."""
    q = question.strip().lower()
    if re.match(r"how\s+(?:many|much|long|old|far)\b", q):
        return bool(FIGURE.search(sentence))
    if q.startswith("when") or q.startswith("what time") or q.startswith("what year"):
        return bool(WHEN.search(sentence))
    if re.match(r"(?:who|whom|whose|which|where)\b", q):
        asked = set(content_stems(question))
        names = [m.group(0) for m in NAME.finditer(sentence) if m.group(0).lower() not in STOPWORDS]
        return any(stem(w) not in asked for name in names for w in words(name))
    return True


def quote_answer(evidence: list[Evidence], min_score: float, question: str = "") -> Verified | None:
    ranked = sorted(evidence, key=lambda e: -e.score)
    best = next((e for e in ranked if answers_kind(question, e.text)), None)
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
