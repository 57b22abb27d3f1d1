"""Verify the LLM's citations against the passages instead of trusting them.

Each answer sentence must be supported by the passage it cites: every name and number in it
appears in the passage, and most of its content words do. A wrong marker is re-pointed to the
passage that does support the sentence; a sentence no passage supports is dropped. Citations are
renumbered densely in order of first use, each with the passage sentence that supports it.
"""

import re
from dataclasses import dataclass

from qa.textmatch import (
    SENTENCE_END,
    content_stems,
    entity_stems,
    sentence_spans,
    split_sentences,
)
from qa.types import Citation, Passage

MARKER = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")
PASSAGE_REF = re.compile(r"\(?\b(?:in |from |see )?passages? \[?(\d+)\]?\)?", re.I)
META_SENTENCE = re.compile(
    r"^(?:this|that|it)(?: information)? (?:is|was|can be) (?:stated|cited|mentioned|found|given|"
    r"noted|described|shown|seen)\b",
    re.I,
)
REFUSAL = re.compile(
    r"articles? (?:do(?:es)?n[’']?t|do(?:es)? not) (?:say|mention|state|contain|provide|specify)|"
    r"passages? (?:do(?:es)?n[’']?t|do(?:es)? not) (?:say|mention|state|contain|provide|specify)|"
    r"\bnot (?:mentioned|stated|specified|provided|given) in\b|"
    r"\bno (?:information|mention)\b|\bnot in articles\b|\bcannot (?:answer|determine)\b|"
    r"\bunable to (?:answer|determine)\b|\bdoes not (?:say|specify|mention)\b",
    re.I,
)
MIN_COVERAGE = 0.6  # share of a claim's content words that the passage must contain
MAX_SENTENCES = 3
SHORT_CLAIM = 4  # content words; claims this short must be covered entirely


@dataclass(frozen=True)
class Claim:
    text: str  # the sentence without markers
    cited: tuple[int, ...]  # 1-based passage numbers as the LLM wrote them


@dataclass(frozen=True)
class Verified:
    text: str  # answer with dense, verified markers
    citations: list[Citation]
    refused: bool
    repointed: int = 0  # markers moved to the passage that supports the sentence
    dropped: int = 0  # sentences no passage supports


def past_sentence_limit(text: str) -> bool:
    """True once the text has started a sentence beyond the ones the verifier keeps."""
    return len(SENTENCE_END.findall(text)) >= MAX_SENTENCES


def is_refusal(text: str) -> bool:
    return bool(REFUSAL.search(text))


def split_claims(answer: str) -> list[Claim]:
    """Sentences with the markers that follow them (also markers after the full stop)."""
    text = PASSAGE_REF.sub(lambda m: f"[{m.group(1)}]", answer.strip())
    pieces = [p for p in split_sentences(text) if p.strip()]
    claims: list[Claim] = []
    for piece in pieces:
        lead = LEADING_MARKERS.match(piece)
        if lead and claims:
            # "… apology. [2] They meet …": markers opening a sentence close the one before.
            moved = tuple(
                int(n) for group in MARKER.findall(lead.group(0)) for n in group.split(",")
            )
            claims[-1] = Claim(claims[-1].text, claims[-1].cited + moved)
            piece = piece[lead.end() :]
        cited = tuple(int(n) for group in MARKER.findall(piece) for n in group.split(","))
        body = MARKER.sub("", piece).strip()
        if not re.search(r"[A-Za-z0-9]", body.strip(".!? ")) or META_SENTENCE.match(body):
            # "[2]." alone or "This is stated in passage [2].": the marker belongs to the claim before.
            if claims and cited:
                prev = claims[-1]
                claims[-1] = Claim(prev.text, prev.cited + cited)
            continue
        claims.append(Claim(body, cited))
    return claims


def support(claim: str, passage: Passage) -> tuple[float, bool]:
    """(content-word coverage, every name/number present) of a claim by one passage."""
    have = content_stems(passage.text) | content_stems(passage.title)
    need = content_stems(claim)
    coverage = len(need & have) / len(need) if need else 0.0
    return coverage, entity_stems(claim) <= have


def supports(claim: str, passage: Passage) -> bool:
    coverage, names_ok = support(claim, passage)
    if len(content_stems(claim)) <= SHORT_CLAIM:
        # "Netanyahu ate at Mar-a-Lago": in a short claim one new word is the whole invention.
        return names_ok and coverage == 1.0
    return names_ok and coverage >= MIN_COVERAGE


def best_quote(claim: str, passage: Passage) -> tuple[int, int]:
    """Span of the passage sentence sharing most content words with the claim."""
    need = content_stems(claim)
    spans = sentence_spans(passage.text) or [(0, len(passage.text))]
    return max(spans, key=lambda s: len(need & content_stems(passage.text[s[0] : s[1]])))


def verify(answer: str, passages: list[Passage]) -> Verified:
    if not answer.strip() or is_refusal(answer.split(".")[0]) or not passages:
        return Verified("", [], refused=True)
    kept: list[tuple[str, list[int]]] = []  # (claim text, 0-based passage indexes)
    repointed = dropped = 0
    for claim in split_claims(answer):
        if is_refusal(claim.text):
            dropped += 1
            continue
        valid = [n - 1 for n in dict.fromkeys(claim.cited) if 1 <= n <= len(passages)]
        good = [i for i in valid if supports(claim.text, passages[i])]
        if not good:
            ranked = sorted(
                range(len(passages)),
                key=lambda i: support(claim.text, passages[i])[0],
                reverse=True,
            )
            best = next((i for i in ranked if supports(claim.text, passages[i])), None)
            if best is None:
                dropped += 1
                continue
            repointed += 1 if claim.cited else 0
            good = [best]
        kept.append((claim.text, good))
        if len(kept) == MAX_SENTENCES:
            break
    if not kept:
        return Verified("", [], refused=True, repointed=repointed, dropped=dropped)
    numbers: dict[int, int] = {}  # passage index -> dense citation number
    citations: list[Citation] = []
    sentences = []
    for text, idxs in kept:
        marks = []
        for i in idxs:
            if i not in numbers:
                numbers[i] = len(numbers) + 1
                start, end = best_quote(text, passages[i])
                citations.append(
                    Citation(numbers[i], passages[i], passages[i].text[start:end], start, end)
                )
            marks.append(f"[{numbers[i]}]")
        body = text.rstrip()
        end_punct = body[-1] if body[-1] in ".!?" else "."
        sentences.append(f"{body.rstrip('.!?')} {''.join(marks)}{end_punct}")
    return Verified(" ".join(sentences), citations, False, repointed, dropped)
