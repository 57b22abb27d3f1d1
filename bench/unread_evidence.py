"""Where is the gold evidence the LLM does not read, and would reading article openings help?

Run: .venv/bin/python bench/unread_evidence.py RUN_FOLDER
  [--articles ../shared/benchmarks/multihop-rag/articles.jsonl]
RUN_FOLDER is a `newsqa eval run` (`--retrieval-only` is enough) on MultiHop-RAG: its rows hold
the sentences each question's prompt gave the LLM. No model is loaded. Printed: every gold
evidence quote of the answerable questions by where it sits (an article's opening 100 words or
its body) and by what the LLM read (the quote; another sentence of the quote's article; nothing
of that article); then the read recall the run would have if the prompt also carried the first
N sentences of each of the first M articles it reads from, and how many sentences that adds.
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.metrics.retrieval import read_recall  # noqa: E402
from eval.normalize import normalize_ws  # noqa: E402
from qa.evidence import MIN_WORDS  # noqa: E402  (shorter lines are headings, not evidence)
from qa.textmatch import split_sentences  # noqa: E402

LEAD_WORDS = 100


class Articles:
    """The corpus's articles: their text, opening sentences, and which one holds a text."""

    def __init__(self, path: Path):
        self.body: dict[str, str] = {}
        self.sentences: dict[str, list[str]] = {}
        for line in path.read_text("utf-8").splitlines():
            a = json.loads(line)
            self.body[a["id"]] = normalize_ws(a["body"])
            parts = split_sentences(a["body"])
            self.sentences[a["id"]] = [s for s in parts if len(s.split()) >= MIN_WORDS]
        self._cache: dict[str, str | None] = {}

    def holding(self, text: str) -> str | None:
        key = normalize_ws(text)[:200]
        if key not in self._cache:
            found = (aid for aid, body in self.body.items() if key in body)
            self._cache[key] = next(found, None)
        return self._cache[key]

    def words_before(self, aid: str, text: str) -> int:
        body = self.body[aid]
        return len(body[: body.find(normalize_ws(text))].split())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", type=Path)
    ap.add_argument(
        "--articles", type=Path, default=Path("../shared/benchmarks/multihop-rag/articles.jsonl")
    )
    args = ap.parse_args()
    arts = Articles(args.articles)
    payload = json.loads((args.run / "rows.json").read_text("utf-8"))
    rows = [r for r in payload["rows"] if r["answerable"] and r["evidence"] and r["read"]]

    where: Counter = Counter()
    read_articles: list[list[str]] = []
    read_keys = [{normalize_ws(s) for s in r["read"]} for r in rows]
    for r in rows:
        order = []  # the articles the LLM reads from, in prompt order
        for s in r["read"]:
            aid = arts.holding(s)
            if aid and aid not in order:
                order.append(aid)
        read_articles.append(order)
        for quote in r["evidence"]:
            aid = arts.holding(quote)
            if aid is None:
                continue
            place = "opening" if arts.words_before(aid, quote) < LEAD_WORDS else "body"
            if read_recall(r["read"], [quote]):
                seen = "quote read"
            elif aid in order:
                seen = "its article read, not the quote"
            else:
                seen = "its article not read"
            where[place, seen] += 1

    print(f"{args.run}: {len(rows)} answerable questions, {sum(where.values())} gold quotes")
    print(f"\n| quote sits in | {' | '.join(sorted({k[1] for k in where}))} |")
    print("|---|---|---|---|")
    for place, label in (("opening", f"opening ({LEAD_WORDS} words)"), ("body", "rest")):
        cells = [str(where[place, seen]) for seen in sorted({k[1] for k in where})]
        print(f"| the article's {label} | {' | '.join(cells)} |")

    print(
        "\n| + opening sentences | of the first M articles read | read recall | sentences added |"
    )
    print("|---|---|---|---|")
    for n in (0, 1, 2, 3):
        for m in (3, 5) if n else (0,):
            total, added = 0.0, 0
            for r, order, have in zip(rows, read_articles, read_keys):
                extra = [s for a in order[:m] for s in arts.sentences[a][:n]]
                extra = [s for s in extra if normalize_ws(s) not in have]
                added += len(extra)
                total += read_recall(r["read"] + extra, r["evidence"])
            print(f"| {n} | {m} | {total / len(rows):.3f} | {added / len(rows):.1f} |")


if __name__ == "__main__":
    main()
