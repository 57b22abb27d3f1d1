"""When outlets give different figures for the same thing, the answer says so.

A death toll rises, an amount is corrected, one outlet rounds: asked "How many people died?", a
reader is served worse by one figure, cited, than by both with who said them and when. The
sentences compared are the evidence the model read; each must be about what the question asks
(most of its words, and the counted thing of a "how many" question) and give exactly one figure,
so a sentence listing several numbers never stands for one of them.
"""

import re
from dataclasses import dataclass, replace

from qa.citations import HOW_MANY, Verified
from qa.evidence import Evidence
from qa.textmatch import content_stems
from qa.types import Citation

ASKS_FIGURE = re.compile(
    r"^\s*(?:how\s+(?:many|much)\b|what\s+(?:is|was|were|are)\s+the\s+"
    r"(?:death\s+toll|toll|number|amount|total|price|cost|figure)\b)",
    re.I,
)
# A figure: an amount with its currency and scale, a percentage, or a count. Years and days of
# a date are not figures of a toll or an amount.
FIGURE = re.compile(
    r"(?<![\w.,])(?P<cur>[$£€])?\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?P<scale>\s?(?:million|billion|trillion|bn|m|k|per\s?cent|percent|%))?(?![\w,]*\d)",
    re.I,
)
MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATE_NUMBER = re.compile(rf"{MONTHS}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTHS}", re.I)
SCALES = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12, "k": 1e3}
# Share of the question's content words a sentence (or its title) must hold to be about the
# question: the verifier's MIN_COVERAGE, not tuned here (no gold set has outlets disagreeing;
# tests/test_natural_answers.py builds one).
MIN_SHARED = 0.6
QUESTION_FRAME = frozenset({"mani", "much", "number", "total", "figur", "amount"})


@dataclass(frozen=True)
class Reading:
    figure: str  # as written ("31", "$4.2 million")
    value: tuple[str, float]  # (unit, number in units) for comparing
    evidence: Evidence


def figures(text: str) -> list[tuple[str, tuple[str, float]]]:
    """The figures a sentence gives, without years and the days of dates."""
    text = DATE_NUMBER.sub(" ", text)
    found = []
    for m in FIGURE.finditer(text):
        number = float(m.group("num").replace(",", ""))
        scale = (m.group("scale") or "").strip().lower().replace(" ", "")
        if not m.group("cur") and not scale and 1900 <= number <= 2100 and "." not in m.group(0):
            continue  # a year
        if scale.startswith("per") or scale == "%":
            unit, value = "%", number
        else:
            unit, value = m.group("cur") or "", number * SCALES.get(scale, 1.0)
        found.append((" ".join(m.group(0).split()), (unit, value)))
    return found


def about_the_question(question: str, e: Evidence) -> bool:
    asked = content_stems(question) - QUESTION_FRAME
    if not asked:
        return False
    said = content_stems(e.text, parts=True) | content_stems(e.passage.title or "", parts=True)
    if len(asked & said) < MIN_SHARED * len(asked):
        return False
    counted = HOW_MANY.search(question)
    return not counted or bool(content_stems(counted.group(1)) & content_stems(e.text))


def readings(question: str, evidence: list[Evidence]) -> list[Reading]:
    """One figure per outlet (its best sentence first), from sentences about the question."""
    out: dict[str, Reading] = {}
    for e in sorted(evidence, key=lambda e: -e.score):
        outlet = e.passage.source or e.passage.doc_id
        if outlet in out or not about_the_question(question, e):
            continue
        found = figures(e.text)
        if len(found) == 1:
            out[outlet] = Reading(found[0][0], found[0][1], e)
    return list(out.values())


@dataclass
class Disagreement:
    """A figure question the verified answer answers, where another outlet's sentence gives
    a different figure: both, with outlet and date, each cited."""

    def applies(self, d, result: Verified) -> bool:
        return not result.refused and bool(ASKS_FIGURE.search(d.question))

    def run(self, d, result: Verified) -> Verified | None:
        found = readings(d.question, d.evidence)
        values = {r.value for r in found}
        if len(found) < 2 or len(values) < 2 or len({u for u, _ in values}) > 1:
            return None
        found.sort(key=lambda r: (r.evidence.passage.published_at or "", r.value[1]))
        citations, parts = [], []
        for n, r in enumerate(found, start=1):
            p = r.evidence.passage
            when = f" on {p.published_at[:10]}" if p.published_at else ""
            parts.append(f"{r.figure} according to {p.source or p.title}{when} [{n}]")
            e = r.evidence
            citations.append(Citation(n, p, e.text, e.start, e.end))
        text = "The articles give different figures: " + "; ".join(parts) + "."
        note = f"outlets disagree: {[r.figure for r in found]}; replaced {result.text!r}"
        return replace(result, text=text, citations=citations, notes=(*result.notes, note))
