"""SQuAD-style answer normalization, containment and token F1."""

import re
import string
from collections import Counter

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = set(string.punctuation) | set("“”‘’–—")


_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and articles, collapse whitespace (as SQuAD's evaluator);
    a day's ordinal is its number ("November 16th" is "November 16")."""
    text = _ORDINAL.sub(r"\1", text.lower().replace("’", "'"))
    text = "".join(ch if ch not in _PUNCT else " " for ch in text)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def normalize_ws(text: str) -> str:
    return " ".join(text.split())


def contains_alias(prediction: str, aliases: list[str] | tuple[str, ...]) -> bool:
    pred = f" {normalize_answer(prediction)} "
    return any(f" {normalize_answer(a)} " in pred for a in aliases if normalize_answer(a))


def token_f1(prediction: str, reference: str) -> float:
    pred = normalize_answer(prediction).split()
    ref = normalize_answer(reference).split()
    if not pred or not ref:
        return float(pred == ref)
    common = Counter(pred) & Counter(ref)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(pred), overlap / len(ref)
    return 2 * precision * recall / (precision + recall)


def best_f1(prediction: str, aliases: list[str] | tuple[str, ...]) -> float:
    return max((token_f1(prediction, a) for a in aliases), default=0.0)
