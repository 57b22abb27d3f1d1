"""`newsqa feeds add|list|remove|refresh`: follow outlets' RSS/Atom feeds."""

import argparse
from pathlib import Path

from index import feeds
from index.cli import IndexingBar, add_allow_private, print_copies, settings_from
from index.console import err, out


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("feeds", help="follow RSS/Atom feeds and index their new articles")
    fsub = parser.add_subparsers(dest="feeds_cmd", required=True)

    a = fsub.add_parser("add", help="follow a feed URL, or every feed an OPML or text file lists")
    a.add_argument("source", metavar="URL|FILE")
    a.add_argument("--index", type=Path)
    add_allow_private(a)
    a.set_defaults(func=cmd_add)

    ls = fsub.add_parser("list", help="show followed feeds, last refresh and item counts")
    ls.add_argument("--index", type=Path)
    ls.set_defaults(func=cmd_list)

    rm = fsub.add_parser("remove", help="stop following a feed (its articles stay indexed)")
    rm.add_argument("url")
    rm.add_argument("--index", type=Path)
    rm.set_defaults(func=cmd_remove)

    r = fsub.add_parser("refresh", help="poll every feed once and index what is new or changed")
    r.add_argument("urls", nargs="*", metavar="URL", help="only these feeds (default: all)")
    r.add_argument("--index", type=Path)
    add_allow_private(r)
    r.set_defaults(func=cmd_refresh)


def cmd_add(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    for feed in feeds.add_feeds(args.source, settings):
        err.print(f"following {feed.url} ({feed.title or 'untitled'})")
    err.print("fetch their articles with: newsqa feeds refresh")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    followed = feeds.load_feeds(settings_from(args))
    # A line per feed, its URL whole (a table would cut it at the terminal's width).
    for feed in followed.values():
        out.print(feed.url)
        when = f"refreshed {feed.last_refresh}" if feed.last_refresh else "never refreshed"
        out.print(
            f"  {feed.title or 'untitled'} · {len(feed.items)} items · {when} · {feed.last_status}"
        )
    out.print(f"{len(followed)} feeds")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    feed = feeds.remove_feed(args.url, settings_from(args))
    err.print(f"stopped following {feed.url}; its {len(feed.items)} articles stay indexed")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    def on_feed(url: str) -> None:
        err.print(f"polling {url}")

    bar = IndexingBar()
    try:
        outcome = feeds.refresh(settings, args.urls or None, on_feed, bar.on_start, bar.on_progress)
    finally:
        bar.stop()
    for report in outcome.feeds:
        style = "red" if report.status == "error" else ("yellow" if report.problems else "green")
        err.print(f"{report.url}: {feeds.status_line(report)}", style=style)
        for problem in report.problems[1:]:
            err.print(f"  {problem}", style="yellow")
    if outcome.build is not None:
        b = outcome.build
        print_copies(b.copies)
        err.print(
            f"{len(b.added)} added, {len(b.replaced)} replaced, {len(b.unchanged)} unchanged; "
            f"{b.chunks} chunks in {b.seconds:.1f} s -> {settings.resolved_index_dir()}"
        )
    if not outcome.feeds:
        err.print("no feeds followed; add one with: newsqa feeds add URL")
    return 1 if outcome.failed else 0
