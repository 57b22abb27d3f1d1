"""MultiHop-RAG (corpus.json + MultiHopRAG.json) to newsqa article records and a gold file.

corpus.json: [{title, author, source, published_at, category, url, body}, ...]
MultiHopRAG.json: [{query, answer, question_type, evidence_list: [{title, url, fact, ...}]}, ...]
Null queries (answer "Insufficient information.") become unanswerable items.
"""

import json
from pathlib import Path

from index.errors import BadInputError

NULL_ANSWER = "insufficient information"


class ImportError_(BadInputError):
    pass


def _load_list(path: Path, what: str) -> list:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise ImportError_(f"{path}: cannot read: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise ImportError_(f"{path}: expected a JSON list of {what}")
    return data


def convert(corpus: Path, queries: Path, out: Path) -> tuple[int, int]:
    articles = _load_list(corpus, "articles")
    items = _load_list(queries, "queries")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "articles.jsonl", "w", encoding="utf-8") as fh:
        for i, a in enumerate(articles, start=1):
            if not isinstance(a, dict) or not a.get("body"):
                raise ImportError_(f"{corpus}: article {i} has no 'body'")
            record = {
                "id": a.get("url") or f"multihop-{i}",
                "title": a.get("title") or "",
                "body": a["body"],
                "url": a.get("url"),
                "source": a.get("source"),
                "published_at": a.get("published_at"),
                "author": a.get("author"),
                "category": a.get("category"),
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    with open(out / "gold.jsonl", "w", encoding="utf-8") as fh:
        for i, q in enumerate(items, start=1):
            if not isinstance(q, dict) or not q.get("query") or "answer" not in q:
                raise ImportError_(f"{queries}: query {i} needs 'query' and 'answer'")
            answer = str(q["answer"]).strip()
            answerable = answer.lower().rstrip(".") != NULL_ANSWER
            facts = [e.get("fact", "") for e in q.get("evidence_list", []) if isinstance(e, dict)]
            row = {
                "id": f"multihop-{i:04d}",
                "type": q.get("question_type") or "multihop",
                "question": q["query"],
                "answers": [answer] if answerable else [],
                "evidence": [f for f in facts if f.strip()] if answerable else [],
                "answerable": answerable,
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(articles), len(items)
