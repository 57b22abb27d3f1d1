"""Parse the many ways news records write a date into an ISO date."""

import re
from datetime import date

from dateutil import parser as dateparser

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_IN_TEXT = re.compile(rf"\b(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b")


def parse_date(value: str) -> str:
    """ISO date of `value`; ValueError when it is not a date."""
    value = value.strip()
    if not value:
        raise ValueError("empty date")
    parsed = dateparser.parse(value)
    return parsed.date().isoformat()


def date_in_text(text: str, window: int = 400) -> str | None:
    """The first date written in the opening of an article (its date line), if any."""
    match = _IN_TEXT.search(text[:window])
    if not match:
        return None
    try:
        return parse_date(match.group(0))
    except (ValueError, OverflowError):
        return None


def date_ordinal(iso: str) -> int:
    """Days since year 1: a number FAISS/BM25 metadata filters can compare."""
    return date.fromisoformat(iso).toordinal()
