"""`newsqa ask`: one question, answered from the index, with its sources."""

import argparse
import json
from pathlib import Path

from qa.settings import PROFILES, QASettings
from qa.types import Answer, RetrievalFilters


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="answer one question from the indexed articles")
    p.add_argument("question")
    p.add_argument("--index", type=Path, help="index directory (default .newsqa/index)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--top-k", type=int, help="passages for the whole question (x2) in the evidence pool"
    )
    p.add_argument("--source", action="append", default=[], help="only this source (repeatable)")
    p.add_argument("--since", help="only articles published on/after this date (YYYY-MM-DD)")
    p.add_argument("--until", help="only articles published on/before this date")
    p.add_argument("--recent", action="store_true", help="prefer newer articles")
    p.add_argument("--backend", choices=["llamacpp", "openai_like", "ollama"])
    p.add_argument("--profile", choices=list(PROFILES), help="settings profile (default readers)")
    p.set_defaults(func=cmd_ask)


def settings_from(args: argparse.Namespace) -> QASettings:
    overrides = {}
    if getattr(args, "index", None):
        overrides["index_dir"] = args.index
    if getattr(args, "backend", None):
        overrides["llm"] = {"backend": args.backend}
    if getattr(args, "profile", None):
        overrides["profile"] = args.profile
    from index.cli import fetch_overrides

    return QASettings(**overrides, **fetch_overrides(args, QASettings))


def filters_from(args: argparse.Namespace) -> RetrievalFilters | None:
    from index.dates import parse_date

    try:
        since = parse_date(args.since) if args.since else None
        until = parse_date(args.until) if args.until else None
    except ValueError as exc:
        raise SystemExit(f"error: --since/--until: {exc}") from None
    filters = RetrievalFilters(tuple(args.source), since, until, args.recent)
    return None if filters.empty and not filters.prefer_recent else filters


def print_answer(answer: Answer) -> None:
    from index.console import clean  # titles and quotes are data: no control codes sent

    print(clean(answer.text))
    for c in answer.citations:
        p = c.passage
        also = f"also reported by {', '.join(p.also_reported_by)}" if p.also_reported_by else None
        meta = ", ".join(x for x in (p.source, p.published_at, also) if x)
        print(clean(f"\n[{c.n}] {p.title}" + (f" ({meta})" if meta else "")))
        print(clean(f'    "{c.quote}"'))


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.answerer import Answerer

    settings = settings_from(args)
    filters = filters_from(args)
    # A NewsqaError (no index, no model, a question too long) is printed by `ui.cli.main`.
    answer = Answerer(settings).ask(args.question, filters=filters, top_k=args.top_k)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)
    return 0
