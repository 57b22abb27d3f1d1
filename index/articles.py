"""The article record every loader produces and every chunk points back to."""

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class Article:
    doc_id: str
    title: str
    body: str
    origin: str  # file (and line) it came from, for messages
    source: str | None = None
    url: str | None = None
    published_at: str | None = None  # ISO date, YYYY-MM-DD
    author: str | None = None
    # False when the id was made from a file name or title (no `id`/`url` field): such an id
    # may clash with a different article's, which must never silently replace it.
    id_given: bool = True

    @property
    def origin_file(self) -> str:
        return origin_file(self.origin)

    @property
    def content_hash(self) -> str:
        fields = asdict(self)
        fields.pop("origin")  # moving a file does not change the article
        fields.pop("id_given")
        blob = json.dumps(fields, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def capped(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, at a word when one ends in its second half, with an
    ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    head = cut.rpartition(" ")[0]
    return (head if len(head) > limit // 2 else cut).rstrip() + "…"


def with_capped_title(article: "Article", limit: int) -> "Article":
    """Titles come from pages and feeds written by others: one of 200,000 characters would be
    stored in the record and in every chunk's metadata."""
    if len(article.title) <= limit:
        return article
    return replace(article, title=capped(" ".join(article.title.split()), limit))


def slugify(text: str, max_len: int = 80) -> str:
    """A readable id: letters and digits of any script kept ("статья" stays "статья")."""
    text = unicodedata.normalize("NFKC", text).lower()
    slug = re.sub(r"[\W_]+", "-", text).strip("-")
    return slug[:max_len].rstrip("-") or "article"


def origin_file(origin: str) -> str:
    """The file part of an origin ("feed.jsonl:12", "feed.json record 3" -> "feed.jsonl")."""
    origin = re.sub(r" record \d+$", "", origin)
    return re.sub(r":\d+$", "", origin)


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
