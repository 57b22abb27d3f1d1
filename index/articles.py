"""The article record every loader produces and every chunk points back to."""

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass


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
