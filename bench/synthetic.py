"""Seeded synthetic news: articles with a Zipf-distributed vocabulary, and clustered vectors.

No network and no randomness between runs: the same seed gives the same corpus. Words come
from the seed article plus generated names, so BM25 sees a long-tailed vocabulary like real
news; vectors are unit-normalized points around topic centres, the shape that makes
approximate search hard (many near neighbours per query).

    python bench/synthetic.py OUT_DIR --chunks 10000     # writes OUT_DIR/articles-*.jsonl
"""

import argparse
import itertools
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [f"Outlet {name}" for name in "Alpha Beta Gamma Delta Echo Foxtrot Golf Hotel".split()]
# 45 words (with the embedded title, just under 128 MiniLM word pieces: invented words split into
# several pieces) per paragraph: one chunk at the default size, so "--sizes 1k" gives ~1,020 chunks.
WORDS_PER_PARAGRAPH = 45
PARAGRAPHS_PER_ARTICLE = 5
ARTICLES_PER_FILE = 5_000
SYLLABLES = "ka ri to ma ne su lo vi da pe gu ha zo bel tar mon sel dra kin vor lis pra".split()


def vocabulary(rng: np.random.Generator, size: int = 30_000) -> list[str]:
    seed_words: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.json")):
        body = json.loads(path.read_text("utf-8")).get("body", "")
        seed_words += re.findall(r"[A-Za-z]+", body)
    words = list(dict.fromkeys(w.lower() for w in seed_words))
    while len(words) < size:
        n = int(rng.integers(2, 5))
        words.append("".join(rng.choice(SYLLABLES, n)))
        if len(words) % 7 == 0:
            words[-1] = words[-1].capitalize()
    return list(dict.fromkeys(words))[:size]


def zipf_weights(n: int, exponent: float = 1.07) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def articles(chunks: int, seed: int = 7) -> Iterator[dict]:
    """About `chunks` chunks' worth of articles (five ~55-word paragraphs each)."""
    rng = np.random.default_rng(seed)
    vocab = np.array(vocabulary(rng))
    probs = zipf_weights(len(vocab))
    n_articles = max(1, chunks // PARAGRAPHS_PER_ARTICLE)
    start = date(2022, 1, 1)
    for i in range(n_articles):
        words = rng.choice(vocab, size=(PARAGRAPHS_PER_ARTICLE, WORDS_PER_PARAGRAPH), p=probs)
        paragraphs = []
        for row in words:
            sentences = [" ".join(part) for part in np.array_split(row, 6)]
            paragraphs.append(" ".join(s.capitalize() + "." for s in sentences))
        title_words = rng.choice(vocab[:5000], size=4)
        yield {
            "id": f"synthetic-{i:07d}",
            "title": " ".join(title_words).capitalize(),
            "body": "\n".join(paragraphs),
            "source": SOURCES[i % len(SOURCES)],
            "published_at": (start + timedelta(days=int(rng.integers(0, 1000)))).isoformat(),
        }


def clustered_vectors(
    n: int, dim: int = 384, clusters: int | None = None, spread: float = 1.0, seed: int = 11
) -> np.ndarray:
    """Unit vectors around random topic centres (float32, shape n x dim).

    By default one topic per 50 chunks, so a bigger corpus has more topics, not denser ones,
    and approximate search is as hard at 1M as at 10k.
    """
    clusters = clusters or max(10, n // 50)
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype("float32")
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype="float32")
    step = 100_000
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        which = rng.integers(0, clusters, hi - lo)
        noise = rng.standard_normal((hi - lo, dim)).astype("float32") * (spread / np.sqrt(dim))
        block = centres[which] + noise
        out[lo:hi] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def write_jsonl(folder: Path, chunks: int, seed: int = 7) -> Path:
    """The corpus as JSONL files of 5,000 articles (~9 MB, under the loader's 20 MB file limit)."""
    folder.mkdir(parents=True, exist_ok=True)
    records = articles(chunks, seed)
    for n in itertools.count():
        block = list(itertools.islice(records, ARTICLES_PER_FILE))
        if not block:
            break
        lines = "".join(json.dumps(record) + "\n" for record in block)
        (folder / f"articles-{n:04d}.jsonl").write_text(lines, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(write_jsonl(args.out, args.chunks, args.seed))


if __name__ == "__main__":
    main()
