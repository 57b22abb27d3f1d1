"""Eval metrics on hand-made cases, the gold loader, the gold set itself and the importer."""

import json

import pytest

from eval.gold import GoldError, load_gold
from eval.metrics import answers, citations, latency, refusal, retrieval
from eval.normalize import contains_alias, normalize_answer, token_f1
from eval.rows import Row
from tests.conftest import ROOT, SEEDS, write


def test_squad_normalization_and_alias_containment():
    assert normalize_answer("The  Mar-a-Lago, estate!") == "mar lago estate"
    assert contains_alias("They meet at Mar-a-Lago [1].", ["mar a lago"])
    assert not contains_alias("They meet in Paris.", ["Mar-a-Lago"])
    # whole-token containment: "Iran" is not found inside "Iranian"
    assert not contains_alias("Iranian nuclear sites", ["Iran"])
    assert not contains_alias("anything", [""])


def test_token_f1_edge_cases():
    assert token_f1("deputy press secretary", "Deputy press secretary") == 1.0
    assert token_f1("", "") == 1.0 and token_f1("", "x") == 0.0 and token_f1("x", "") == 0.0
    assert token_f1("the press", "press secretary") == pytest.approx(2 * 1 * 0.5 / 1.5)


def test_answer_scores_reward_honesty():
    assert answers.score("Qatar [1].", False, True, ["Qatar"]) == (True, 1.0, 1)
    assert answers.score("Paris.", False, True, ["Qatar"])[2] == -1  # wrong answer
    assert answers.score("The articles don't say.", True, True, ["Qatar"]) == (False, 0.0, 0)
    assert answers.score("", False, True, ["Qatar"]) == (False, 0.0, 0)  # empty = no answer
    assert answers.score("The articles don't say.", True, False, []) == (True, 1.0, 1)
    assert answers.score("Sheikh X.", False, False, []) == (False, 0.0, -1)


def test_retrieval_hits_with_whitespace_normalized_evidence():
    passages = ["Nothing here.", "Trump  demanded an\napology from Netanyahu.", "More."]
    evidence = ["Trump demanded an apology"]
    assert retrieval.hit_rank(passages, evidence) == 2
    assert retrieval.hit_rank(passages, ["absent quote"]) is None
    assert retrieval.evidence_recall(passages, evidence + ["absent quote"], k=5) == 0.5
    assert retrieval.evidence_recall(passages, [], k=5) is None
    rows = [
        Row("a", "f", "q", True, evidence=evidence, hit_rank=1, evidence_recall=1.0),
        Row("b", "f", "q", True, evidence=evidence, hit_rank=4, evidence_recall=0.0),
        Row("c", "f", "q", True, evidence=evidence, hit_rank=None, evidence_recall=0.0),
        Row("d", "u", "q", False),  # unanswerable: not scored for retrieval
    ]
    s = retrieval.summarize(rows)
    assert s["n"] == 3
    assert s["hit@1"] == pytest.approx(1 / 3) and s["hit@5"] == pytest.approx(2 / 3)
    assert s["mrr@10"] == pytest.approx((1 + 0.25) / 3)


def test_citation_precision_recall_with_duplicates():
    good, bad = "Trump demanded an apology from Netanyahu.", "The meeting is cordial."
    ev = ["demanded an apology", "cordial"]
    assert citations.score([good, good], ev[:1]) == (1.0, 1.0)  # a duplicate counts once
    assert citations.score([good, bad], ev[:1]) == (0.5, 1.0)
    assert citations.score([good], ev) == (1.0, 0.5)
    assert citations.score([], ev) == (None, 0.0)  # answered without citing
    assert citations.score([good], []) == (None, None)


def test_refusal_precision_recall():
    rows = [
        Row("1", "u", "q", False, refused=True),
        Row("2", "u", "q", False, refused=False),
        Row("3", "f", "q", True, refused=True),
        Row("4", "f", "q", True, refused=False),
    ]
    s = refusal.summarize(rows)
    assert (s["precision"], s["recall"]) == (0.5, 0.5)
    assert refusal.summarize([]) == {}


def test_latency_percentiles():
    assert latency.percentile([1, 2, 3, 4, 100], 50) == 3
    assert latency.percentile([1, 2, 3, 4, 100], 95) == 100
    rows = [Row(str(i), "f", "q", True, timings={"total_s": float(i)}) for i in range(1, 21)]
    assert latency.summarize(rows)["total_s"] == {"p50": 10.0, "p95": 19.0}


def test_gold_loader_names_the_bad_line(tmp_path):
    good = '{"id": "a", "question": "Q?", "answers": ["x"], "evidence": [], "answerable": true}'
    cases = {
        '{"id": "b", "question": "Q?", "answers": [], "answerable": true}': "needs at least one",
        '{"id": "b", "answers": ["x"], "answerable": true}': "'question'",
        '{"id": "b", "question": "Q?", "answers": ["x"], "answerable": "yes"}': "'answerable'",
        '{"id": "a", "question": "Q?", "answers": ["x"], "answerable": true}': "duplicate id",
        '{"id": "b", "question": "Q?", ': "malformed JSON",
        '{"id": "b", "turns": [], "answerable": false}': "'turns'",
    }
    for line, message in cases.items():
        p = write(tmp_path / "gold.jsonl", good + "\n\n" + line + "\n")
        with pytest.raises(GoldError, match=rf"gold.jsonl:3: .*{message}"):
            load_gold(p)


def test_seed_gold_set_is_complete_and_quotes_the_article():
    items = load_gold(ROOT / "eval" / "gold" / "seed.jsonl")
    body = " ".join(
        json.loads((SEEDS / "netanyahu-trump-mar-a-lago.json").read_text())["body"].split()
    )
    assert len(items) >= 50
    assert sum(not i.answerable for i in items) >= 12
    assert sum(len(i.turns) == 2 for i in items) >= 5
    assert {"factual", "why_how", "paraphrase"} <= {i.type for i in items}
    for item in items:
        for quote in item.evidence:
            assert " ".join(quote.split()) in body, (item.id, quote)
        assert item.answerable == bool(item.evidence)


def test_multihop_importer(tmp_path):
    from eval.importers.multihop_rag import ImportError_, convert

    corpus = [
        {
            "title": "Chip rally",
            "author": "A",
            "source": "Wire",
            "published_at": "2023-11-02T10:00:00+00:00",
            "category": "business",
            "url": "https://x/1",
            "body": "Chip stocks rallied on Thursday.",
        },
    ]
    queries = [
        {
            "query": "Did chip stocks rally?",
            "answer": "Yes",
            "question_type": "inference_query",
            "evidence_list": [
                {
                    "title": "Chip rally",
                    "url": "https://x/1",
                    "fact": "Chip stocks rallied on Thursday.",
                }
            ],
        },
        {
            "query": "Who won?",
            "answer": "Insufficient information.",
            "question_type": "null_query",
            "evidence_list": [],
        },
    ]
    c = write(tmp_path / "corpus.json", json.dumps(corpus))
    q = write(tmp_path / "MultiHopRAG.json", json.dumps(queries))
    assert convert(c, q, tmp_path / "out") == (1, 2)
    gold = load_gold(tmp_path / "out" / "gold.jsonl")
    assert [(g.type, g.answerable, g.answers) for g in gold] == [
        ("inference_query", True, ("Yes",)),
        ("null_query", False, ()),
    ]
    from index.loaders import load_paths

    [article] = load_paths([tmp_path / "out" / "articles.jsonl"]).articles
    assert (article.doc_id, article.source, article.published_at) == (
        "https://x/1",
        "Wire",
        "2023-11-02",
    )
    with pytest.raises(ImportError_, match="corpus.json"):
        convert(write(tmp_path / "corpus.json", "{"), q, tmp_path / "out")


def test_yes_no_answers_are_judged_by_their_verdict():
    from eval.metrics.answers import score

    assert score("Yes, there was no change [1].", False, True, ["Yes"])[0]
    assert not score("Yes, there was no change [1].", False, True, ["No"])[0]
    assert score("The reports agree, so no.", False, True, ["No"])[0]
    assert not score("I do not know.", False, True, ["No"])[0]  # "no" is inside "know"
    assert not score("Maybe yes, maybe no.", False, True, ["No"])[0]


def test_compare_names_the_questions_whose_answer_changed():
    from eval.report import changed_answers

    def row(i, answer, correct, answerable=True, refused=False):
        return {
            "id": i,
            "answer": answer,
            "correct": correct,
            "answerable": answerable,
            "refused": refused,
        }

    a = {
        "rows": [
            row("q1", "Dublin [1].", True),
            row("q2", "Paris [1].", False),
            row("q3", "", None, answerable=False, refused=True),
            row("q4", "x", True),
        ]
    }
    b = {
        "rows": [
            row("q1", "Dublin  [1].", True),
            row("q2", "Lyon [2].", True),
            row("q3", "Berlin [1].", None, answerable=False),
        ]
    }
    n, changed = changed_answers(a, b)
    assert n == 3  # q4 is in A only
    assert changed == [
        ["q2", "✗ Paris [1].", "✓ Lyon [2]."],
        ["q3", "✓ (refused)", "✗ Berlin [1]."],
    ]
