"""Word-level matching shared by the citation verifier and the eval metrics."""

import re
from functools import lru_cache

import Stemmer

WORD = re.compile(r"[A-Za-z0-9]+(?:[’'\-.][A-Za-z0-9]+)*")
# A sentence ends at . ! ? (and closing quotes) before a capital, but not inside "U.S.", after
# a title ("Mr.", "Gov.", "Rep.") or a month before its day ("fired on Sept. 27"): a quote cut
# there ("Michigan State fired Mel Tucker on Sept.") answers nothing.
_TITLES = (
    r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bLt\.)(?<!\bFr\.)(?<!\bMt\.)"
    r"(?<!\b(?:Gov|Sen|Rep|Gen|Col|Sgt|Rev|Ave)\.)(?<!\b(?:Prof|Capt|Supt)\.)"
)
_MONTH_DAY = r"(?!(?:(?<=\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.)|(?<=\bSept\.))\s+\d)"
# Nor inside a fixture or a kick-off time: "Virginia Tech vs. Tulane", "2 p.m. ET on Wednesday"
# (natural-dev nat-010 and nat-012 read "Virginia Tech vs." and "Kickoff is scheduled for 2 p.m.").
_FIXTURE = r"(?<!\bvs\.)(?<!\bv\.)(?<!\bNo\.)"
_TIME_ZONE = (
    r"(?!(?<=[ap]\.m\.)\s+(?:ET|EST|EDT|PT|PST|PDT|CT|CST|CDT|MT|GMT|BST|UTC|AEDT|AEST|local)\b)"
)
SENTENCE_END = re.compile(
    r"(?<!\b[A-Z]\.)(?<!\b[A-Z]\.[A-Z]\.)"
    + _TITLES
    + _MONTH_DAY
    + _FIXTURE
    + _TIME_ZONE
    + r"(?<=[.!?])[\"”’)]*\s+"
    r"(?=[\"“‘(\[]?[A-Z0-9])"
)
# Function words and answer glue; they say nothing about whether a passage supports a claim.
STOPWORDS = frozenset(
    """a an the and or but if then than so of to in on at by for with from into onto about as
    is are was were be been being am do does did done has have had having will would shall should
    can could may might must it its it's this that these those there here he she they them his her
    their theirs him we us our you your i me my not no nor also very just more most such only
    which who whom whose what when where why how while after before during over under again
    further once both each few other some any all own same too s t according article articles
    passage passages said says say stated states mentioned mention mentions""".split()
)
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word.lower().replace("’", "'"))


def words(text: str) -> list[str]:
    return WORD.findall(text)


def _with_parts(tokens: list[str]) -> list[str]:
    """Each word, and the parts of a hyphenated one: an article's "Dublin-based" says "based in
    Dublin", and a draft saying so must find "Dublin" in it."""
    out = []
    for w in tokens:
        out.append(w)
        if "-" in w:
            out.extend(part for part in w.split("-") if part and not part.isdigit())
    return out


def content_stems(text: str, parts: bool = False) -> set[str]:
    """Stems of the words that carry meaning; with `parts`, also of each hyphenated word's parts
    (for what a source says, never for the claim checked against it: a claim must not count
    "Mar-a-Lago" as three words it got right)."""
    tokens = _with_parts(words(text)) if parts else words(text)
    return {stem(w) for w in tokens if w.lower() not in STOPWORDS}


def entity_stems(text: str) -> set[str]:
    """Names and numbers: the tokens a small model invents most (a prime minister, a date)."""
    found = set()
    for w in words(text):
        if w.lower() in STOPWORDS:
            continue
        if w[0].isupper() or any(c.isdigit() for c in w):
            found.add(stem(w))
    return found


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences (and headline lines) of a passage."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        pieces = SENTENCE_END.split(line.group(0))
        offset = start
        for piece in pieces:
            idx = text.find(piece, offset)
            if piece.strip():
                spans.append((idx, idx + len(piece)))
            offset = idx + len(piece)
    return spans


# An answer names companies ("Apple Inc."): not a sentence end there (nor at "v."/"vs.", which
# SENTENCE_END already keeps: "Epic v. Google").
ANSWER_SENTENCE_END = re.compile(r"(?<!\bInc\.)(?<!\bJr\.)(?<!\bCorp\.)" + SENTENCE_END.pattern)


def split_sentences(text: str) -> list[str]:
    """Sentences of an answer, their closing quotes and markers kept with them."""
    pieces, start = [], 0
    for m in ANSWER_SENTENCE_END.finditer(text):
        pieces.append(text[start : m.start()] + text[m.start() : m.end()].rstrip())
        start = m.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]
