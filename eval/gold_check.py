"""Checks a gold set against the articles it was written on.

Every accepted answer of an answerable question must occur (SQuAD-normalized, as the scorer
matches; a count up to twenty as a word or in digits) in one of the articles the item names in `evidence_article_ids`; a yes/no item, whose
answer is a verdict, needs an evidence quote instead. Every evidence quote must occur verbatim
(whitespace aside) in one of those articles. Unanswerable items name their topic article in
`topic_article_ids` (checked to exist); that no article answers them is the writer's reading,
which no string match can prove.
"""

from dataclasses import dataclass
from pathlib import Path

from eval.gold import GoldItem
from eval.normalize import contains_alias, normalize_answer, normalize_ws
from index.loaders import load_file

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()


def spellings(answer: str) -> list[str]:
    """An answer as written, and a small count the other way round ("12" is the article's
    "twelve"): readers write either, so a gold set lists both."""
    words = answer.lower().split()
    if len(words) == 1 and words[0] in NUMBER_WORDS:
        return [answer, str(NUMBER_WORDS.index(words[0]))]
    if answer.isdigit() and int(answer) < len(NUMBER_WORDS):
        return [answer, NUMBER_WORDS[int(answer)]]
    return [answer]


@dataclass(frozen=True)
class Problem:
    item_id: str
    message: str


def check_gold(items: list[GoldItem], articles_path: Path) -> list[Problem]:
    articles, problems = load_file(articles_path)
    if problems:
        raise ValueError(f"{articles_path}: {problems[0]}")
    bodies = {a.doc_id: f"{a.title}\n{a.body}" for a in articles}
    found = []
    for item in items:
        found.extend(_check_item(item, bodies))
    return found


def _check_item(item: GoldItem, bodies: dict[str, str]) -> list[Problem]:
    key = "evidence_article_ids" if item.answerable else "topic_article_ids"
    ids = item.extra.get(key) or []
    if not ids:
        return [Problem(item.id, f"names no article ('{key}')")]
    unknown = [i for i in ids if i not in bodies]
    if unknown:
        return [Problem(item.id, f"unknown article id {unknown[0]!r}")]
    texts = [bodies[i] for i in ids]
    out = []
    for quote in item.evidence:
        if not any(normalize_ws(quote) in normalize_ws(t) for t in texts):
            out.append(Problem(item.id, f"evidence not in its article: {quote[:60]!r}"))
    if not item.answerable:
        if item.answers:
            out.append(Problem(item.id, "an unanswerable item lists answers"))
        return out
    verdicts = {normalize_answer(a) for a in item.answers}
    if verdicts <= {"yes", "no"}:
        if not item.evidence:
            out.append(Problem(item.id, "a yes/no item needs an evidence quote"))
        return out
    for answer in item.answers:
        if not any(contains_alias(t, spellings(answer)) for t in texts):
            out.append(Problem(item.id, f"answer {answer!r} not in {', '.join(ids)}"))
    return out
