"""What kind of thing a question asks for, and whether a text holds one: a figure for "how
many/much", a time for "when", a name the question does not give for "who/which/where".
Shared by the verifier (a claim must hold it) and the quote fallback (a quote must)."""

import re
from dataclasses import dataclass

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
MONTH_DAY = rf"\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?"  # "Oct. 23", "October 23rd"
DATE = re.compile(
    rf"\b\d{{4}}-\d\d-\d\d\b|{MONTH_DAY}\b(?:,?\s+\d{{4}}\b)?|"
    r"\b(?:in|since|by|until|of)\s+(?:19|20)\d\d\b"
)
# A number that labels rather than counts: "Saturday's Week 7 game" says nothing of how many
# people were there (natural-dev nat-139, a pushed answer). Written from that answer.
LABEL = re.compile(
    r"\b(?:week|game|round|stage|matchday|day|no\.|number|chapter|season|episode|part|phase|"
    r"level|grade|gen|series|version|pick|seed)\s+\d+\b",
    re.I,
)


def labels(text: str) -> frozenset[tuple[str, str]]:
    """ "Week 10" -> {("week", "10")}."""
    return frozenset((m[0].split()[0].lower(), m[0].split()[-1]) for m in LABEL.finditer(text))


def other_label(asked: frozenset[tuple[str, str]], claim: str) -> str | None:
    """The label of another number a claim gives where the question asks one ("in Week 12"
    for "How many yards did Ja'Marr Chase have in Week 10?": natural-dev nat-131, a pushed
    answer), unless the claim also gives the asked one."""
    said = labels(claim)
    if not asked or asked & said:
        return None
    kinds = {kind for kind, _ in asked}
    other = sorted(f"{kind} {n}" for kind, n in said if kind in kinds)
    return other[0] if other else None


# "How much time/longer …" asks for a span; any other "how much" for an amount, which "seven
# years of revenue" is not (natural-dev nat-135: "How much will Amazon pay NASCAR each year?").
ASKS_TIME = re.compile(r"\bhow\s+much\s+(?:time|longer|later|earlier|sooner)\b", re.I)
# "What was the final score …?" is answered by a score, not a heading that names one ("USC vs.
# Notre Dame score", natural-dev nat-081, a quote).
SCORE_QUESTION = re.compile(r"what\s+(?:was|is|were)\s+the\s+(?:final\s+)?scores?\b")
SCORE = re.compile(
    r"\b\d+\s*[-–—]\s*\d+\b|\b\d+\s+to\s+\d+\b|\b\d+,\s+[A-Z][\w.'’ ]{1,30}?\s\d+\b"  # "Blackhawks 4, Penguins 2"
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
    # A size is a figure too: "How big will the stabilization force be?" is not answered by who
    # sets it up (seed-natural seed-nat-25, a pushed answer).
    if re.match(r"how\s+(?:many|much|old|far|big|large|tall|heavy|wide|deep)\b", q):
        counted = LABEL.sub(" ", DATE.sub(" ", sentence))
        if q.startswith("how much") and not ASKS_TIME.match(q):
            counted = DURATION.sub(" ", counted)
        return bool(FIGURE.search(counted))
    if SCORE_QUESTION.match(q):
        return bool(SCORE.search(sentence))
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


# The year a question asks about ("in 2019", "last year"), to hold against the years a cited
# sentence states: AfroFuture's "In 2019 alone … $2.1 billion" does not say what it made last
# year (natural-dev nat-118). A full date ("October 5, 2023") names an article, not the figure's
# year, so only a bare year counts. Written from that example, not tuned on a score.
YEAR = re.compile(r"(?<![\d-])(?:19|20)\d\d(?![\d-])")
RELATIVE_YEAR = re.compile(r"\b(last|this|next)\s+year\b", re.I)
YEAR_OFFSET = {"last": -1, "this": 0, "next": 1}
FULL_DATE = re.compile(rf"{MONTH_DAY},?\s+\d{{4}}\b")


@dataclass(frozen=True)
class Years:
    """Years a text names: its bare years, and "last/this/next year" as offsets from the year
    it was published (resolved once that is known)."""

    bare: frozenset[int] = frozenset()
    offsets: frozenset[int] = frozenset()

    @classmethod
    def of(cls, text: str) -> "Years":
        text = FULL_DATE.sub(" ", text)
        return cls(
            frozenset(int(y) for y in YEAR.findall(text)),
            frozenset(YEAR_OFFSET[m.lower()] for m in RELATIVE_YEAR.findall(text)),
        )

    def __bool__(self) -> bool:
        return bool(self.bare or self.offsets)

    def resolved(self, published_at: str | None) -> frozenset[int]:
        """Calendar years; offsets only when the publication year is known."""
        year = published_year(published_at)
        return self.bare | frozenset(year + o for o in self.offsets if year is not None)


def published_year(published_at: str | None) -> int | None:
    m = re.match(r"\s*((?:19|20)\d\d)", published_at or "")
    return int(m.group(1)) if m else None


def other_year(asked: Years, sentences: list[tuple[str, str | None]]) -> frozenset[int]:
    """The years the (text, published_at) sentences state when none of them states a year the
    question asks about (empty: they agree, or state none, or the asked year is unknown)."""
    stated: set[int] = set()
    for text, published_at in sentences:
        own = Years.of(text)
        if not own:
            continue
        if own.offsets & asked.offsets and not asked.bare:
            return frozenset()  # "last year" answers "last year", whatever the date
        wanted = asked.resolved(published_at)
        if not wanted:
            return frozenset()
        years = own.resolved(published_at)
        if years & wanted:
            return frozenset()
        stated |= years
    return frozenset(stated)
