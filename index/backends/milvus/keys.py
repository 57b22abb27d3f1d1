"""Rows of the docs collection and what a commit retires: the header, records ("d…") and copy
parts ("p…") keyed by batch and a hash of the article id, so no id can reach the header's key."""

import hashlib

from index.backends.milvus.client import quote

HEADER = "#header"
LAYOUT = 2  # the header's "layout": hashed keys, batches (1: keyed by article id, no batches)
PART_CHARS = 15_000  # a VARCHAR holds 65,535 bytes: 15k characters fit any script
VARCHAR_MAX = 65_535


class Stored:
    """The docs collection as read at open: each article's live record, and every row key."""

    EXTRA = (
        "doc_id",
        "batch",
        "signature",
        "parts",
        "text_hash",
    )  # record fields that are not DocRecord's

    def __init__(self, records: dict[str, dict] | None = None, keys: list[str] | None = None):
        self.records = records or {}
        self.keys = keys or []


class Retired:
    """What a commit retires: the older chunks of articles it wrote again, and every row of
    articles it removed. Hidden from readers by the pointer until deleted."""

    def __init__(self, replaced: list[str] | None = None, removed: list[str] | None = None):
        self.replaced, self.removed = replaced or [], removed or []

    def __bool__(self) -> bool:
        return bool(self.replaced or self.removed)

    @classmethod
    def from_pointer(cls, pointer: dict) -> "Retired":
        return cls(pointer.get("replaced"), pointer.get("removed"))

    def to_pointer(self) -> dict:
        return {"replaced": self.replaced, "removed": self.removed}

    def hide(self, expr: str, batch: int) -> str:
        """`expr` without the retired rows (Milvus Lite has no `not (…)`: written with `or`)."""
        if self.replaced:
            expr += f" and (doc_id not in {quote(self.replaced)} or batch >= {batch})"
        if self.removed:
            expr += f" and doc_id not in {quote(self.removed)}"
        return expr


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def _record_key(doc_id: str, batch: int) -> str:
    return f"d{batch:012d}:{_hash(doc_id)}"


def _part_key(doc_id: str, batch: int, n: int) -> str:
    return f"p{batch:012d}:{_hash(doc_id)}:{n}"


def _chunk_key(node_id: str, batch: int) -> str:
    return f"{batch:012d}:{_hash(node_id)}"


def _batch_of(key: str) -> int:
    return int(key[1:13])


def _row_keys(doc_id: str, record: dict) -> list[str]:
    batch = record["batch"]
    return [_record_key(doc_id, batch)] + [
        _part_key(doc_id, batch, n) for n in range(record.get("parts", 0))
    ]


def _parts(doc_id: str, batch: int, blob: str) -> list[dict]:
    """A copy's full text (to index it if its original goes) in rows a VARCHAR can hold."""
    chunks = [blob[i : i + PART_CHARS] for i in range(0, len(blob), PART_CHARS)]
    return [
        {"doc_id": _part_key(doc_id, batch, n), "record": c, "v": [0.0, 0.0]}
        for n, c in enumerate(chunks)
    ]
