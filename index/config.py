"""Settings shared by every package: env vars (NEWSQA_*) and an optional TOML file.

Precedence: explicit arguments > environment > config file (`newsqa.toml` in the working
directory, or the file named by NEWSQA_CONFIG) > defaults.
"""

import os
from pathlib import Path
from typing import Literal

from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

# Exact vector search up to this many chunks, IVF above. 20k: exact search costs 15 ms at 100k
# here, more than the rest of a query together (bench/retrieval.py); at 20k it is ~3 ms.
FLAT_MAX_VECTORS = 20_000


def config_file() -> Path:
    return Path(os.environ.get("NEWSQA_CONFIG", "newsqa.toml"))


class NewsqaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSQA_", extra="ignore")

    data_dir: Path = Path(".newsqa")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return (init_settings, env_settings, toml)


class IndexSettings(NewsqaSettings):
    index_dir: Path | None = None
    # Where chunks live (index/backends): "local" (FAISS + tantivy under index_dir) or "milvus".
    index_backend: Literal["local", "milvus"] = "local"
    # Milvus: empty = Milvus Lite (the engine embedded, one file under index_dir, one writer
    # process); a server or cluster: "http://host:19530" (with milvus_token if it needs one).
    milvus_uri: str = ""
    milvus_token: str = ""
    milvus_collection: str = "newsqa"
    # Lite runs FLAT, IVF_FLAT or AUTOINDEX; on a server HNSW is the usual choice at scale.
    milvus_index_type: str = "FLAT"
    # "all-MiniLM-L6-v2-int8" (packaged int8 ONNX: same vectors, 2x the ingest speed, 3 ms a
    # query), "all-MiniLM-L6-v2" (packaged, torch), any sentence-transformers folder, or a model
    # name already in the local Hugging Face cache. The two MiniLMs read each other's indexes.
    embed_model: str = "all-MiniLM-L6-v2-int8"
    # Word pieces of the embedder's own tokenizer; MiniLM truncates past 256.
    chunk_size: int = 128
    chunk_overlap: int = 20
    embed_batch_size: int = 32
    max_file_mb: float = 20.0
    # Near-duplicates from another outlet (syndicated copy) are recorded as copies of the
    # article already indexed, not chunked again (index/dedup.py).
    dedup: bool = True
    # Fetching feeds and pages (index/fetch.py).
    fetch_timeout_s: float = 10.0
    fetch_max_mb: float = 5.0
    fetch_max_redirects: int = 5
    # Hosts the chat UI may fetch feeds from. Empty: the UI cannot add feeds (a URL box in a
    # page served to others would let anyone make the server fetch internal addresses).
    ui_fetch_hosts: list[str] = []
    # "host" or "host:port" entries a fetch may reach at a loopback, private (RFC 1918, ULA) or
    # link-local address: a news server on the local network. Every other feed, item page and
    # redirect that resolves to such an address is refused (index/netguard.py).
    fetch_private_hosts: list[str] = []
    # Articles fetched from one feed in one refresh; the rest wait for the next refresh.
    feed_max_items: int = 50
    # Titles are cut to this many characters at intake (a feed or page may send any length).
    max_title_chars: int = 300
    # Torch threads for embedding: all cores for builds (the QA settings lower it while the LLM
    # shares the two cores).
    embed_threads: int = 2
    # Exact vector search up to this many chunks; above it an IVF index with measured recall.
    flat_max_vectors: int = FLAT_MAX_VECTORS

    def resolved_index_dir(self) -> Path:
        return Path(self.index_dir) if self.index_dir else Path(self.data_dir) / "index"
