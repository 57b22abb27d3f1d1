"""The article record every loader produces and every chunk points back to."""

import hashlib
import json
import re
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

    @property
    def content_hash(self) -> str:
        fields = asdict(self)
        fields.pop("origin")  # moving a file does not change the article
        blob = json.dumps(fields, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def slugify(text: str, max_len: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "article"
