"""Article text and metadata from a news page, by trafilatura (the field's reference extractor).

Measured against the older BeautifulSoup loader on pages built from MultiHop-RAG articles with
real-world boilerplate around them (bench/extract.py, README › Feeds).
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html
import trafilatura

from index.articles import Article
from index.dates import date_in_text, parse_date

# Query parameters that only say where a reader came from: the same article either way.
TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid", "ocid")


class NoArticleText(ValueError):
    """The page has no article text (an index page, a paywall stub, an empty shell)."""


def canonical_url(url: str) -> str:
    """The URL that names an article: no fragment, no tracking parameters, lower-case host."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith(TRACKING)
    ]
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def article_from_page(
    html: str | bytes,
    url: str | None,
    origin: str,
    fallback_source: str | None = None,
    fallback_date: str | None = None,
) -> Article:
    """One Article; its id is the page's canonical URL (a re-fetch replaces, never duplicates)."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,  # short pages otherwise keep their menus (bench: same F1 on long ones)
    )
    text = (doc.text or "").strip() if doc is not None else ""
    if not text:
        raise NoArticleText("the page has no article text")
    meta = _page_meta(html)
    title = meta.get("og:title") or _title(doc.title, meta.get("title"))
    lines = text.split("\n")
    if title and lines[0].strip() == title:
        text = "\n".join(lines[1:]).strip() or text  # the headline is the title, not the body
    page_url = doc.url or url
    return Article(
        doc_id=canonical_url(page_url) if page_url else "",
        title=title or lines[0][:80],
        body=text,
        origin=origin,
        source=(doc.sitename or "").strip() or fallback_source or doc.hostname,
        url=canonical_url(page_url) if page_url else None,
        author=(doc.author or "").strip() or None,
        # The page's own published-time tag first: trafilatura's date guesses from the text.
        published_at=_date(meta.get("date"))
        or _date(doc.date)
        or fallback_date
        or date_in_text(text),
        id_given=bool(page_url),
    )


DATE_TAGS = ("article:published_time", "datepublished", "date", "pubdate", "dc.date")


def _page_meta(html: str | bytes) -> dict[str, str]:
    """og:title, <title> and the published-time tag, which trafilatura reads less reliably."""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return {}
    found: dict[str, str] = {}
    for tag in root.iter("meta"):
        name = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        content = (tag.get("content") or "").strip()
        if not content:
            continue
        if name == "og:title":
            found.setdefault("og:title", content)
        elif name in DATE_TAGS:
            found.setdefault("date", content)
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        found["title"] = " ".join(title.text_content().split())
    return found


def _title(extracted: str | None, page_title: str | None) -> str:
    """trafilatura's title when the page's <title> holds it, else <title> without the site part
    ("Headline | Outlet"); trafilatura alone sometimes takes a section name ("Health")."""
    extracted = (extracted or "").strip()
    if not page_title:
        return extracted
    parts = re.split(r"\s+[|\u2013\u2014-]\s+", page_title)
    head = max(parts, key=len) if len(parts) > 1 else page_title
    return extracted if extracted in page_title and len(extracted) >= len(head) else head


def _date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except (ValueError, OverflowError):
        return None
