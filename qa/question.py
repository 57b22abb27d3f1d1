"""Read a question like a news editor: what kind of answer it wants and which outlets it names.

A question that attributes claims to outlets ("as reported by TechCrunch and The Verge") is
answered from those outlets' articles; one that names an outlet the index has no article from
cannot be answered from the articles at all.
"""

import re
from dataclasses import dataclass

from index.dates import parse_date as date_iso
from qa.textmatch import STOPWORDS

# "Does/Did/Is/Was ... ?" asks for a verdict; "Who/Which/What ..." for a name or a fact.
# An opening clause ("Considering the reports by X and Y, which ...") before the question word.
_LEAD_WORD = r"(?:after|before|between|following|given|considering|based on|according to)\b"
_AUX = r"(?:does|did|do|is|was|were|are|has|have|had|can|could|would|will|should)\b"
_WH = r"(?:who|whom|whose|which|what)\b"
_LEAD = rf"^(?:{_LEAD_WORD}[^?]*?,\s*)?"
YES_NO_START = re.compile(_LEAD + _AUX, re.I)
ENTITY_START = re.compile(_LEAD + _WH, re.I)
# A capitalised name presented as the outlet of an article: "reported by X", "an article by X",
# "the X article". "Report" and "review" name outlets only in a question that speaks of news
# articles elsewhere ("an article by Forbes and a Reuters report"): "What did the Harvard report
# find?" names a study, not an outlet, and must not be refused for it.
_CAP = r"[A-Z][\w.&\-]*"
_PHRASE = rf"{_CAP}(?:\s+(?:of\s+|&\s+|-\s+)?{_CAP})*"


def _outlet_cue(before: str, after: str) -> re.Pattern:
    """ "<before> X" ("an article by X") or "X <after>" ("the X article")."""
    return re.compile(
        rf"\b(?:{before})\s+(?:an?\s+|the\s+)?(?P<a>{_PHRASE})"
        rf"|(?P<b>{_PHRASE})(?:['’]s)?\s+(?:{after})\b"
    )


CLEAR_OUTLET_CUE = _outlet_cue(
    r"reported by|published by|(?:article|piece|feature|story|coverage|another|one)s? "
    r"(?:by|from|in)",
    r"articles?|pieces?|story",
)
REPORT_OUTLET_CUE = _outlet_cue(r"(?:report|review)s? (?:by|from|in)", r"reports?|reviews?")
NEWS_WORDS = re.compile(
    r"\b(?:articles?|news|stories|story|pieces?|coverage|analys[ie]s|reporting|reported by|"
    r"published by)\b",
    re.I,
)
# Words that start a capitalised phrase but are not outlets.
NOT_OUTLETS = frozenset(
    """considering based after before between given following does did is was were has have
    which who what according the a an both another this that these those its their his her
    november october september december january february march april may june july august
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


# Where a compound question splits into the facts it strings together.
FACET_BREAK = re.compile(
    r"\s*(?:[,;]\s*(?:and|while|whereas|but|or)?\s*|\s(?:while|whereas|and also|but also|"
    r"as well as|compared to|in contrast to|and did|and was|and is|and has|and does)\s|"
    r"\s(?:before|after)\s(?=the\s|['\"A-Z]))",
    re.I,
)
MIN_FACET_WORDS = 4
MAX_FACETS = 6
# A facet must say something beyond which outlet reported when ("After the TechCrunch report
# on October 7"): that much matches every article of the outlet.
MIN_FACET_CONTENT = 3
FRAME_WORDS = frozenset(
    """article articles report reports reported reporting publish published story coverage
    news source sources piece subsequent later earlier first second third another same
    considering regarding concerning according""".split()
)
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
DATE = re.compile(
    rf"\b(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b"
)


@dataclass(frozen=True)
class QuestionPlan:
    kind: str  # "yes_no", "entity" or "open"
    sources: tuple[str, ...]  # indexed sources the question names, as the index spells them
    unknown_sources: tuple[str, ...]  # outlets it names that the index has no article from
    facets: tuple[str, ...] = ()  # the separate facts a compound question strings together
    dates: tuple[str, ...] = ()  # ISO days the question names ("published on October 7, 2023")


def question_dates(question: str) -> tuple[str, ...]:
    """Days written in the question; a day without a year takes the year written beside it."""
    found = list(DATE.finditer(question))
    years = [m.group("year") or (m.group("iso") or "")[:4] for m in found]
    year = next((y for y in years if y), None)
    days = []
    for m in found:
        text = m.group("iso") or f"{m.group('month')} {m.group('day')}, {m.group('year') or year}"
        if "None" in text:
            continue
        try:
            days.append(date_iso(text))
        except (ValueError, OverflowError):
            continue
    return tuple(dict.fromkeys(days))


def facets(question: str) -> tuple[str, ...]:
    """ "Does X report A, while Y implies B?" -> ("Does X report A", "Y implies B"): a multi-hop
    question's parts each match a different article, and the whole matches none of them well."""
    parts = [p.strip(" ?.,") for p in FACET_BREAK.split(question)]
    parts = [p for p in parts if len(p.split()) >= MIN_FACET_WORDS]
    if len(parts) < 2:
        return ()
    return tuple(p for p in parts if len(facet_content(p)) >= MIN_FACET_CONTENT)[:MAX_FACETS]


def facet_content(part: str) -> set[str]:
    """The words of a facet that are about the story, not about who reported it when."""
    text = DATE.sub(" ", part)
    words = {
        w.lower()
        for w in re.findall(r"[A-Za-z][A-Za-z'’\-]+", text)
        if w.lower() not in FRAME_WORDS and w.lower() not in STOPWORDS
    }
    return words


LEAD_WORD = re.compile("^" + _LEAD_WORD, re.I)
AUX = re.compile(_AUX, re.I)
WH = re.compile(_WH, re.I)
RELATIVE = re.compile(r"(?:which|who|that)\s+(?:\w+ed|is|was|were|are|has|had|have)\b", re.I)


# "What did Reuters and Axios say about …?" asks for what was said, not for a name; "Can you
# summarize …?" asks for a summary, not a verdict.
ASKS_WHAT_SAID = re.compile(
    r"^\s*what\s+(?:did|does|do|have|has|had)\b[^?]*\b(?:say|said|report|reported|write|wrote|"
    r"claim|reveal|find|found|argue|suggest|think|mean|tell|announce|describe|note)\b",
    re.I,
)
ASKS_A_TASK = re.compile(
    r"^\s*(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:summari[sz]e|explain|tell|describe|"
    r"list|give|show|outline|compare|walk)\b",
    re.I,
)


def answer_kind(question: str) -> str:
    q = question.strip()
    if ASKS_A_TASK.match(q) or ASKS_WHAT_SAID.match(q):
        return "open"
    if LEAD_WORD.match(q):
        # The question starts after the first comma followed by a question word: "Considering X,
        # which position, represented by a letter, did he hold" asks "which", not "did"; in
        # "After the report on November 6, 2023, did …" the comma after "6" is passed over.
        for comma in re.finditer(r",[\s\"'”’]*", q):
            rest = q[comma.end() :]
            if RELATIVE.match(rest):  # ", which discussed …": a clause about the report
                continue
            if WH.match(rest):
                return "entity"
            if AUX.match(rest):
                return "yes_no"
    if YES_NO_START.match(q):
        return "yes_no"
    if ENTITY_START.match(q):
        return "entity"
    return "open"


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9&' ]+|(?<![a-z])'|'(?![a-z])", " ", text)
    text = re.sub(r"^the ", "", " ".join(text.split()))
    return text


def source_aliases(source: str) -> set[str]:
    """ "The Roar | Sports Writers Blog" is cited as "The Roar"; "FOX News - Health" as "FOX News"."""
    names = {source}
    for sep in ("|", " - ", ":"):
        if sep in source:
            names.add(source.split(sep)[0])
    # "Cnbc | World Business News Leader" is also cited by its tagline ("a World Business News
    # Leader report"); a tagline of fewer words ("- Sports") names no outlet.
    head, bar, tail = source.partition("|")
    if bar and len(tail.split()) >= 3:
        names.add(tail)
    return {a for a in (_norm(n) for n in names) if a}


def _written_as_name(alias: str, question: str) -> bool:
    """The outlet's words stand in the question as a name: capitalised and not a list's name.
    "How much time …", "on the verge of …" and "Fortune 500 companies" name no outlet."""
    pattern = r"\b" + r"[\W_]+".join(re.escape(w) for w in alias.split()) + r"\b(?![\W_]*\d)"
    text = question.replace("’", "'")
    return any(m.group(0)[0].isupper() for m in re.finditer(pattern, text, re.I))


def named_sources(question: str, indexed: list[str]) -> tuple[str, ...]:
    """Indexed sources whose name (or its short form) the question contains, longest first."""
    q = f" {_norm(question)} "
    found: dict[str, int] = {}
    for source in indexed:
        for alias in source_aliases(source):
            pos = q.find(f" {alias} ")
            if pos >= 0 and _written_as_name(alias, question):
                found[source] = min(found.get(source, pos), pos)
    # "The Independent - Sports" and "The Independent - Life and Style" share "independent":
    # keep the specific one when its long name is in the question.
    specific = {s for s in found if f" {_norm(s)} " in q}
    keep = [
        s
        for s in found
        if s in specific
        or not any(t in specific and source_aliases(t) & source_aliases(s) for t in found)
    ]
    return tuple(sorted(keep, key=lambda s: found[s]))


def outlet_mentions(question: str, known: list[str] = ()) -> list[str]:
    """Capitalised names the question presents as the outlet of an article or report, other
    than the `known` outlet names (whose own words, "Live Science: The Most Interesting
    Articles", must not read as another outlet)."""
    for name in sorted(known, key=len, reverse=True):
        question = re.sub(re.escape(name), "Known", question, flags=re.I)
    names = []
    cues = [CLEAR_OUTLET_CUE] + ([REPORT_OUTLET_CUE] if NEWS_WORDS.search(question) else [])
    for m in (m for cue in cues for m in cue.finditer(question)):
        words = (m.group("a") or m.group("b")).strip(" ,.?").split()
        # "Considering the Bloomberg report": drop leading words that are not the name.
        while words and words[0].lower() in NOT_OUTLETS - {"the"}:
            words.pop(0)
        if words and words not in (["The"], ["Known"]):
            names.append(" ".join(words))
    return names


def plan_question(question: str, indexed_sources: list[str]) -> QuestionPlan:
    sources = named_sources(question, indexed_sources)
    known = set().union(*(source_aliases(s) for s in indexed_sources)) if indexed_sources else set()
    spelled = [*indexed_sources, *(a for s in indexed_sources for a in source_aliases(s))]
    unknown = [n for n in outlet_mentions(question, spelled) if _norm(n) not in known]
    return QuestionPlan(
        answer_kind(question),
        sources,
        tuple(dict.fromkeys(unknown)),
        facets(question),
        question_dates(question),
    )
