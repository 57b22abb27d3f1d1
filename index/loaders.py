"""Turn files and folders into Articles; every problem names its file (and line)."""

import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from bs4 import BeautifulSoup

from index.articles import Article, short_hash, slugify
from index.dates import date_in_text, parse_date
from index.extract import NoArticleText, article_from_page

TEXT_EXTS = {".txt", ".md", ".markdown"}
HTML_EXTS = {".html", ".htm"}
RECORD_EXTS = {".json", ".jsonl"}
SUPPORTED = TEXT_EXTS | HTML_EXTS | RECORD_EXTS
BODY_KEYS = ("body", "text", "content")
DATE_KEYS = ("published_at", "published", "date")
TOO_DEEP = "JSON nested too deeply to be an article"
# Boilerplate that is never the article itself.
HTML_DROP = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe"]


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class _Bad(Exception):
    def __init__(self, message: str, line: int | None = None, severity: str = "error"):
        super().__init__(message)
        self.line = line
        self.severity = severity


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under the given paths, folders walked recursively, hidden entries skipped."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                # Not only regular files: a FIFO or device in the folder is named and refused.
                if not child.is_dir() and not any(part.startswith(".") for part in rel.parts):
                    yield child
        else:
            yield path


def load_paths(paths: Iterable[Path], max_file_mb: float = 20.0) -> LoadResult:
    result = LoadResult()
    seen: dict[str, Article] = {}
    for path in discover(paths):
        try:
            articles, problems = load_file(path, max_file_mb)
        except _Bad as bad:
            result.problems.append(Problem(str(path), str(bad), bad.line, bad.severity))
            continue
        except (RecursionError, MemoryError, ValueError, OSError) as exc:
            # Whatever a hostile file does, it costs only that file, never the build.
            msg = f"cannot load ({type(exc).__name__}: {exc}); skipped"
            result.problems.append(Problem(str(path), msg))
            continue
        result.problems.extend(problems)
        for article in articles:
            first = seen.get(article.doc_id)
            if first is not None:
                if first.content_hash == article.content_hash:
                    result.problems.append(
                        Problem(
                            str(path),
                            f"same article as {first.origin} (id {article.doc_id!r}); skipped",
                            severity="warning",
                        )
                    )
                    continue
                if article.id_given:
                    result.problems.append(
                        Problem(
                            str(path),
                            f"duplicate article id {article.doc_id!r} (also in {first.origin}) "
                            "with different text; skipped",
                        )
                    )
                    continue
                article = with_distinct_id(article)
            seen[article.doc_id] = article
            result.articles.append(article)
    return result


def with_distinct_id(article: Article) -> Article:
    """A made-up id another article already has, made unique by where this one comes from.

    Files: by their path, so re-indexing the same file keeps its id. Records without id/url
    that share a file and a title: by their text.
    """
    key = article.origin_file
    if key != article.origin:  # a record: its file and its text
        key += "\n" + article.body
    doc_id = f"{article.doc_id}-{short_hash(key)}"
    return replace(article, doc_id=doc_id)


def load_file(path: Path, max_file_mb: float = 20.0) -> tuple[list[Article], list[Problem]]:
    """Articles of one file, and problems with single records; raises _Bad for the whole file."""
    if not path.exists() and not path.is_symlink():
        raise _Bad("no such file or folder")
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise _Bad(
            f"unsupported file type {ext or '(none)'!r}; skipped "
            f"(supported: {', '.join(sorted(SUPPORTED))})",
            severity="warning",
        )
    text = _read_text(path, max_file_mb)
    if not text.strip():
        raise _Bad("empty file; skipped", severity="warning")
    if ext in TEXT_EXTS:
        return [_from_text(path, text)], []
    if ext in HTML_EXTS:
        return [_from_html(path, text)], []
    return _from_records(path, text, jsonl=ext == ".jsonl")


def _read_text(path: Path, max_file_mb: float) -> str:
    limit = int(max_file_mb * 1024 * 1024)
    raw = _read_bounded(path, limit)
    if b"\x00" in raw[:8192]:
        raise _Bad("binary file, not text; skipped")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _Bad(f"invalid UTF-8 at byte {exc.start}; save the file as UTF-8", line) from None


def _read_bounded(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file; a FIFO, device or endless file is refused.

    Opened non-blocking so a FIFO cannot hang the build, checked with fstat on the open file
    (not the name), and read only up to the limit whatever size the file claims.
    """

    def too_big(size: str) -> _Bad:
        return _Bad(
            f"file is {size}over the {limit / 1024 / 1024:g} MB limit (NEWSQA_INDEX__MAX_FILE_MB); "
            "split it or raise the limit"
        )

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise _Bad("no such file or folder") from None
    except OSError as exc:
        raise _Bad(f"cannot read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Bad("not a regular file (a pipe, device or socket); skipped")
        if info.st_size > limit:
            raise too_big(f"{info.st_size / 1024 / 1024:.1f} MB, ")
        try:
            raw = fh.read(limit + 1)
        except OSError as exc:
            raise _Bad(f"cannot read: {exc.strerror}") from None
    if len(raw) > limit:
        raise too_big("")
    return raw


def _origin(path: Path) -> str:
    # Absolute, so the same file is recognised whatever folder a later build runs from.
    return str(path.resolve())


def _from_text(path: Path, text: str) -> Article:
    body = text.strip("\n")
    first = body.splitlines()[0].strip()
    title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
    if first.startswith("#"):
        title = first.lstrip("#").strip()
    return Article(
        doc_id=slugify(path.stem),
        title=title,
        body=body,
        origin=_origin(path),
        published_at=date_in_text(body),
        id_given=False,
    )


def _from_html(path: Path, html: str) -> Article:
    """A saved page: trafilatura's text and metadata (bench/extract.py: body F1 0.995 against
    0.71 for the BeautifulSoup walk it replaced), that walk only when trafilatura finds none."""
    try:
        page = article_from_page(html, None, _origin(path))
    except NoArticleText:
        page = _from_html_blocks(path, html)
    # A saved file keeps its file-name id (re-indexing it replaces); the page's URL is metadata.
    return replace(page, doc_id=slugify(path.stem), id_given=False)


def _from_html_blocks(path: Path, html: str) -> Article:
    soup = BeautifulSoup(html, "html.parser")

    def meta(*names: str) -> str | None:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find(
                "meta", attrs={"name": name}
            )
            if tag and tag.get("content"):
                return tag["content"].strip()
        return None

    title = meta("og:title") or (
        soup.title.string.strip() if soup.title and soup.title.string else None
    )
    source = meta("og:site_name")
    url = meta("og:url")
    author = meta("author", "article:author")
    published = meta("article:published_time", "date", "pubdate")
    for tag in soup(HTML_DROP):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = [
        " ".join(el.get_text(" ", strip=True).split())
        for el in root.find_all(["h1", "h2", "h3", "h4", "p", "li", "blockquote"])
        if not el.find_parent(["p", "li", "blockquote"])
    ]
    body = "\n".join(b for b in blocks if b) or " ".join(root.get_text(" ", strip=True).split())
    if not body:
        raise _Bad("HTML has no article text; skipped", severity="warning")
    h1 = root.find("h1")
    title = title or (h1.get_text(" ", strip=True) if h1 else path.stem)
    return Article(
        doc_id=slugify(path.stem),
        title=title,
        body=body,
        origin=_origin(path),
        source=source,
        url=url,
        author=author,
        published_at=_date_or_none(published, path, None) or date_in_text(body),
        id_given=False,
    )


def _from_records(path: Path, text: str, jsonl: bool) -> tuple[list[Article], list[Problem]]:
    problems: list[Problem] = []
    if jsonl:
        records = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                msg = f"malformed JSON: {exc.msg} (column {exc.colno}); line skipped"
                problems.append(Problem(str(path), msg, n))
            except RecursionError:
                problems.append(Problem(str(path), f"{TOO_DEEP}; line skipped", n))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _Bad(f"malformed JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
        except RecursionError:
            raise _Bad(TOO_DEEP) from None
        if isinstance(data, list) and not data:
            raise _Bad("the JSON file holds an empty list: no articles", severity="warning")
        items = data if isinstance(data, list) else [data]
        # Without per-record lines, name the record by its position.
        records = [(None, item) for item in items]
    articles = []
    file = _origin(path)
    for pos, (line, record) in enumerate(records, start=1):
        where = f"{file}:{line}" if line else (f"{file} record {pos}" if len(records) > 1 else file)
        try:
            articles.append(_from_record(record, where, line, path))
        except _Bad as bad:
            label = "" if line or len(records) == 1 else f"record {pos}: "
            problems.append(Problem(str(path), f"{label}{bad}; record skipped", line))
    return articles, problems


def _from_record(record: object, where: str, line: int | None, path: Path) -> Article:
    if not isinstance(record, dict):
        raise _Bad("an article record must be a JSON object", line)
    body = next((record[k] for k in BODY_KEYS if isinstance(record.get(k), str)), None)
    if body is None or not body.strip():
        raise _Bad("record has no text in field 'body' (or 'text'/'content')", line)
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise _Bad("field 'title' must be a string", line)
    title = (title or "").strip() or body.strip().split("\n")[0][:80]
    raw_date = next((record[k] for k in DATE_KEYS if record.get(k)), None)
    given = _id_field(record, line)
    # Records without an id or url are named by file and title so two feeds cannot clash.
    doc_id = given or slugify(f"{path.stem}-{title}")
    return Article(
        doc_id=doc_id,
        id_given=given is not None,
        title=title,
        body=body.strip("\n"),
        origin=where,
        source=_str_or_none(record.get("source")),
        url=_str_or_none(record.get("url")),
        author=_str_or_none(record.get("author")),
        published_at=_date_or_none(raw_date, where, line),
    )


def _id_field(record: dict, line: int | None) -> str | None:
    for key in ("id", "url"):
        value = record.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _Bad(
                f"field {key!r} must be a string or a number, not {type(value).__name__}", line
            )
        return str(value).strip() or None
    return None


def _date_or_none(value: object, where: object, line: int | None) -> str | None:
    if value in (None, ""):
        return None
    try:
        return parse_date(str(value))
    except (ValueError, OverflowError):
        raise _Bad(f"field 'published_at' is not a date: {value!r}", line) from None


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value).strip() or None
