"""The Milvus backend: chunks, documents and a pointer to the live generation, in Milvus.

- `{name}_meta` holds one row: the live generation and a version id that changes on every save
  (readers compare it before each question, as the local backend compares CURRENT).
- `{name}_{gen}_chunks`: one row per chunk: its node (text + metadata), dense vector, the
  engine's own BM25 sparse vector (a BM25 Function over `text` with the English analyzer) and the
  filter fields `doc_id`, `source`, `day`. Search is `hybrid_search`: dense + BM25 fused by RRF.
- `{name}_{gen}_docs`: one row per article (its record and MinHash signature), the manifest
  header (embedding model, chunking), and the full text of near-duplicate copies in parts.

A rebuild writes a new generation and switches the pointer when saved; the previous generation
stays one round for readers. Within a generation writes are the engine's: visible when flushed
(Strong consistency), not rolled back by `discard` (only unsent rows are dropped).
`milvus_uri` empty means Milvus Lite (the C++ engine embedded, a file under index_dir; one
process at a time); "http://host:19530" a Milvus server or cluster.
"""

import json
import logging
import re
import uuid
import warnings
from dataclasses import asdict
from pathlib import Path

import numpy as np
from llama_index.core.schema import MetadataMode, TextNode

from index.articles import Article
from index.backends.base import (
    Hit,
    IndexBase,
    IndexFormatError,
    IndexMissingError,
    SearchFilters,
    check_embed_model,
)
from index.config import IndexSettings
from index.dedup import Duplicates
from index.manifest import FORMAT, DocRecord, Manifest, library_versions

# milvus-lite 2.5 imports pkg_resources (hence setuptools<81), which warns on import.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated")

from pymilvus import (  # noqa: E402
    AnnSearchRequest,
    DataType,
    Function,
    FunctionType,
    MilvusClient,
    RRFRanker,
)

# pymilvus warns on every query iterator against Lite (no server timestamp): noise to a user.
logging.getLogger("pymilvus").setLevel(logging.ERROR)

LITE_FILE = "milvus.db"
# Rows of the docs collection that are not articles (no article id starts with "#").
HEADER = "#header"
COPY_PART = "#copy#"
PART_CHARS = 15_000  # a VARCHAR holds 65,535 bytes: 15k characters fit any script
VARCHAR_MAX = 65_535
NO_DAY = -(2**62)
INSERT_BATCH = 2_000
RRF_K = 60  # as llama-index's reciprocal rank fusion in the local backend
_clients: dict[str, MilvusClient] = {}


def location(settings: IndexSettings) -> str:
    if settings.milvus_uri:
        return f"{settings.milvus_uri} (collection {_base_name(settings)})"
    return f"{lite_path(settings)} (Milvus Lite, collection {_base_name(settings)})"


def lite_path(settings: IndexSettings) -> Path:
    return settings.resolved_index_dir() / LITE_FILE


def _uri(settings: IndexSettings) -> str:
    return settings.milvus_uri or str(lite_path(settings))


def connect(settings: IndexSettings) -> MilvusClient:
    """One client per URI and process (Milvus Lite serves one process per file)."""
    uri = _uri(settings)
    if uri not in _clients:
        if not settings.milvus_uri:
            lite_path(settings).parent.mkdir(parents=True, exist_ok=True)
        try:
            _clients[uri] = MilvusClient(uri=uri, token=settings.milvus_token or "")
        except Exception as exc:  # pymilvus raises its own hierarchy and grpc errors
            raise IndexMissingError(f"cannot reach Milvus at {uri}: {exc}") from None
    return _clients[uri]


def disconnect(settings: IndexSettings) -> None:
    """Close this process's client (Milvus Lite stops serving the file)."""
    client = _clients.pop(_uri(settings), None)
    if client is not None:
        client.close()


def _base_name(settings: IndexSettings) -> str:
    name = re.sub(r"\W", "_", settings.milvus_collection)
    return name if re.match(r"[A-Za-z_]", name) else f"n_{name}"


class MilvusIndex(IndexBase):
    def __init__(
        self,
        settings: IndexSettings,
        client: MilvusClient,
        manifest: Manifest,
        generation: str,
        version: str | None,
        stored: dict[str, str],
        new: bool = False,
    ):
        super().__init__(manifest)
        self.settings = settings
        self.client = client
        self.generation = generation
        self.version = version
        self._stored = stored  # doc_id -> record JSON as in Milvus (to write only changes)
        self._pending: list[dict] = []
        self._new = new  # a generation created by this writer and not yet live

    # ---- names ---------------------------------------------------------------------------

    @staticmethod
    def _meta(settings: IndexSettings) -> str:
        return f"{_base_name(settings)}_meta"

    @property
    def chunks_name(self) -> str:
        return f"{_base_name(self.settings)}_{self.generation}_chunks"

    @property
    def docs_name(self) -> str:
        return f"{_base_name(self.settings)}_{self.generation}_docs"

    # ---- opening -------------------------------------------------------------------------

    @classmethod
    def _pointer(cls, settings: IndexSettings, client: MilvusClient) -> dict | None:
        meta = cls._meta(settings)
        if not client.has_collection(meta):
            return None
        rows = client.get(meta, ids=["current"], output_fields=["value"])
        return json.loads(rows[0]["value"]) if rows else None

    @classmethod
    def exists(cls, settings: IndexSettings) -> bool:
        return cls._pointer(settings, connect(settings)) is not None

    @classmethod
    def read_manifest(cls, settings: IndexSettings) -> Manifest:
        return cls._load(settings)[0]

    @classmethod
    def _load(cls, settings: IndexSettings) -> tuple[Manifest, dict, dict[str, str]]:
        client = connect(settings)
        pointer = cls._pointer(settings, client)
        if pointer is None:
            raise IndexMissingError(
                f"no index in {location(settings)}; build one with: newsqa index build seeds/"
            )
        docs = f"{_base_name(settings)}_{pointer['generation']}_docs"
        header, stored = None, {}
        for batch in _iterate(client, docs, ["doc_id", "record"]):
            for row in batch:
                if row["doc_id"] == HEADER:
                    header = json.loads(row["record"])
                elif not row["doc_id"].startswith(COPY_PART):  # not a part of a copy's text
                    stored[row["doc_id"]] = row["record"]
        if header is None or header.get("format") != FORMAT:
            raise IndexFormatError(f"cannot read the index in {location(settings)}: no header")
        documents = {}
        for doc_id, text in stored.items():
            record = json.loads(text)
            record.pop("signature", None)
            record.pop("parts", None)
            documents[doc_id] = DocRecord(**record)
        return Manifest(documents=documents, **header), pointer, stored

    @classmethod
    def open(cls, settings: IndexSettings, writable: bool = False) -> "MilvusIndex":
        manifest, pointer, stored = cls._load(settings)
        check_embed_model(location(settings), settings.embed_model, manifest)
        client = connect(settings)
        index = cls(settings, client, manifest, pointer["generation"], pointer["version"], stored)
        client.load_collection(index.chunks_name)
        return index

    @classmethod
    def create(cls, settings: IndexSettings, manifest: Manifest) -> "MilvusIndex":
        client = connect(settings)
        generation = f"g{uuid.uuid4().hex[:12]}"
        index = cls(settings, client, manifest, generation, None, {}, new=True)
        index._create_collections()
        return index

    def _create_collections(self) -> None:
        c = self.client
        meta = self._meta(self.settings)
        if not c.has_collection(meta):
            schema = c.create_schema(auto_id=False)
            schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
            schema.add_field("value", DataType.VARCHAR, max_length=VARCHAR_MAX)
            schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs one vector field
            params = c.prepare_index_params()
            params.add_index("v", index_type="FLAT", metric_type="L2")
            c.create_collection(
                meta, schema=schema, index_params=params, consistency_level="Strong"
            )

        schema = c.create_schema(auto_id=False)
        schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=128)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=2048)
        schema.add_field("source", DataType.VARCHAR, max_length=1024)
        schema.add_field("day", DataType.INT64)
        schema.add_field(
            "text",
            DataType.VARCHAR,
            max_length=VARCHAR_MAX,
            enable_analyzer=True,
            # As tantivy's en_stem locally: lower case, English stems, stopwords kept.
            analyzer_params={
                "tokenizer": "standard",
                "filter": ["lowercase", {"type": "stemmer", "language": "english"}],
            },
        )
        schema.add_field("node", DataType.VARCHAR, max_length=VARCHAR_MAX)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=self.manifest.embed_dim)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            Function(
                name="bm25",
                function_type=FunctionType.BM25,
                input_field_names=["text"],
                output_field_names=["sparse"],
            )
        )
        params = c.prepare_index_params()
        params.add_index("dense", index_type=self.settings.milvus_index_type, metric_type="IP")
        params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        params.add_index("doc_id", index_type="INVERTED")
        c.create_collection(
            self.chunks_name, schema=schema, index_params=params, consistency_level="Strong"
        )

        schema = c.create_schema(auto_id=False)
        schema.add_field("doc_id", DataType.VARCHAR, is_primary=True, max_length=2200)
        schema.add_field("record", DataType.VARCHAR, max_length=VARCHAR_MAX)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
        params = c.prepare_index_params()
        params.add_index("v", index_type="FLAT", metric_type="L2")
        c.create_collection(
            self.docs_name, schema=schema, index_params=params, consistency_level="Strong"
        )

    @property
    def where(self) -> str:
        return location(self.settings)

    def current_version(self) -> str | None:
        pointer = self._pointer(self.settings, self.client)
        return pointer["version"] if pointer else None

    # ---- chunks --------------------------------------------------------------------------

    def _add_chunks(self, nodes: list[TextNode]) -> None:
        for node in nodes:
            meta = node.metadata
            copy = node.model_copy()
            copy.embedding = None
            day = meta.get("published_day")
            self._pending.append(
                {
                    "key": node.node_id,
                    "doc_id": node.ref_doc_id or meta.get("doc_id", ""),
                    "source": meta.get("source") or "",
                    "day": NO_DAY if day is None else int(day),
                    "text": node.get_content(metadata_mode=MetadataMode.NONE),
                    "node": copy.to_json(),
                    "dense": [float(x) for x in node.get_embedding()],
                }
            )
        if len(self._pending) >= INSERT_BATCH:
            self._flush()

    def _flush(self) -> None:
        for i in range(0, len(self._pending), INSERT_BATCH):
            self.client.insert(self.chunks_name, self._pending[i : i + INSERT_BATCH])
        self._pending = []

    def _delete_chunks(self, doc_id: str) -> None:
        self._pending = [row for row in self._pending if row["doc_id"] != doc_id]
        self.client.delete(self.chunks_name, filter=f"doc_id == {_quote(doc_id)}")

    def chunk_count(self) -> int:
        self._flush()
        rows = self.client.query(self.chunks_name, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def nodes(self) -> list[TextNode]:
        out = []
        for batch in _iterate(self.client, self.chunks_name, ["node"]):
            out += [TextNode.from_json(row["node"]) for row in batch]
        return out

    # ---- search --------------------------------------------------------------------------

    def search(
        self,
        query_words: list[str],
        query_vec: list[float],
        dense_k: int,
        sparse_k: int,
        top_k: int,
        filters: SearchFilters | None = None,
    ) -> list[Hit]:
        expr = self._expr(filters)
        dense = AnnSearchRequest(
            [query_vec], "dense", {"metric_type": "IP"}, limit=dense_k, expr=expr
        )
        fields = ["node", "dense"]
        if sparse_k > 0 and query_words:
            sparse = AnnSearchRequest(
                [" ".join(query_words)], "sparse", {"metric_type": "BM25"}, sparse_k, expr=expr
            )
            result = self.client.hybrid_search(
                self.chunks_name,
                [dense, sparse],
                RRFRanker(RRF_K),
                limit=top_k,
                output_fields=fields,
            )
        else:
            result = self.client.search(
                self.chunks_name,
                [query_vec],
                anns_field="dense",
                limit=min(top_k, dense_k),
                filter=expr,
                output_fields=fields,
                search_params={"metric_type": "IP"},
            )
        query = np.asarray(query_vec, dtype="float32")
        hits = []
        for row in result[0] if result else []:
            entity = row["entity"]
            vector = np.asarray(entity["dense"], dtype="float32")
            hits.append(
                Hit(
                    TextNode.from_json(entity["node"]),
                    float(row["distance"]),
                    float(query @ vector),
                )
            )
        return hits

    def vector(self, node_id: str) -> list[float] | None:
        rows = self.client.get(self.chunks_name, ids=[node_id], output_fields=["dense"])
        return list(rows[0]["dense"]) if rows else None

    def _expr(self, filters: SearchFilters | None) -> str:
        if filters is None:
            return ""
        parts = []
        if filters.sources is not None:
            sources = f"source in {json.dumps(list(filters.sources))}"
            also = self.originals_copied_from(list(filters.sources))
            parts.append(f"({sources} or doc_id in {json.dumps(also)})" if also else sources)
        if filters.day_from is not None:
            parts.append(f"day >= {int(filters.day_from)}")
        if filters.day_to is not None:
            parts.append(f"day <= {int(filters.day_to)} and day > {NO_DAY}")
        return " and ".join(parts)

    # ---- documents, copies, saving -------------------------------------------------------

    def _load_duplicates(self) -> Duplicates:
        dups = Duplicates()
        parts: dict[str, list[tuple[int, str]]] = {}
        # Only the rows holding copies' texts: the records were read at open.
        only_parts = f"doc_id like {_quote(COPY_PART + '%')}"
        for batch in _iterate(self.client, self.docs_name, ["doc_id", "record"], only_parts):
            for row in batch:
                n, doc_id = row["doc_id"][len(COPY_PART) :].split("#", 1)
                parts.setdefault(doc_id, []).append((int(n), row["record"]))
        for doc_id, text in self._stored.items():
            record = json.loads(text)
            sig = record.get("signature")
            if sig is None or doc_id not in self.manifest.documents:
                continue
            sig = np.asarray(sig, dtype=np.uint64)
            if record.get("duplicate_of") and doc_id in parts:
                blob = "".join(p for _, p in sorted(parts[doc_id]))
                dups.add_copy(Article(**json.loads(blob)), sig)
            elif not record.get("duplicate_of"):
                dups.add_original(doc_id, sig, record.get("source"))
        return dups

    def save(self, flat_max: int | None = None) -> None:
        self._flush()
        copies = self._dups.copies if self._dups is not None else {}
        current, blobs = {}, {}
        for doc_id, rec in self.manifest.documents.items():
            record = asdict(rec)
            old = json.loads(self._stored[doc_id]) if doc_id in self._stored else {}
            sig = self._dups.signatures.get(doc_id) if self._dups is not None else None
            record["signature"] = [int(x) for x in sig] if sig is not None else old.get("signature")
            if rec.duplicate_of and doc_id in copies:
                blobs[doc_id] = json.dumps(asdict(copies[doc_id]), ensure_ascii=False)
                record["parts"] = -(-len(blobs[doc_id]) // PART_CHARS)
            elif rec.duplicate_of:
                record["parts"] = old.get("parts", 0)
            current[doc_id] = json.dumps(record, ensure_ascii=False)
        rows, stale = [], []
        for doc_id, text in current.items():
            if self._stored.get(doc_id) == text:
                continue
            rows.append({"doc_id": doc_id, "record": text, "v": [0.0, 0.0]})
            if doc_id in self._stored:
                stale += _part_ids(doc_id, json.loads(self._stored[doc_id]).get("parts", 0))
            if doc_id in blobs:
                rows += _parts(doc_id, blobs[doc_id])
        for doc_id, text in self._stored.items():
            if doc_id not in current:
                stale += [doc_id, *_part_ids(doc_id, json.loads(text).get("parts", 0))]
        if stale:
            self.client.delete(self.docs_name, ids=stale)
        header = {k: v for k, v in vars(self.manifest).items() if k != "documents"}
        header["versions"] = library_versions()
        header["vector_index"] = {
            "engine": f"Milvus {self.settings.milvus_index_type} inner product + BM25 in the "
            f"engine, hybrid search fused by RRF ({location(self.settings)})"
        }
        self.manifest.vector_index = header["vector_index"]
        rows.append({"doc_id": HEADER, "record": json.dumps(header), "v": [0.0, 0.0]})
        for i in range(0, len(rows), INSERT_BATCH):
            self.client.upsert(self.docs_name, rows[i : i + INSERT_BATCH])
        self._stored = current
        # The switch: readers see the new generation and version from here on.
        old = self._pointer(self.settings, self.client)
        self.version = uuid.uuid4().hex
        pointer = {"generation": self.generation, "version": self.version}
        if old and old["generation"] != self.generation:
            pointer["previous"] = old["generation"]  # kept one round for readers
            self._drop_generation(old.get("previous"))
        elif old:
            pointer["previous"] = old.get("previous")
        meta_row = {"id": "current", "value": json.dumps(pointer), "v": [0.0, 0.0]}
        self.client.upsert(self._meta(self.settings), [meta_row])
        self._new = False
        self.client.load_collection(self.chunks_name)

    def _drop_generation(self, generation: str | None) -> None:
        if not generation or generation == self.generation:
            return
        base = _base_name(self.settings)
        for suffix in ("chunks", "docs"):
            name = f"{base}_{generation}_{suffix}"
            if self.client.has_collection(name):
                self.client.drop_collection(name)

    def discard(self) -> None:
        self._pending = []
        if self._new:
            self._drop_generation(self.generation)
            self._new = False


def _parts(doc_id: str, blob: str) -> list[dict]:
    """A copy's full text (to index it if its original goes) in rows a VARCHAR can hold."""
    chunks = [blob[i : i + PART_CHARS] for i in range(0, len(blob), PART_CHARS)]
    ids = _part_ids(doc_id, len(chunks))
    return [{"doc_id": i, "record": c, "v": [0.0, 0.0]} for i, c in zip(ids, chunks, strict=True)]


def _part_ids(doc_id: str, n: int) -> list[str]:
    return [f"{COPY_PART}{n_}#{doc_id}" for n_ in range(n)]


def _iterate(client: MilvusClient, name: str, fields: list[str], expr: str = ""):
    it = client.query_iterator(name, batch_size=1000, filter=expr, output_fields=fields)
    while True:
        batch = it.next()
        if not batch:
            it.close()
            return
        yield batch


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
