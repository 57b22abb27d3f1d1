"""Near-duplicate articles (one wire story at many outlets) found by MinHash LSH at ingest.

An article whose body's word shingles overlap an indexed article's by the threshold (estimated
Jaccard) is a copy: it is recorded, not chunked, and the indexed one's citations list its outlet.
Only across outlets: one outlet's two similar articles are two articles (Engadget's Black Friday
and Cyber Monday deal lists share 64 % of their text and differ in what questions ask about).
The threshold and shingle size come from bench/duplicates.py (README › Feeds).

A similar signature only nominates an original. It is a copy only when nothing it says would be
lost (`copy_verdict`): both outlets are known, it has no passage of its own (a different story
sharing a long editor's note with another is kept), and no figure given differently where the
original has one (a correction "the toll was corrected to 31" of a report saying 12 is kept).
"""

import json
import re
from dataclasses import asdict
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from index.articles import Article

NUM_PERM = 128
SHINGLE_WORDS = 5
# bench/duplicates.py on MultiHop-RAG: every edited copy scores >= 0.57; of 185k pairs of
# different articles, none from two outlets scores above 0.06 (same-story coverage included).
THRESHOLD = 0.5
# datasketch 2's hashing scheme, pinned: stored signatures must be compared with the same one.
SCHEME = "affine32"
FILE = "duplicates.npz"
COPIES_FILE = "copies.jsonl"
_WORD = re.compile(r"\w+")
# Words in a row a copy may have that the original lacks: a dateline, a credit or footer line,
# a "did not respond to a request for comment" sentence (bench/duplicates.py's edits run to 13);
# a story's own body is longer.
MAX_OWN_WORDS = 20
_NUMBER = re.compile(r"\d+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _words(text)
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(text: str) -> np.ndarray:
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    m.update_batch(list(shingles(text)))
    return m.hashvalues.astype(np.uint64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


class Duplicates:
    """Signatures of the indexed articles (an LSH over those that hold chunks) and the full
    text of the copies, so a copy can take over when the article it copies is removed."""

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        self.signatures: dict[str, np.ndarray] = {}
        self.sources: dict[str, str] = {}  # outlet of each original ("" when unknown)
        self.copies: dict[str, Article] = {}  # doc_id -> the copy, not chunked
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)

    def find(self, sig: np.ndarray, exclude: str, source: str | None) -> list[str]:
        """Indexed articles from another known outlet this signature may copy, most similar
        first (at or above the threshold). An article of no known outlet is never a copy."""
        if not source:
            return []
        scored = []
        for key in self._lsh.query(_minhash(sig)):
            if key == exclude or self.sources.get(key, "") in ("", source):
                continue
            sim = similarity(sig, self.signatures[key])
            if sim >= self.threshold:
                scored.append((-sim, key))
        return [key for _, key in sorted(scored)]

    def add_original(self, doc_id: str, sig: np.ndarray, source: str | None) -> None:
        self.drop(doc_id)
        self.signatures[doc_id] = sig
        self.sources[doc_id] = source or ""
        self._lsh.insert(doc_id, _minhash(sig))

    def add_copy(self, article: Article, sig: np.ndarray) -> None:
        self.drop(article.doc_id)
        self.signatures[article.doc_id] = sig
        self.copies[article.doc_id] = article

    def drop(self, doc_id: str) -> None:
        if doc_id in self.copies:
            del self.copies[doc_id]
        elif doc_id in self.signatures and doc_id in self._lsh:
            self._lsh.remove(doc_id)
        self.signatures.pop(doc_id, None)
        self.sources.pop(doc_id, None)

    def save(self, folder: Path) -> None:
        ids = list(self.signatures)
        sigs = np.stack([self.signatures[i] for i in ids]) if ids else np.zeros((0, NUM_PERM))
        with open(Path(folder) / FILE, "wb") as fh:
            np.savez(
                fh,
                ids=np.array(ids, dtype=str),
                sources=np.array([self.sources.get(i, "") for i in ids], dtype=str),
                sigs=sigs.astype(np.uint64),
            )
        with open(Path(folder) / COPIES_FILE, "w", encoding="utf-8") as fh:
            for article in self.copies.values():
                fh.write(json.dumps(asdict(article), ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder: Path, threshold: float = THRESHOLD) -> "Duplicates":
        dups = cls(threshold)
        folder = Path(folder)
        if (folder / COPIES_FILE).is_file():
            for line in (folder / COPIES_FILE).read_text("utf-8").splitlines():
                article = Article(**json.loads(line))
                dups.copies[article.doc_id] = article
        if (folder / FILE).is_file():
            with np.load(folder / FILE) as data:
                ids, sources = data["ids"].tolist(), data["sources"].tolist()
                for doc_id, source, sig in zip(ids, sources, data["sigs"], strict=True):
                    dups.signatures[doc_id] = sig
                    if doc_id not in dups.copies:
                        dups.sources[doc_id] = source
                        dups._lsh.insert(doc_id, _minhash(sig))
        return dups


def copy_verdict(new: str, original: str) -> str | None:
    """None when `new` says nothing `original` does not (a copy); else why it is its own story.

    Words of `new` inside a 5-word shingle of `original` are covered. Left over are runs of its
    own: a long one is a passage of its own; a short one between two shared stretches that
    replaces a number of the original ("stood at 12" -> "was corrected to 31") is a figure given
    differently. Runs at either end (a dateline, a credit line) are what syndication adds."""
    theirs = _words(original)
    at = {}
    for i in range(len(theirs) - SHINGLE_WORDS + 1):
        at.setdefault(tuple(theirs[i : i + SHINGLE_WORDS]), i)
    words = _words(new)
    starts = [
        at.get(tuple(words[i : i + SHINGLE_WORDS]))
        for i in range(max(0, len(words) - SHINGLE_WORDS + 1))
    ]
    covered = [False] * len(words)
    for i, pos in enumerate(starts):
        if pos is not None:
            covered[i : i + SHINGLE_WORDS] = [True] * SHINGLE_WORDS
    i = 0
    while i < len(words):
        if covered[i]:
            i += 1
            continue
        end = i
        while end < len(words) and not covered[end]:
            end += 1
        if end - i >= MAX_OWN_WORDS:
            return f"a passage of {end - i} words the other lacks"
        if i >= SHINGLE_WORDS and end < len(starts) and starts[end] is not None:
            # Between two shared stretches: what the original says in that place instead.
            before = starts[i - SHINGLE_WORDS] + SHINGLE_WORDS
            replaced = theirs[before : starts[end]]
            ours = [w for w in words[i:end] if _NUMBER.fullmatch(w)]
            old = [w for w in replaced if _NUMBER.fullmatch(w)]
            if ours and old and ours != old:
                return f"a figure given differently ({' '.join(old)} -> {' '.join(ours)})"
        i = end
    return None


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _minhash(sig: np.ndarray) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=sig, scheme=SCHEME)
