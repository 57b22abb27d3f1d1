"""`newsqa index build|list|remove`."""

import argparse
import sys
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from index import backends, builder
from index.config import IndexSettings
from index.console import clean, err, out
from index.vector_index import VectorIndexInfo


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("index", help="build, list and edit the article index")
    isub = parser.add_subparsers(dest="index_cmd", required=True)

    b = isub.add_parser(
        "build", help="index files, folders (.txt .md .html .json .jsonl) or article URLs"
    )
    # str, not Path: Path("https://x") would fold the "//".
    b.add_argument("paths", nargs="+", metavar="PATH|URL")
    b.add_argument("--index", type=Path, help="index directory (default .newsqa/index)")
    b.add_argument("--rebuild", action="store_true", help="start a new index from these paths")
    b.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="chunk and embed on a Ray cluster (ADDRESS, e.g. ray://head:10001; none: a Ray "
        "started on this machine, loopback only); needs pip install -e .[ray]",
    )
    add_allow_private(b)
    b.set_defaults(func=cmd_build)

    ls = isub.add_parser("list", help="show indexed documents with chunk counts")
    ls.add_argument("--index", type=Path)
    ls.set_defaults(func=cmd_list)

    rm = isub.add_parser("remove", help="delete one document by id")
    rm.add_argument("doc_id")
    rm.add_argument("--index", type=Path)
    rm.set_defaults(func=cmd_remove)


class IndexingBar:
    """A progress bar on stderr fed by the builder's on_start/on_progress."""

    def __init__(self, min_total: int = 1):
        self.min_total = min_total
        self.task = None
        self.progress = Progress(
            TextColumn("indexing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )

    def on_start(self, total: int) -> None:
        if total >= self.min_total:
            self.progress.start()
            self.task = self.progress.add_task("indexing", total=total)

    def on_progress(self, n: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, n)

    def stop(self) -> None:
        self.progress.stop()


def print_copies(copies: list[tuple[str, str]]) -> None:
    for copy, original in copies:
        err.print(f"{copy}: near-duplicate of {original}; cited with it, not indexed again")


def add_allow_private(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-private",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="let fetches reach this host at a loopback, private or link-local address (a news "
        "server on your network; repeatable; no port: 80 and 443). Without it such addresses "
        "are refused, redirects and feed items included",
    )


def fetch_overrides(args: argparse.Namespace, settings_cls=IndexSettings) -> dict:
    """Settings the fetch flags add to what the environment and newsqa.toml say."""
    extra = getattr(args, "allow_private", None)
    if not extra:
        return {}
    return {"fetch": {"private_hosts": [*settings_cls().fetch.private_hosts, *extra]}}


def settings_from(args: argparse.Namespace) -> IndexSettings:
    overrides = {"index_dir": args.index} if getattr(args, "index", None) else {}
    return IndexSettings(**overrides, **fetch_overrides(args))


def cmd_build(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    bar = IndexingBar(min_total=4)  # a bar for one article is noise
    try:  # an error goes to ui.cli's boundary, the one place that prints it
        outcome = builder.build(
            args.paths, settings, args.rebuild, bar.on_start, bar.on_progress, ray=args.ray
        )
    finally:
        bar.stop()
    for problem in outcome.problems:
        style = "red" if problem.severity == "error" else "yellow"
        err.print(str(problem), style=style)
    rate = outcome.chunks / outcome.seconds if outcome.seconds else 0.0
    print_copies(outcome.copies)
    err.print(
        f"{len(outcome.added)} added, {len(outcome.replaced)} replaced, "
        f"{len(outcome.unchanged)} unchanged; {outcome.chunks} chunks in "
        f"{outcome.seconds:.1f} s ({rate:.1f} chunks/s) -> {backends.describe(settings)}"
    )
    return 1 if outcome.errors else 0


def cmd_list(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    manifest = builder.read_manifest(settings)
    docs = manifest.documents
    copies = {d: r.duplicate_of for d, r in docs.items() if r.duplicate_of}
    columns = ["id", "title", "source", "published", "chunks"] + (["copy of"] if copies else [])
    table = Table(*columns)
    for doc_id, rec in sorted(docs.items()):
        row = [doc_id, rec.title, rec.source or "", rec.published_at or "", str(rec.chunks)]
        row += [rec.duplicate_of or ""] if copies else []
        table.add_row(*map(clean, row))
    out.print(table)
    out.print(f"{len(docs)} documents, {sum(r.chunks for r in docs.values())} chunks")
    if copies:
        # The groups: each original with the outlets that ran a near-copy of it.
        out.print(f"near-duplicates: {len(copies)} copies of {len(set(copies.values()))} articles")
        for original in sorted(set(copies.values())):
            outlets = [docs[c].source or c for c, o in sorted(copies.items()) if o == original]
            head = docs[original].source or original if original in docs else original
            out.print(f"  {original} ({head}) also reported by {', '.join(outlets)}")
    vectors = manifest.vector_index
    out.print(f"vectors: {vectors.get('engine') or VectorIndexInfo(**vectors).describe()}")
    out.print(f"embedded by: {manifest.embed_model} ({manifest.embed_dim} dimensions)")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    record = builder.remove(args.doc_id, settings)
    err.print(f"removed {args.doc_id!r} ({record.title}, {record.chunks} chunks)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m index …`: `newsqa index …` through the same error boundary."""
    from index.errors import guarded

    parser = argparse.ArgumentParser(prog="python -m index")
    sub = parser.add_subparsers(dest="cmd", required=True)
    add_parser(sub)
    args = parser.parse_args(["index", *(argv if argv is not None else sys.argv[1:])])
    return guarded(args.func, args)
