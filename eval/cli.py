"""`newsqa eval run|compare|import-multihop`."""

import argparse
import json
from datetime import datetime
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from index.console import clean, err
from index.errors import BadInputError
from qa.settings import PROFILES


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score the chatbot against a gold question set")
    esub = p.add_subparsers(dest="eval_cmd", required=True)

    r = esub.add_parser("run", help="answer every gold question and write a report")
    r.add_argument("--gold", type=Path, required=True, help="gold JSONL (see eval/gold.py)")
    r.add_argument("--index", type=Path, help="index directory (default .newsqa/index)")
    r.add_argument("--backend", choices=["llamacpp", "openai_like", "ollama"])
    r.add_argument(
        "--profile",
        choices=list(PROFILES),
        help="the settings profile (default: NEWSQA_PROFILE or newsqa.toml; else multihop-rag "
        "for MultiHop-RAG's questions, readers for any other)",
    )
    r.add_argument("--out", type=Path, help="output folder (default eval/runs/<time>)")
    r.add_argument("--retrieval-only", action="store_true", help="no LLM: retrieval metrics only")
    r.add_argument("--limit", type=int, help="only the first N questions")
    r.add_argument(
        "--ids", type=Path, help="only the questions whose ids this file lists (one per line)"
    )
    r.add_argument(
        "--replay",
        type=Path,
        help="an earlier run's folder: reuse its LLM drafts (re-scores verifier and fallback "
        "changes in minutes; valid only while retrieval and evidence are unchanged)",
    )
    r.add_argument(
        "--live",
        action="store_true",
        help="with --replay: the real LLM answers everything the run did not record as asked "
        "now (first drafts whose evidence changed, second looks, picks, verdicts)",
    )
    r.add_argument(
        "--resume",
        action="store_true",
        help="continue a stopped run in --out: keep the rows it finished, answer the rest",
    )
    r.set_defaults(func=cmd_run)

    c = esub.add_parser("compare", help="two runs side by side")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    c.add_argument(
        "--changed", action="store_true", help="list each question whose answer changed, A and B"
    )
    c.set_defaults(func=cmd_compare)

    rs = esub.add_parser(
        "rescore", help="score a finished run again against its gold file as it is now"
    )
    rs.add_argument("run", type=Path, help="the run's folder")
    rs.add_argument("--gold", type=Path, required=True, help="gold JSONL (see eval/gold.py)")
    rs.add_argument("--out", type=Path, required=True, help="folder for the re-scored run")
    rs.set_defaults(func=cmd_rescore)

    k = esub.add_parser(
        "check-gold", help="check a gold set's answers and quotes against its articles"
    )
    k.add_argument("--gold", type=Path, required=True, help="gold JSONL (see eval/gold.py)")
    k.add_argument(
        "--articles", type=Path, required=True, help="the articles it was written on (JSONL)"
    )
    k.set_defaults(func=cmd_check_gold)

    m = esub.add_parser("import-multihop", help="convert MultiHop-RAG to articles + gold JSONL")
    m.add_argument("--corpus", type=Path, required=True, help="corpus.json")
    m.add_argument("--queries", type=Path, required=True, help="MultiHopRAG.json")
    m.add_argument(
        "--out", type=Path, required=True, help="folder for articles.jsonl and gold.jsonl"
    )
    m.set_defaults(func=cmd_import_multihop)


def cmd_rescore(args: argparse.Namespace) -> int:
    from eval.gold import GoldError, load_gold
    from eval.report import write_run
    from eval.rows import Row
    from eval.runner import RunResult, rescore

    items = {item.id: item for item in load_gold(args.gold)}
    try:
        payload = json.loads((args.run / "rows.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise GoldError(f"{args.run}: no finished run to re-score ({exc})") from None
    rows = [Row.from_json(r) for r in payload["rows"]]
    missing = [r.id for r in rows if r.id not in items]
    if missing:
        raise GoldError(f"{args.gold} has no item {missing[0]!r} of the run")
    result = RunResult([rescore(r, items[r.id]) for r in rows], payload["interrupted"])
    result.seconds = payload["seconds"]
    config = payload["config"] | {"rescored": f"{args.gold} ({args.run})"}
    write_run(result, args.out, config)
    print(f"re-scored {len(rows)} rows: {args.out / 'report.md'}")
    return 0


def cmd_check_gold(args: argparse.Namespace) -> int:
    from eval.gold import GoldError, load_gold
    from eval.gold_check import check_gold

    items = load_gold(args.gold)
    try:
        problems = check_gold(items, args.articles)
    except ValueError as exc:
        raise GoldError(str(exc)) from None
    for p in problems:
        err.print(f"{args.gold}: {p.item_id}: {clean(p.message)}", style="red")
    kinds: dict[str, int] = {}
    for item in items:
        kinds[item.type] = kinds.get(item.type, 0) + 1
    summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    print(f"{len(items)} items ({summary}); {len(problems)} problems")
    return 1 if problems else 0


def cmd_run(args: argparse.Namespace) -> int:
    from eval.gold import benchmark_profile, load_gold, select_ids
    from eval.report import write_run
    from eval.runner import run
    from qa.answerer import Answerer
    from qa.cli import settings_from
    from qa.llms import load_llm
    from qa.settings import profile_chosen

    items = load_gold(args.gold)
    if args.ids:
        items = select_ids(items, args.ids)
    items = items[: args.limit] if args.limit else items
    if args.resume and not args.out:
        raise BadInputError("--resume needs --out, the folder of the run to continue")
    if args.live and not args.replay:
        raise BadInputError("--live goes with --replay")
    done = finished_rows(args.out, {item.id for item in items}) if args.resume else []
    done_ids = {row.id for row in done}
    todo = [item for item in items if item.id not in done_ids]
    if done:
        err.print(f"resuming {args.out}: {len(done)} rows kept, {len(todo)} questions to answer")
    if not args.profile and not profile_chosen() and (found := benchmark_profile(items)):
        # A benchmark's questions are answered with the rules written for them, and say so.
        args.profile = found
        err.print(
            f"profile {found}: written for this gold set's benchmark (--profile readers: the default)"
        )
    settings = settings_from(args)
    live = load_llm(settings) if args.live else None
    llm = replay_llm(args.replay, live) if args.replay else None
    answerer = Answerer(settings, llm=llm)
    if not args.retrieval_only:
        answerer.warm()  # load now: a missing model fails before the first question
    out = args.out or Path("eval/runs") / datetime.now().strftime("%Y%m%d-%H%M%S")
    # Rows as they finish: a run of hours can be read (or survive a crash) before it ends.
    out.mkdir(parents=True, exist_ok=True)
    partial = out / "rows.partial.jsonl"
    if not (args.resume and partial.exists()):  # a resumed run appends to the rows it kept
        partial.write_text("".join(partial_line(row) for row in done), "utf-8")
    progress = Progress(
        TextColumn("eval"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),  # a gold id is data, not markup
        console=err,
    )
    with progress:
        task = progress.add_task("", total=len(items), completed=len(done))
        result = run(
            todo,
            answerer,
            args.retrieval_only,
            lambda row: (
                progress.update(task, advance=1, description=clean(row.id)),
                append_partial(partial, row),
            ),
        )
    order = {item.id: i for i, item in enumerate(items)}
    result.rows = sorted(done + result.rows, key=lambda row: order[row.id])
    config = {
        "gold": str(args.gold) + (f" (ids: {args.ids})" if args.ids else ""),
        "index": str(settings.resolved_index_dir()),
        "mode": "retrieval-only" if args.retrieval_only else "full",
        "llm": "none" if args.retrieval_only else answerer.llm.name,
        "embed_model": settings.embed.model,
        "chunk_size": answerer.index.manifest.chunk_size,
        "top_k": settings.retrieval.top_k,
        "profile": settings.profile,
        "bm25": settings.retrieval.use_bm25,
    }
    if done:
        # The run's seconds count only the questions this process answered.
        config["resumed_rows"] = len(done)
    payload = write_run(result, out, config)
    partial.unlink(missing_ok=True)
    s = payload["summary"]
    if result.interrupted:
        err.print(f"interrupted: kept {len(result.rows)} of {len(items)} rows", style="yellow")
    line = ", ".join(f"{k} {v:.2f}" for k, v in s["retrieval"].items() if k != "n")
    err.print(f"retrieval: {line}")
    if s["answers"]:
        a, c, r = s["answers"], s["citations"], s["refusal"]
        err.print(
            f"answers: accuracy {a['accuracy']:.2f}, F1 {a['f1']:.2f}, CRAG {a['crag']:.2f}; "
            f"citations: precision {c.get('precision', 0):.2f}, recall {c.get('recall', 0):.2f}; "
            f"refusal: precision {r['precision']:.2f}, recall {r['recall']:.2f}"
        )
    err.print(f"report: {out / 'report.md'}")
    return 130 if result.interrupted else 0


def replay_llm(folder: Path, live=None):
    from eval.gold import GoldError
    from qa.llms.replay import ReplayLLM

    try:
        rows = stored_rows(folder, ("rows.json", "rows.partial.jsonl"))
    except (OSError, ValueError, KeyError) as exc:
        raise GoldError(f"{folder}: no run to replay ({exc})") from None
    drafts = {
        q: r["raw_answer"]
        for r in rows
        if r.get("raw_answer")
        for q in filter(None, (r["question"], r.get("standalone_question")))
    }
    rewrites = {
        r["question"]: r["standalone_question"] for r in rows if r.get("standalone_question")
    }
    read = {
        q: r.get("read") or []
        for r in rows
        if r.get("raw_answer")
        for q in filter(None, (r["question"], r.get("standalone_question")))
    }
    return ReplayLLM(drafts, rewrites, str(folder), read, live)


def partial_line(row) -> str:
    import json

    return json.dumps(row.to_json(), ensure_ascii=False) + "\n"


def append_partial(path: Path, row) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(partial_line(row))


def stored_rows(folder: Path, names: tuple[str, ...]) -> list[dict]:
    """The rows of a run folder, from the first of `names` that exists: rows.json (a finished
    or Ctrl-C'd run) or rows.partial.jsonl (one row per line, as a run goes)."""
    import json

    path = next((folder / n for n in names if (folder / n).exists()), folder / names[-1])
    text = path.read_text("utf-8")  # none there: FileNotFoundError names the last
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    rows = json.loads(text)
    return rows["rows"] if isinstance(rows, dict) else rows


def finished_rows(folder: Path, wanted: set[str]) -> list:
    """The rows a stopped run in `folder` finished, for the questions still `wanted`.

    A killed run leaves rows.partial.jsonl; one stopped with Ctrl-C leaves rows.json.
    Rows that ended in an error are answered again.
    """
    from eval.gold import GoldError
    from eval.rows import Row

    names = ("rows.partial.jsonl", "rows.json")
    if not any((folder / name).exists() for name in names):
        raise GoldError(f"{folder}: no run to resume (no rows.partial.jsonl or rows.json)")
    try:
        data = stored_rows(folder, names)
    except (OSError, ValueError, KeyError) as exc:
        raise GoldError(f"{folder}: cannot read the run to resume ({exc})") from None
    kept = {}  # by id: a question answered again after an error keeps its later row
    for row in map(Row.from_json, data):
        if row.id in wanted and row.error is None:
            kept[row.id] = row
    return list(kept.values())


def cmd_compare(args: argparse.Namespace) -> int:
    from eval.report import _table, changed_answers, compare, load_run

    try:
        a, b = load_run(args.a), load_run(args.b)
    except (OSError, ValueError, KeyError) as exc:
        raise BadInputError(f"cannot read run: {exc}") from None
    print(f"A: {args.a} ({a['config'].get('llm')})\nB: {args.b} ({b['config'].get('llm')})\n")
    print(compare(a, b))
    n, changed = changed_answers(a, b)
    print(f"\n{n - len(changed)} of {n} questions answered the same in both runs.")
    if changed and args.changed:
        print("\n" + _table(["id", "A", "B"], changed))
    elif changed:
        print("--changed lists the others.")
    return 0


def cmd_import_multihop(args: argparse.Namespace) -> int:
    from eval.importers.multihop_rag import convert

    n_articles, n_items = convert(args.corpus, args.queries, args.out)
    err.print(
        f"{n_articles} articles -> {args.out / 'articles.jsonl'}, {n_items} questions -> "
        f"{args.out / 'gold.jsonl'}\nnext: newsqa index build {args.out / 'articles.jsonl'} && "
        f"newsqa eval run --gold {args.out / 'gold.jsonl'}"
    )
    return 0
