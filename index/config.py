"""Settings in nested sections: env vars (`NEWSQA_SECTION__FIELD`), `[section]` tables in a TOML
file, or keyword arguments. `newsqa config` prints the effective values and where each came from.

Precedence: explicit arguments > environment > config file (`newsqa.toml` in the working
directory, or the file named by NEWSQA_CONFIG) > defaults.

The index package owns the sections it reads (index, milvus, embed, fetch); qa.settings adds the
answering sections on top (llm, retrieval, answer), so nothing here knows about the LLM. The
flat names of earlier releases (`NEWSQA_TOP_K`, `top_k = 4` at the top of newsqa.toml,
`Settings(top_k=4)`) are still read, with a warning naming the new spelling.
"""

import json
import os
import warnings
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from index.errors import BadInputError

# Exact vector search up to this many chunks, IVF above. 20k: exact search costs 15 ms at 100k
# here, more than the rest of a query together (bench/retrieval.py); at 20k it is ~3 ms.
FLAT_MAX_VECTORS = 20_000


def config_file() -> Path:
    return Path(os.environ.get("NEWSQA_CONFIG", "newsqa.toml"))


class Section(BaseModel):
    # A misspelt key in a [section] table is an error naming it, not a silent default.
    model_config = ConfigDict(extra="forbid")


class IndexSection(Section):
    backend: Literal["local", "milvus"] = Field(
        "local",
        description='Where chunks live (index/backends): "local" (FAISS + tantivy under '
        'index_dir) or "milvus".',
    )
    chunk_size: int = Field(
        128,
        description="Chunk length in the embedder's own word pieces (MiniLM truncates past 256). "
        "128/20 from bench/chunk_sizes.py on the seed gold set (README: Chunking).",
    )
    chunk_overlap: int = Field(20, description="Word pieces two neighbouring chunks share.")
    max_file_mb: float = Field(20.0, description="A larger file is refused at intake.")
    dedup: bool = Field(
        True,
        description="Near-duplicates from another outlet (syndicated copy) are recorded as "
        "copies of the article already indexed, not chunked again (index/dedup.py).",
    )
    max_title_chars: int = Field(
        300, description="Titles are cut to this many characters at intake."
    )
    flat_max_vectors: int = Field(
        FLAT_MAX_VECTORS,
        description="Exact vector search up to this many chunks; above it an IVF index with "
        "measured recall (bench/retrieval.py: exact search costs ~3 ms at 20k, 15 ms at 100k).",
    )


class MilvusSection(Section):
    uri: str = Field(
        "",
        description="Empty: Milvus Lite (the engine embedded, one file under index_dir, one "
        'writer process); a server or cluster: "http://host:19530".',
    )
    token: str = Field("", description="The server's token, if it needs one.")
    collection: str = "newsqa"
    index_type: str = Field(
        "FLAT",
        description="Lite runs FLAT, IVF_FLAT or AUTOINDEX; on a server HNSW is the usual "
        "choice at scale.",
    )


class EmbedSection(Section):
    model: str = Field(
        "all-MiniLM-L6-v2-int8",
        description='"all-MiniLM-L6-v2-int8" (packaged int8 ONNX: same vectors, 2x the ingest '
        'speed, bench/ingest.py), "all-MiniLM-L6-v2" (packaged, torch), any '
        "sentence-transformers folder, or a model already in the local Hugging Face cache.",
    )
    batch_size: int = 32
    build_threads: int = Field(
        2, description="Threads for `newsqa index build`, which has the cores to itself."
    )
    query_threads: int = Field(
        1,
        description="Threads inside the app (questions, uploads in the chat, eval): a query is "
        "tiny and llama.cpp needs the cores (bench/contention.py).",
    )


class FetchSection(Section):
    timeout_s: float = 10.0
    max_mb: float = 5.0
    max_redirects: int = 5
    ui_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts the chat UI may fetch feeds from. Empty: the UI cannot add feeds (a "
        "URL box in a page served to others would let anyone make the server fetch internal "
        "addresses).",
    )
    private_hosts: list[str] = Field(
        default_factory=list,
        description='"host" or "host:port" a fetch may reach at a loopback, private or '
        "link-local address (a news server on the local network); every other such address "
        "is refused (index/netguard.py).",
    )
    feed_max_items: int = Field(
        50, description="Articles fetched from one feed in one refresh; the rest wait."
    )


class SettingsError(BadInputError):
    """A setting that cannot be used, named as a user writes it."""

    def __init__(self, exc: ValidationError):
        problems = []
        for error in exc.errors():
            path = [str(part) for part in error["loc"]]
            problems.append(f"{'.'.join(path)} (NEWSQA_{'__'.join(path).upper()}): {error['msg']}")
        super().__init__(
            f"settings ({config_file()}, the environment or arguments): " + "; ".join(problems)
        )


def _env_key(name: str) -> str | None:
    for key in os.environ:
        if key.upper() == name.upper():
            return key
    return None


class _Legacy(PydanticBaseSettingsSource):
    """Reads earlier releases' flat names from another source's values (the TOML file, keyword
    arguments) or from the environment, and hands them on in their sections."""

    def __init__(self, settings_cls, inner: PydanticBaseSettingsSource | None, origin: str):
        super().__init__(settings_cls)
        self.inner = inner
        self.origin = origin

    def get_field_value(self, field, field_name):  # values come whole from __call__
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        renames = self.settings_cls.LEGACY_NAMES
        if self.inner is not None:
            return nest_legacy(self.inner(), renames, self.origin)
        flat = {}
        for old in renames:
            key = _env_key(f"NEWSQA_{old}")
            if key is not None:
                value = os.environ[key]
                flat[old] = json.loads(value) if value.lstrip().startswith("[") else value
        return nest_legacy(flat, renames, "the environment")


def _flat_spelling(old: str, origin: str) -> str:
    return f"NEWSQA_{old.upper()}" if origin == "the environment" else old


def _new_spelling(path: tuple[str, str], origin: str) -> str:
    if origin == "the environment":
        return "NEWSQA_" + "__".join(path).upper()
    if origin == "newsqa.toml":
        return f"[{path[0]}] {path[1]}"
    return f"{path[0]}={{{path[1]!r}: ...}}"


def nest_legacy(
    values: dict[str, Any], renames: dict[str, tuple[tuple[str, str], ...]], origin: str
) -> dict[str, Any]:
    """Moves flat names of earlier releases into their sections, warning once per name; a
    value already given in its section wins."""
    out = {k: v for k, v in values.items() if k not in renames}
    for old, paths in renames.items():
        if old not in values:
            continue
        new = " and ".join(_new_spelling(p, origin) for p in paths)
        warnings.warn(
            f"{_flat_spelling(old, origin)} ({origin}) is an old name: write {new}",
            FutureWarning,  # shown to users by default, unlike DeprecationWarning
            stacklevel=2,
        )
        for section, field in paths:
            table = out.setdefault(section, {})
            if isinstance(table, BaseModel):
                table = out[section] = table.model_dump()
            table.setdefault(field, values[old])
    return out


class NewsqaSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSQA_", env_nested_delimiter="__", extra="ignore"
    )
    # Earlier releases' flat names -> where they live now (one name may set two fields).
    LEGACY_NAMES: ClassVar[dict[str, tuple[tuple[str, str], ...]]] = {}

    data_dir: Path = Field(Path(".newsqa"), description="Indexes, models' caches, uploads.")

    def __init__(self, **values: Any):
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise SettingsError(exc) from None

    @classmethod
    def sources(cls) -> list[tuple[str, PydanticBaseSettingsSource]]:
        """The file and environment sources, highest first, each with the label `newsqa
        config` gives it (keyword arguments come before all of them)."""
        toml = TomlConfigSettingsSource(cls, toml_file=config_file())
        return [
            ("environment", EnvSettingsSource(cls)),
            ("environment (old name)", _Legacy(cls, None, "the environment")),
            (str(config_file()), _Legacy(cls, toml, "newsqa.toml")),
        ]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        init = _Legacy(settings_cls, init_settings, "keyword arguments")
        return (init, *(source for _, source in settings_cls.sources()))


def _legacy(section: str, *fields: str, prefix: str = "") -> dict:
    return {f"{prefix}{f}": ((section, f),) for f in fields}


class IndexSettings(NewsqaSettings):
    LEGACY_NAMES: ClassVar = {
        "index_backend": (("index", "backend"),),
        **_legacy(
            "index", "chunk_size", "chunk_overlap", "max_file_mb", "dedup", "max_title_chars"
        ),
        "flat_max_vectors": (("index", "flat_max_vectors"),),
        **_legacy("milvus", "uri", "token", "collection", "index_type", prefix="milvus_"),
        "embed_model": (("embed", "model"),),
        "embed_batch_size": (("embed", "batch_size"),),
        "embed_threads": (("embed", "build_threads"), ("embed", "query_threads")),
        **_legacy("fetch", "timeout_s", "max_mb", "max_redirects", prefix="fetch_"),
        "ui_fetch_hosts": (("fetch", "ui_hosts"),),
        "fetch_private_hosts": (("fetch", "private_hosts"),),
        "feed_max_items": (("fetch", "feed_max_items"),),
    }

    index_dir: Path | None = Field(None, description="Empty: <data_dir>/index.")
    index: IndexSection = Field(default_factory=IndexSection)
    milvus: MilvusSection = Field(default_factory=MilvusSection)
    embed: EmbedSection = Field(default_factory=EmbedSection)
    fetch: FetchSection = Field(default_factory=FetchSection)

    def resolved_index_dir(self) -> Path:
        return Path(self.index_dir) if self.index_dir else Path(self.data_dir) / "index"

    def updated(self, **changes: Any) -> "IndexSettings":
        """A copy with some fields changed; a dict for a section changes only its named fields
        (`settings.updated(embed={"model": "all-MiniLM-L6-v2"})`)."""
        update = {}
        for name, value in changes.items():
            current = getattr(self, name)
            if isinstance(current, BaseModel) and isinstance(value, dict):
                value = current.model_copy(update=value)
            update[name] = value
        return self.model_copy(update=update, deep=True)

    def embed_threads(self) -> int:
        """Indexing from the command line has the cores; the app's settings (qa.settings)
        share them with the LLM."""
        return self.embed.build_threads
