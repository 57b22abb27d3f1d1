"""Names the evidence offers as the answer to a "which company / who" question.

A multi-hop "which company ... according to The Verge, ... as TechCrunch reported" question is
answered by the name its several articles have in common. The 1.5B model often refuses such a
question although every article is in front of it (no single sentence says it all); given the few
names the evidence repeats across articles, it can pick one, under a grammar that allows only those
names or "none".
"""

import re
from dataclasses import dataclass

from qa.evidence import Evidence
from qa.textmatch import STOPWORDS

# Runs of capitalised words ("Sam Bankman-Fried", "Golden State Warriors", "OpenAI", "FTX").
NAME = re.compile(r"[A-Z][\w’'&.-]*[\w&](?:\s+(?:of\s+|de\s+|&\s+)?[A-Z][\w’'&.-]*[\w&])*|[A-Z]")
# Capitalised for grammar, not because they name anything.
NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december mr mrs ms dr ceo cfo ai us u.s uk
    according however meanwhile also still yet after before while when where what which who why
    how if its his her their our we you they he she it i this that these those there here
    said says report reports article articles news today yesterday published updated posted
    read more share""".split()
)
MAX_CANDIDATES = 8
# Titles end one name and start the next: "OpenAI COO Brad Lightcap" is OpenAI and Brad Lightcap.
TITLES = frozenset(
    """ceo coo cto cfo chief president chairman chairwoman chair founder cofounder co-founder
    director minister secretary senator governor judge prosecutor spokesperson analyst editor
    reporter coach manager executive""".split()
)


@dataclass(frozen=True)
class Candidate:
    name: str
    articles: int  # distinct articles whose evidence sentences name it
    mentions: int
    sentences: tuple[int, ...]  # evidence indexes naming it, best first


def names_in(text: str, common: set[str] = frozenset()) -> list[str]:
    """Capitalised names; `common` holds words seen in lower case, which a capital at the start
    of a sentence does not make a name ("Published", "Initially", "Turning")."""
    found = []
    text = text.replace("’", "'")
    for m in NAME.finditer(text):
        before = text[: m.start()].rstrip()
        opening = not before or before[-1] in ".!?:;\"'(“"
        # "Google's ChatGPT" is two names, and so is "OpenAI COO Brad Lightcap".
        pieces = re.split(r"'s\b\s*", m.group(0))
        pieces = [
            " ".join(run)
            for piece in pieces
            for run in _split_at_titles(piece.split())
        ]  # fmt: skip
        for k, part in enumerate(pieces):
            words = part.split()
            while words and (
                words[0].lower() in STOPWORDS
                or words[0].lower() in NOT_NAMES
                or (opening and k == 0 and words[0].lower() in common)
                or (opening and k == 0 and words[0].lower().endswith("ly"))
            ):
                words.pop(0)  # "The Federal Reserve" -> "Federal Reserve"
            name = " ".join(words).rstrip(".")
            if len(name) > 1 and "'" not in name and name.lower() not in NOT_NAMES:
                found.append(name)
    return found


def _split_at_titles(words: list[str]) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for w in words:
        if w.lower() in TITLES:
            runs.append([])
        else:
            runs[-1].append(w)
    return [r for r in runs if r]


def lower_words(texts: list[str]) -> set[str]:
    return {w for t in texts for w in re.findall(r"\b[a-z][a-z-]+\b", t)}


def answer_candidates(
    evidence: list[Evidence], question: str, exclude: tuple[str, ...] = ()
) -> list[Candidate]:
    """Names in the evidence but not in the question (nor the outlets), most articles first."""
    asked = question.lower()
    excluded = [x.lower() for x in exclude]
    common = lower_words([e.text for e in evidence] + [question])
    docs: dict[str, set[str]] = {}
    mentions: dict[str, list[int]] = {}
    for i, e in enumerate(evidence):
        for name in names_in(e.text, common):
            low = name.lower()
            if low in asked or any(low in x or x in low for x in excluded):
                continue
            docs.setdefault(name, set()).add(e.passage.doc_id)
            mentions.setdefault(name, []).append(i)
    # "Bankman-Fried" and "Sam Bankman-Fried": the full name takes the surname's articles (a
    # name it ends with; "OpenAI" is not "OpenAI Dev Day").
    for short in list(docs):
        for full in docs:
            if full != short and full.endswith(" " + short):
                docs[full] |= docs[short]
                mentions[full] = sorted(set(mentions[full]) | set(mentions[short]))
    ranked = sorted(
        (Candidate(n, len(docs[n]), len(mentions[n]), tuple(dict.fromkeys(mentions[n])))
         for n in docs),
        key=lambda c: (-c.articles, -c.mentions, c.sentences[0]),
    )  # fmt: skip
    # Drop a short form when one full name holds it ("Bankman-Fried"); keep it when several do
    # ("ChatGPT" of "ChatGPT Plus" and "ChatGPT Enterprise").
    names = [c.name for c in ranked]
    ranked = [
        c for c in ranked
        if sum(o != c.name and o.endswith(" " + c.name) for o in names) != 1
    ]  # fmt: skip
    return ranked[:MAX_CANDIDATES]


# A company, platform or product goes by its own name ("OpenAI", not the "Azure OpenAI" the
# passages also mention); a person or a team is written in full ("Sam Altman").
NAMED_ALONE = re.compile(
    r"\b(?:which|what|name of the)\s+(?:[\w-]+\s+){0,2}?(?:compan(?:y|ies)|organi[sz]ations?|platforms?|"
    r"institutions?|entit(?:y|ies)|products?|firms?|startups?|exchanges?|services?|apps?|"
    r"models?|sportsbooks?|brands?|countr(?:y|ies)|tools?|chatbots?|networks?|outlets?|"
    r"cryptocurrenc(?:y|ies))\b",
    re.I,
)


def wants_full_name(question: str) -> bool:
    return not NAMED_ALONE.search(question)


def full_form(name: str, texts: list[str]) -> str:
    """The name as the articles write it in full: the pick "Warriors" is "Golden State
    Warriors", "Altman" is "Sam Altman", when the passages it was read in say so. A one-word
    name only, and only when one longer form ending in it is the most common there."""
    if len(name.split()) != 1:
        return name
    common = lower_words(texts)
    longer: dict[str, int] = {}
    for text in texts:
        for found in names_in(text, common):
            if found.endswith(" " + name):
                longer[found] = longer.get(found, 0) + 1
    ranked = sorted(longer.items(), key=lambda kv: -kv[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return name  # "Warriors" of two teams equally often: not ours to choose
    return ranked[0][0]


# Articles the leading shared name must join before it can outvote the model's answer.
OUTVOTE_ARTICLES = 3


def names(candidate: Candidate, text: str) -> bool:
    """The answer names the candidate, in full or by its last word ("Bankman-Fried")."""
    last = candidate.name.split()[-1]
    return candidate.name in text or re.search(rf"\b{re.escape(last)}\b", text) is not None


def outvoted(answer: str, candidates: list[Candidate], articles: int = OUTVOTE_ARTICLES) -> bool:
    """A joining question's answer names no name that OUTVOTE_ARTICLES articles give, while
    another name is (MultiHop-RAG dev sample: the model named "Matt Huang" and "Wang" where
    three and five articles named Bankman-Fried). A strong name in the answer stands, even
    behind a stronger one: "the All Blacks" (three articles) against "Rugby World Cup" (four)."""
    strong = [c for c in candidates if c.articles >= articles]
    return bool(strong) and not any(names(c, answer) for c in strong)


def choice_grammar(candidates: list[Candidate]) -> str:
    """GBNF allowing exactly one of the names, or "none"."""
    options = " | ".join(_gbnf_string(c.name) for c in candidates)
    return f'root ::= {options} | "none"'


def _gbnf_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def choice_instruction(candidates: list[Candidate]) -> str:
    names = ", ".join(c.name for c in candidates)
    return (
        f"\n\nWhich of these do the sentences show to be the answer: {names}? "
        "Reply with the name only, or none if the sentences do not show it."
    )
