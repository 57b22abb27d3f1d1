"""The documents tab's work: list, upload (validated) and remove articles."""

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index import builder, feeds
from index.articles import origin_file
from index.errors import DocumentNotFoundError, NewsqaError
from index.loaders import SUPPORTED
from qa.answerer import Answerer


@dataclass
class UploadReport:
    message: str  # Markdown for the page
    ok: bool


def document_rows(answerer: Answerer) -> list[list]:
    docs = answerer.index.documents()
    return [
        [
            doc_id,
            rec.title,
            rec.source or "",
            rec.published_at or "",
            rec.chunks,
            rec.duplicate_of or "",
        ]
        for doc_id, rec in sorted(
            docs.items(), key=lambda kv: kv[1].published_at or "", reverse=True
        )
    ]


def _indexing_progress(
    on_progress: Callable[[float, str], None],
) -> tuple[Callable[[int], None], Callable[[int], None]]:
    """The builder's on_start/on_progress as a fraction and a line for the page's bar."""
    count = {"total": 1, "done": 0}

    def start(n: int) -> None:
        count["total"] = max(n, 1)
        on_progress(0.0, f"indexing {n} article(s)")

    def step(n: int) -> None:
        count["done"] += n
        on_progress(count["done"] / count["total"], f"indexed {count['done']} of {count['total']}")

    return start, step


def upload(
    answerer: Answerer,
    files: list[str],
    on_progress: Callable[[float, str], None] = lambda f, msg: None,
) -> UploadReport:
    """Validate, copy into the data dir, index; a bad file is named and harms nothing."""
    settings = answerer.settings
    if not files:
        return UploadReport("Choose one or more files first.", False)
    lines, keep = [], []
    limit = settings.index.max_file_mb * 1024 * 1024
    for f in files:
        path = Path(f)
        name = path.name
        if path.suffix.lower() not in SUPPORTED:
            lines.append(f"❌ **{name}**: unsupported type; use {', '.join(sorted(SUPPORTED))}")
        elif path.stat().st_size > limit:
            lines.append(f"❌ **{name}**: over the {settings.index.max_file_mb:g} MB limit")
        else:
            keep.append(path)
    if keep:
        folder = Path(settings.data_dir) / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        copies = []
        for path in keep:
            target = folder / path.name
            shutil.copyfile(path, target)
            copies.append(target)
        start, step = _indexing_progress(on_progress)
        outcome = builder.build(copies, settings, on_start=start, on_progress=step)
        # A rejected upload leaves nothing behind; a file one of whose records was indexed stays
        # (its articles point at it).
        indexed = {origin_file(r.origin) for r in builder.list_documents(settings).values()}
        failed = {str(Path(p.path).resolve()) for p in outcome.errors}
        for copy in copies:
            where = str(copy.resolve())
            if where in failed and where not in indexed:
                copy.unlink(missing_ok=True)
        for problem in outcome.problems:
            icon = "❌" if problem.severity == "error" else "⚠️"
            where = Path(problem.path).name + (f" line {problem.line}" if problem.line else "")
            lines.append(f"{icon} **{where}**: {problem.message}")
        if outcome.replaced:
            # An upload named like an earlier one replaces it: say so, never silently.
            lines.insert(0, f"♻️ replaced the earlier upload: {', '.join(outcome.replaced)}")
        changed = outcome.added + outcome.replaced
        if changed:
            lines.insert(
                0,
                f"✅ indexed {len(changed)} article(s), {outcome.chunks} chunks: {', '.join(changed)}",
            )
        elif outcome.unchanged:
            lines.insert(0, f"✅ already indexed, unchanged: {', '.join(outcome.unchanged)}")
        answerer.reload()
    ok = not any(line.startswith("❌") for line in lines)
    return UploadReport("\n\n".join(lines), ok)


def remove(answerer: Answerer, doc_id: str | None) -> UploadReport:
    if not doc_id:
        return UploadReport("Choose a document to remove.", False)
    try:
        record = builder.remove(doc_id, answerer.settings)
    except DocumentNotFoundError as exc:
        return UploadReport(f"❌ {exc}", False)
    answerer.reload()
    return UploadReport(f"🗑️ removed **{record.title}** ({record.chunks} chunks)", True)


# ---- feeds ---------------------------------------------------------------------------------

FEED_HEADERS = ["feed", "title", "items", "last refresh", "status"]


def feed_rows(answerer: Answerer) -> list[list]:
    return [
        [f.url, f.title, len(f.items), f.last_refresh or "", f.last_status]
        for f in feeds.load_feeds(answerer.settings).values()
    ]


FEEDS_OFF = (
    "❌ {what} here is off: start the chat with `--fetch-host HOST[:PORT]` for each outlet to "
    "allow, or use `newsqa feeds add URL` / `newsqa feeds refresh`."
)


def follow_feed(answerer: Answerer, url: str | None) -> UploadReport:
    """Follow a feed from the page: an http(s) URL (never a local file) on a host:port the
    person running the server allowed (ui_fetch_hosts / --fetch-host)."""
    url = (url or "").strip()
    if not url:
        return UploadReport("Enter a feed URL first.", False)
    hosts = frozenset(h.lower() for h in answerer.settings.fetch.ui_hosts)
    if not hosts:
        return UploadReport(FEEDS_OFF.format(what="Adding feeds"), False)
    try:
        added = feeds.follow_urls([url], answerer.settings, allowed_hosts=hosts)
    except NewsqaError as exc:
        return UploadReport(f"❌ {exc}", False)
    names = ", ".join(f"**{f.title or f.url}**" for f in added)
    return UploadReport(f"📰 following {names}; press *Refresh feeds now* to fetch it", True)


def refresh_feeds(
    answerer: Answerer, on_progress: Callable[[float, str], None] = lambda f, msg: None
) -> UploadReport:
    # The page can make the server fetch only when its operator allowed fetching from it; what
    # a refresh fetches (items, redirects) never reaches private addresses (index/netguard.py).
    if not answerer.settings.fetch.ui_hosts:
        return UploadReport(FEEDS_OFF.format(what="Refreshing feeds"), False)
    start, step = _indexing_progress(on_progress)
    try:
        outcome = feeds.refresh(
            answerer.settings,
            on_feed=lambda url: on_progress(0.0, f"polling {url}"),
            on_start=start,
            on_progress=step,
        )
    except NewsqaError as exc:
        return UploadReport(f"❌ {exc}", False)
    if not outcome.feeds:
        return UploadReport("No feeds followed yet.", False)
    lines = []
    for report in outcome.feeds:
        icon = "❌" if report.status == "error" else ("⚠️" if report.problems else "✅")
        lines.append(f"{icon} **{report.url}**: {feeds.status_line(report)}")
    if outcome.build is not None:
        for copy, original in outcome.build.copies:
            lines.append(f"🔁 {copy}: same story as {original}, cited with it")
        answerer.reload()
    return UploadReport("\n\n".join(lines), not outcome.failed)
