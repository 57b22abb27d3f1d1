"""Near-duplicate articles (one wire story at many outlets) found by MinHash LSH at ingest.

An article whose body's word shingles overlap an indexed article's by the threshold (estimated
Jaccard) is a copy: it is recorded, not chunked, and the indexed one's citations list its outlet.
Only across outlets: one outlet's two similar articles are two articles (Engadget's Black Friday
and Cyber Monday deal lists share 64 % of their text and differ in what questions ask about).
The threshold and shingle size come from bench/duplicates.py (README › Feeds).
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


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(text.lower())
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

    def find(self, sig: np.ndarray, exclude: str, source: str | None) -> str | None:
        """The indexed article from another outlet this signature copies (the most similar
        above the threshold)."""
        best, best_sim = None, self.threshold
        for key in self._lsh.query(_minhash(sig)):
            if key == exclude or (source and self.sources.get(key) == source):
                continue
            sim = similarity(sig, self.signatures[key])
            if sim >= best_sim:
                best, best_sim = key, sim
        return best

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


def _minhash(sig: np.ndarray) -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=sig, scheme=SCHEME)
