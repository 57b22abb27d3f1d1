"""The gold sets' own check: accepted answers and quotes occur in the articles they name."""

import json
from pathlib import Path

from eval.gold import load_gold
from eval.gold_check import check_gold
from tests.conftest import ROOT, multihop_dir


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def test_answers_and_quotes_must_occur_in_their_article(tmp_path):
    articles = _write(
        tmp_path / "a.jsonl",
        [
            {
                "id": "a1",
                "title": "Deal",
                "body": "SoftBank paid $513 million for a Dublin-based firm.",
            }
        ],
    )
    gold = _write(
        tmp_path / "g.jsonl",
        [
            {
                "id": "ok",
                "question": "How much?",
                "answers": ["$513 million"],
                "answerable": True,
                "evidence_article_ids": ["a1"],
            },
            {
                "id": "bad",
                "question": "Where?",
                "answers": ["Cork"],
                "answerable": True,
                "evidence_article_ids": ["a1"],
            },
            {
                "id": "quote",
                "question": "Did it pay?",
                "answers": ["Yes"],
                "answerable": True,
                "evidence": ["SoftBank paid $600 million"],
                "evidence_article_ids": ["a1"],
            },
            {
                "id": "lost",
                "question": "Who?",
                "answers": ["SoftBank"],
                "answerable": True,
                "evidence_article_ids": ["a9"],
            },
            {"id": "none", "question": "Who sold?", "answers": [], "answerable": False},
        ],
    )
    problems = {p.item_id: p.message for p in check_gold(load_gold(gold), articles)}
    assert set(problems) == {"bad", "quote", "lost", "none"}
    assert "'Cork' not in a1" in problems["bad"]
    assert "evidence not in its article" in problems["quote"]
    assert "unknown article id 'a9'" in problems["lost"]


def test_the_natural_dev_set_holds_up_against_its_articles():
    items = load_gold(ROOT / "eval" / "gold" / "natural-dev.jsonl")
    assert check_gold(items, multihop_dir() / "articles.jsonl") == []
    unanswerable = [i for i in items if not i.answerable]
    assert len(items) >= 150 and len(unanswerable) >= 40
    assert {i.type for i in items} >= {"who", "what", "when", "where", "how_much", "why", "yes_no"}
    assert any(len(i.turns) == 2 for i in items)


def test_the_seed_natural_set_holds_up_against_the_seed_article():
    items = load_gold(ROOT / "eval" / "gold" / "seed-natural.jsonl")
    assert check_gold(items, ROOT / "seeds" / "netanyahu-trump-mar-a-lago.json") == []
    assert len(items) >= 30 and sum(not i.answerable for i in items) >= 10
    assert {i.type for i in items} >= {"who", "what", "when", "where", "why", "yes_no"}
