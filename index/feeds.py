"""Feeds the user follows: RSS/Atom polled with conditional GETs, new items fetched and indexed.

The list and each feed's state (ETag, Last-Modified, the items seen and a fingerprint of each)
live in INDEX_DIR/feeds.json, next to the index they fill. A refresh fetches every feed once; a
feed that fails is reported and the others still done; nothing indexed is ever lost by it.
"""

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

from index import builder
from index.articles import Article, capped
from index.config import IndexSettings
from index.errors import BadInputError, DocumentNotFoundError
from index.extract import NoArticleText, article_from_page, canonical_url
from index.fetch import FEED_TYPES, PAGE_TYPES, FetchError, FetchLimits, fetch, is_url, make_client
from index.store import file_lock

FEEDS_FILE = "feeds.json"
FEEDS_LOCK = ".feeds.lock"


@dataclass
class ItemState:
    doc_id: str
    fingerprint: str  # of the feed entry: a changed entry means a changed article
    etag: str | None = None  # of the article page
    last_modified: str | None = None


@dataclass
class Feed:
    url: str
    title: str = ""
    added_at: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_refresh: str | None = None
    last_status: str = "never refreshed"
    items: dict[str, ItemState] = field(default_factory=dict)  # by the entry's link

    @classmethod
    def from_json(cls, data: dict) -> "Feed":
        items = {k: ItemState(**v) for k, v in data.pop("items", {}).items()}
        return cls(items=items, **data)


@dataclass
class FeedReport:
    url: str
    status: str  # "ok", "not modified" or "error"
    message: str = ""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    waiting: int = 0  # new items over feed_max_items: fetched at the next refresh
    problems: list[str] = field(default_factory=list)


@dataclass
class RefreshOutcome:
    feeds: list[FeedReport] = field(default_factory=list)
    build: builder.BuildOutcome | None = None

    @property
    def failed(self) -> bool:
        return any(f.status == "error" or f.problems for f in self.feeds)


# ---- the list of feeds ---------------------------------------------------------------------


def feeds_path(settings: IndexSettings) -> Path:
    return settings.resolved_index_dir() / FEEDS_FILE


def load_feeds(settings: IndexSettings) -> dict[str, Feed]:
    path = feeds_path(settings)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        return {f["url"]: Feed.from_json(f) for f in data["feeds"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise BadInputError(f"{path}: cannot read the feed list ({exc})") from None


def save_feeds(settings: IndexSettings, feeds: dict[str, Feed]) -> None:
    path = feeds_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(
        json.dumps({"feeds": [asdict(f) for f in feeds.values()]}, ensure_ascii=False, indent=1),
        "utf-8",
    )
    os.replace(tmp, path)  # a crash leaves the old list, never half a file


def feeds_lock(settings: IndexSettings):
    """One refresh (or add/remove) at a time: two would fetch twice and lose each other's state."""
    return file_lock(settings.resolved_index_dir() / FEEDS_LOCK)


def add_feeds(
    source: str, settings: IndexSettings, allowed_hosts: frozenset[str] | None = None
) -> list[Feed]:
    """From the CLI: follow a feed URL, or every feed URL a local file lists (OPML, or one URL
    a line). The chat page calls `follow_urls` with URLs only: it never reads a local file."""
    urls = [source] if is_url(source) else feed_urls_in(Path(source))
    return follow_urls(urls, settings, allowed_hosts)


def follow_urls(
    urls: list[str], settings: IndexSettings, allowed_hosts: frozenset[str] | None = None
) -> list[Feed]:
    """Follow http(s) feed URLs. Each one is fetched once to check it is a feed: a typo is an
    error now, not a silent empty refresh."""
    for url in urls:
        if not is_url(url):
            raise BadInputError(f"{url!r} is not an http(s) feed URL")
    limits = FetchLimits.from_settings(settings, allowed_hosts)
    added = []
    with feeds_lock(settings):
        feeds = load_feeds(settings)
        with make_client(limits) as client:
            for url in urls:
                got = fetch(url, FEED_TYPES + PAGE_TYPES, limits, client=client)
                if any(kind in got.content_type for kind in PAGE_TYPES):
                    # An outlet's home page: follow the feed it names, as feed readers do.
                    url = feed_link_in(got.body, got.url)
                    got = fetch(url, FEED_TYPES, limits, client=client)
                parsed = parse_feed(got.body, url)
                feed = feeds.get(url) or Feed(url=url, added_at=_now())
                feed.title = _feed_title(parsed, settings) or feed.title
                feeds[url] = feed
                added.append(feed)
        save_feeds(settings, feeds)
    return added


def _feed_title(parsed: feedparser.FeedParserDict, settings: IndexSettings) -> str:
    return capped(
        " ".join(str(parsed.feed.get("title", "")).split()), settings.index.max_title_chars
    )


def remove_feed(url: str, settings: IndexSettings) -> Feed:
    """Stop following a feed; the articles it brought stay indexed (remove them by id)."""
    with feeds_lock(settings):
        feeds = load_feeds(settings)
        if url not in feeds:
            known = ", ".join(feeds) or "none"
            raise DocumentNotFoundError(f"not following {url!r} (feeds: {known})")
        feed = feeds.pop(url)
        save_feeds(settings, feeds)
    return feed


def feed_urls_in(path: Path) -> list[str]:
    """Feed URLs in an OPML file (what feed readers export) or a text file of URLs. Messages
    name lines, never echo the file's content: the file may be anything (/etc/passwd)."""
    if not path.is_file():
        raise BadInputError(f"{path}: no such file (give a feed URL or a file listing feeds)")
    text = path.read_text("utf-8", errors="replace")
    if text.lstrip().startswith("<"):
        try:
            root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError as exc:
            line = getattr(exc, "lineno", None) or "?"
            raise BadInputError(
                f"{path}: not a valid OPML file (XML error at line {line})"
            ) from None
        urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
        bad = [f"outline {i + 1}" for i, u in enumerate(urls) if not is_url(u)]
    else:
        lines = [
            (n, line.strip())
            for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.startswith("#")
        ]
        urls = [u for _, u in lines]
        bad = [f"line {n}" for n, u in lines if not is_url(u)]
    if bad:
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        raise BadInputError(
            f"{path}: not a list of feeds: {', '.join(bad[:3])}{more} not an http(s) URL"
        )
    if not urls:
        raise BadInputError(f"{path}: lists no feed URLs")
    return urls


def feed_link_in(html: bytes, url: str) -> str:
    """The feed a web page announces with <link rel="alternate" type="application/rss+xml">."""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, etree.ParserError):
        root = None
    if root is not None:
        for link in root.iter("link"):
            kind = (link.get("type") or "").lower()
            if "alternate" in (link.get("rel") or "").lower() and ("rss" in kind or "atom" in kind):
                if link.get("href"):
                    return urljoin(url, link.get("href"))
    raise FetchError(f"{url}: a web page, not an RSS or Atom feed, and it names no feed")


def parse_feed(body: bytes, url: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(body)
    linked = [e for e in parsed.entries if e.get("link")]
    if parsed.bozo and not linked:
        exc = parsed.get("bozo_exception")
        where = f" at line {exc.getLineNumber()}" if hasattr(exc, "getLineNumber") else ""
        raise FetchError(f"{url}: malformed feed XML{where}: {exc}")
    if not parsed.version and not linked:
        raise FetchError(f"{url}: not an RSS or Atom feed")
    return parsed


# ---- refreshing ----------------------------------------------------------------------------


@dataclass
class _Fetched:
    feed: Feed
    link: str
    state: ItemState
    article: Article
    new: bool


def refresh(
    settings: IndexSettings,
    urls: list[str] | None = None,
    on_feed: Callable[[str], None] = lambda url: None,
    on_start: Callable[[int], None] = lambda total: None,
    on_progress: Callable[[int], None] = lambda n: None,
) -> RefreshOutcome:
    """Poll every feed (or the given ones) once and index what is new or changed."""
    outcome = RefreshOutcome()
    limits = FetchLimits.from_settings(settings)
    with feeds_lock(settings):
        feeds = load_feeds(settings)
        chosen = [feeds[u] for u in urls] if urls else list(feeds.values())
        fetched: list[_Fetched] = []
        with make_client(limits) as client:
            for feed in chosen:
                on_feed(feed.url)
                report = FeedReport(feed.url, "ok")
                outcome.feeds.append(report)
                try:
                    fetched += _poll(feed, report, limits, client, settings)
                except FetchError as exc:
                    report.status, report.message = "error", str(exc)
                feed.last_refresh = _now()
        if fetched:
            outcome.build = builder.build_articles(
                [f.article for f in fetched],
                settings,
                on_start=on_start,
                on_progress=on_progress,
                where="feeds",
            )
            failed = {p.path for p in outcome.build.errors}
            reports = {r.url: r for r in outcome.feeds}
            for item in fetched:
                report = reports[item.feed.url]
                if item.article.origin in failed:  # not indexed: tried again next refresh
                    report.problems += [
                        str(p) for p in outcome.build.errors if p.path == item.article.origin
                    ]
                    continue
                item.feed.items[item.link] = item.state
                if item.new:
                    report.new += 1
                else:
                    report.updated += 1
        for report in outcome.feeds:
            feed = feeds[report.url]
            feed.last_status = status_line(report)
        save_feeds(settings, feeds)
    return outcome


def _poll(
    feed: Feed, report: FeedReport, limits: FetchLimits, client, settings: IndexSettings
) -> list[_Fetched]:
    got = fetch(feed.url, FEED_TYPES, limits, feed.etag, feed.last_modified, client)
    if got.not_modified:
        report.status = "not modified"
        report.unchanged = len(feed.items)
        return []
    parsed = parse_feed(got.body, feed.url)
    if parsed.bozo:
        report.problems.append(
            f"feed XML is malformed ({parsed.get('bozo_exception')}); read what parsed"
        )
    feed.title = _feed_title(parsed, settings) or feed.title
    out = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        fingerprint = _fingerprint(entry)
        known = feed.items.get(link)
        if known is not None and known.fingerprint == fingerprint:
            report.unchanged += 1
            continue
        if len(out) >= settings.fetch.feed_max_items:  # a feed of thousands: the rest next time
            report.waiting += 1
            continue
        try:
            item = _fetch_item(feed, entry, link, fingerprint, known, limits, client)
        except (FetchError, NoArticleText) as exc:
            report.problems.append(f"{link}: {exc}")
            continue
        if item is None:  # the page itself answered 304
            feed.items[link] = ItemState(known.doc_id, fingerprint, known.etag, known.last_modified)
            report.unchanged += 1
            continue
        out.append(item)
    # Only now: a feed whose items failed or wait keeps its old validators, so they are tried
    # again.
    if not report.problems and not report.waiting:
        feed.etag, feed.last_modified = got.etag, got.last_modified
    return out


def _fetch_item(
    feed: Feed,
    entry,
    link: str,
    fingerprint: str,
    known: ItemState | None,
    limits: FetchLimits,
    client,
) -> _Fetched | None:
    etag = known.etag if known else None
    modified = known.last_modified if known else None
    page = fetch(link, PAGE_TYPES, limits, etag, modified, client)
    if page.not_modified:
        return None
    origin = f"{page.url} (feed {feed.url})"
    article = article_from_page(
        page.body,
        page.url,
        origin,
        fallback_source=feed.title or urlsplit(feed.url).hostname,
        fallback_date=_entry_date(entry),
    )
    if not article.doc_id:
        article = _with_id(article, canonical_url(page.url))
    state = ItemState(article.doc_id, fingerprint, page.etag, page.last_modified)
    return _Fetched(feed, link, state, article, new=known is None)


def _with_id(article: Article, url: str) -> Article:
    return replace(article, doc_id=url, url=url, id_given=True)


def _fingerprint(entry) -> str:
    # "updated" read only when the entry has it: feedparser warns when it falls back.
    keys = ("id", "link", "title", "published", "summary")
    parts = [entry.get(k, "") for k in keys] + [dict.get(entry, "updated", "")]
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _entry_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    return None


def status_line(report: FeedReport) -> str:
    if report.status == "error":
        return f"error: {report.message}"
    if report.status == "not modified":
        return "not modified"
    line = f"ok: {report.new} new, {report.updated} updated, {report.unchanged} unchanged"
    if report.waiting:
        line += f", {report.waiting} waiting for the next refresh (NEWSQA_FETCH__FEED_MAX_ITEMS)"
    if report.problems:
        line += f"; {len(report.problems)} problem(s): {report.problems[0]}"
    return line


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
