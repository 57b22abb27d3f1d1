"""What an index was built with, so a mismatched model or setting is refused, not mixed."""

import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

# 2: nodes and BM25 in tantivy, filter columns in numpy, flat or IVF vectors.
FORMAT = 2
MANIFEST_FILE = "manifest.json"


@dataclass
class DocRecord:
    title: str
    content_hash: str
    chunks: int
    origin: str
    chunking: str
    source: str | None = None
    published_at: str | None = None
    url: str | None = None
    indexed_at: str = ""
    # A near-duplicate (index/dedup.py): the id of the article whose chunks answer for it.
    duplicate_of: str | None = None


@dataclass
class Manifest:
    embed_model: str
    embed_dim: int
    chunk_size: int
    chunk_overlap: int
    vector_index: dict = field(default_factory=dict)  # VectorIndexInfo.to_dict()
    documents: dict[str, DocRecord] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT

    @property
    def chunking(self) -> str:
        return f"size={self.chunk_size},overlap={self.chunk_overlap}"

    def save(self, folder: Path) -> None:
        self.versions = library_versions()
        data = {k: v for k, v in vars(self).items() if k != "documents"}
        data["documents"] = {k: vars(v) for k, v in self.documents.items()}
        # No indent: json's C encoder only runs without one (seconds vs minutes at 200k docs).
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        (folder / MANIFEST_FILE).write_text(text, "utf-8")

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        data = json.loads((folder / MANIFEST_FILE).read_text("utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(
                f"{folder}: index format {data.get('format')}, this newsqa reads {FORMAT}; "
                "rebuild it with: newsqa index build --rebuild PATH..."
            )
        docs = {k: DocRecord(**v) for k, v in data.pop("documents").items()}
        return cls(documents=docs, **data)


def library_versions() -> dict[str, str]:
    names = ["newsqa", "faiss-cpu", "llama-index-core", "sentence-transformers", "torch"]
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found
