"""What kind of thing a question asks for, and whether a text holds one: a figure for "how
many/much", a time for "when", a name the question does not give for "who/which/where".
Shared by the verifier (a claim must hold it) and the quote fallback (a quote must)."""

import re

from qa.textmatch import STOPWORDS, content_stems, stem, words

MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
)
WHEN = re.compile(
    rf"\b(?:{MONTHS}|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|today|yesterday|tomorrow|tonight|week|month|year)\b|\b1[89]\d\d\b|"
    r"\b20\d\d\b|\d(?::\d\d)?\s?(?:a\.?m\.?|p\.?m\.?)",
    re.I,
)
# "How long …?" asks for a span ("three months", "a three-month program"), not a date.
DURATION = re.compile(
    r"\b(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"a|an|several|few|many|couple of)[\s-]+(?:more\s+|extra\s+)?"
    r"(?:second|minute|hour|day|night|week|month|year|decade|season|term)s?\b|"
    r"\b(?:overnight|since|until)\b",
    re.I,
)
FIGURE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred)\b")
# A date is not a count: "on Monday, October 23, 2023" does not say how many people live in
# Palm Beach (seed-natural seed-nat-23, a pushed answer). Written from that answer, not tuned.
DATE = re.compile(
    rf"\b\d{{4}}-\d\d-\d\d\b|\b(?:{MONTHS})\.?\s+\d{{1,2}}"
    r"(?:st|nd|rd|th)?\b(?:,?\s+\d{4}\b)?|\b(?:in|since|by|until|of)\s+(?:19|20)\d\d\b"
)
NAME = re.compile(r"(?<=\s)(?:[A-Z]|[a-z]+[A-Z])[\w'’.-]*")  # "Paris", "iOS"


def answers_kind(question: str, sentence: str) -> bool:
    """Whether a sentence holds the kind of thing the question asks for: a figure for "how
    many/much", a span for "how long", a time for "when", a name the question does not give for
    "who/which/where". A quote that only mentions the subject ("For more on the Military Bowl click here!")
    answers nothing."""
    q = question.strip().lower()
    if re.match(r"how\s+long\b", q):
        return bool(DURATION.search(sentence))
    if re.match(r"how\s+(?:many|much|old|far)\b", q):
        return bool(FIGURE.search(DATE.sub(" ", sentence)))
    if q.startswith("when") or q.startswith("what time") or q.startswith("what year"):
        return bool(WHEN.search(sentence))
    if re.match(r"\s*(?i:who)\s+(?i:is|was|are|were)\s+[A-Z]", question):
        return True  # "Who is Anna Kelly?" asks what she is, not for another name
    if re.match(r"(?:who|whom|whose|which|where)\b", q):
        asked = set(content_stems(question))
        # The first word counts too ("Schumer hosted …"); a capitalised function word does not.
        names = [m.group(0) for m in NAME.finditer(" " + sentence)]
        return any(
            stem(w) not in asked
            for name in names
            for w in words(name)
            if w.lower() not in STOPWORDS
        )
    return True
