"""Answer every gold question through the real pipeline and score it."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from eval.gold import GoldItem
from eval.metrics import answers, citations, latency, refusal, retrieval
from eval.rows import Row

RETRIEVE_K = 10


@dataclass
class RunResult:
    rows: list[Row] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    def summary(self) -> dict:
        return summarize(self.rows)


def _section(subset: list[Row]) -> dict:
    return {
        "n": len(subset),
        "retrieval": retrieval.summarize(subset),
        "answers": answers.summarize(subset),
        "citations": citations.summarize(subset),
        "refusal": refusal.summarize(subset),
    }


def summarize(rows: list[Row]) -> dict:
    by_type = {
        k: _section([r for r in rows if r.type == k]) for k in sorted({r.type for r in rows})
    }
    categories = sorted({r.category for r in rows if r.category})
    by_category = {k: _section([r for r in rows if r.category == k]) for k in categories}
    return {
        "n": len(rows),
        "errors": sum(r.error is not None for r in rows),
        "retrieval": retrieval.summarize(rows),
        "answers": answers.summarize(rows),
        "citations": citations.summarize(rows),
        "refusal": refusal.summarize(rows),
        "latency": latency.summarize(rows),
        "by_type": by_type,
        "by_category": by_category,
    }


def new_row(item: GoldItem) -> Row:
    return Row(
        id=item.id,
        type=item.type,
        question=item.question,
        answerable=item.answerable,
        answers=list(item.answers),
        evidence=list(item.evidence),
        category=item.extra.get("category"),
    )


def score_retrieval(row: Row, retrieved: list[str], read: list[str]) -> None:
    """`retrieved`: the passages in rank order; `read`: the evidence sentences the LLM reads."""
    row.retrieved = retrieved[:RETRIEVE_K]
    row.hit_rank = retrieval.hit_rank(row.retrieved, row.evidence) if row.evidence else None
    row.evidence_recall = retrieval.evidence_recall(row.retrieved, row.evidence)
    row.read = read
    row.read_recall = retrieval.read_recall(read, row.evidence)


def rescore(row: Row, item: GoldItem) -> Row:
    """The row scored against the gold item as it is now (aliases added, a quote fixed): the
    answer and what was retrieved stay as the run recorded them."""
    fresh = new_row(item)
    row.answers, row.evidence, row.category = fresh.answers, fresh.evidence, fresh.category
    row.hit_rank = retrieval.hit_rank(row.retrieved, row.evidence) if row.evidence else None
    row.evidence_recall = retrieval.evidence_recall(row.retrieved, row.evidence)
    row.read_recall = retrieval.read_recall(row.read, row.evidence)
    if row.refused is not None:
        row.correct, row.f1, row.crag = answers.score(
            row.answer or "", row.refused, item.answerable, row.answers
        )
        row.citation_precision, row.citation_recall = citations.score(row.cited, row.evidence)
    return row


def evaluate_item(item: GoldItem, answerer, retrieval_only: bool) -> Row:
    """One gold item; earlier turns are asked for real so the last turn has its conversation."""
    from qa.types import Turn

    row = new_row(item)
    if retrieval_only:
        # Without the LLM there is no rewrite: earlier turns ride along as query context.
        query = " ".join(item.turns)
        t0 = time.perf_counter()
        ctx = answerer.prepare(query)
        row.timings = {"retrieve_s": time.perf_counter() - t0}
        row.kind = ctx.plan.kind
        score_retrieval(row, [p.text for p in ctx.passages], [e.text for e in ctx.evidence])
        return row
    history: list[Turn] = []
    for turn in item.turns[:-1]:
        earlier = answerer.ask(turn, history)
        history += [Turn("user", turn), Turn("assistant", earlier.text)]
    answer = answerer.ask(item.question, history)
    row.standalone_question = answer.standalone_question
    score_retrieval(row, [p.text for p in answer.passages], [e.text for e in answer.evidence])
    row.kind, row.raw_answer, row.notes = answer.kind, answer.raw_text, list(answer.notes)
    row.answer, row.refused = answer.text, answer.refused
    row.correct, row.f1, row.crag = answers.score(
        answer.text, answer.refused, item.answerable, row.answers
    )
    row.cited = [c.passage.text for c in answer.citations]
    row.citation_precision, row.citation_recall = citations.score(row.cited, row.evidence)
    row.timings = {
        "rewrite_s": answer.timings.rewrite_s,
        "retrieve_s": answer.timings.retrieve_s,
        "generate_s": answer.timings.generate_s,
        "verify_s": answer.timings.verify_s,
        "total_s": answer.timings.total_s,
    }
    return row


def run(
    items: list[GoldItem],
    answerer,
    retrieval_only: bool = False,
    on_row: Callable[[Row], None] = lambda row: None,
) -> RunResult:
    """Ctrl-C stops the run and keeps the rows finished so far."""
    result = RunResult()
    started = time.perf_counter()
    try:
        for item in items:
            try:
                row = evaluate_item(item, answerer, retrieval_only)
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # one broken question must not lose the run
                row = new_row(item)
                row.error = f"{type(exc).__name__}: {exc}"
            result.rows.append(row)
            on_row(row)
    except KeyboardInterrupt:
        result.interrupted = True
    result.seconds = time.perf_counter() - started
    return result
