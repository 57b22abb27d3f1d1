"""The Milvus index: generations, commits, chunks and documents (see the package doc)."""

import json
import re
import uuid
from dataclasses import asdict

import numpy as np
from llama_index.core.schema import MetadataMode, TextNode
from pymilvus import AnnSearchRequest, MilvusClient, RRFRanker

from index.articles import Article
from index.backends.base import (
    Hit,
    IndexBase,
    IndexFormatError,
    IndexMissingError,
    SearchFilters,
    check_embed_model,
)
from index.backends.milvus.client import base_name, connect, iterate, location, quote
from index.backends.milvus.filters import NO_DAY, filter_expr
from index.backends.milvus.keys import (
    HEADER,
    LAYOUT,
    PART_CHARS,
    Retired,
    Stored,
    _batch_of,
    _chunk_key,
    _hash,
    _part_key,
    _parts,
    _record_key,
    _row_keys,
)
from index.backends.milvus.schema import create_collections
from index.config import IndexSettings
from index.dedup import Duplicates
from index.manifest import FORMAT, DocRecord, Manifest, library_versions

INSERT_BATCH = 2_000
RRF_K = 60  # as llama-index's reciprocal rank fusion in the local backend


class MilvusIndex(IndexBase):
    def __init__(
        self,
        settings: IndexSettings,
        client: MilvusClient,
        manifest: Manifest,
        pointer: dict,
        stored: "Stored",
        new: bool = False,
    ):
        super().__init__(manifest)
        self.settings = settings
        self.client = client
        self.generation = pointer["generation"]
        self.version = pointer.get("version")
        self.committed = int(pointer.get("batch", 0))  # readers see batches up to this one
        self.retired = Retired.from_pointer(pointer)
        self.batch = self.committed + 1  # this writer's rows
        self._stored = stored
        self._pending: list[dict] = []
        self._rechunked: set[str] = set()  # ids whose chunks this build wrote again or dropped
        self._new = new  # a generation created by this writer and not yet live

    # ---- names ---------------------------------------------------------------------------

    @staticmethod
    def _meta(settings: IndexSettings) -> str:
        return f"{base_name(settings)}_meta"

    @property
    def chunks_name(self) -> str:
        return f"{base_name(self.settings)}_{self.generation}_chunks"

    @property
    def docs_name(self) -> str:
        return f"{base_name(self.settings)}_{self.generation}_docs"

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
    def _load(cls, settings: IndexSettings) -> tuple[Manifest, dict, "Stored"]:
        client = connect(settings)
        pointer = cls._pointer(settings, client)
        if pointer is None:
            raise IndexMissingError(
                f"no index in {location(settings)}; build one with: newsqa index build seeds/"
            )
        docs = f"{base_name(settings)}_{pointer['generation']}_docs"
        committed = int(pointer.get("batch", 0))
        removed = set(Retired.from_pointer(pointer).removed)
        header, stored = None, Stored()
        for batch in iterate(client, docs, ["doc_id", "record"]):
            for row in batch:
                key = row["doc_id"]
                if key == HEADER:
                    header = json.loads(row["record"])
                    continue
                stored.keys.append(key)
                if key.startswith("d") and _batch_of(key) <= committed:
                    record = json.loads(row["record"])
                    doc_id = record["doc_id"]
                    if doc_id in removed:
                        continue
                    old = stored.records.get(doc_id)
                    if old is None or old["batch"] < record["batch"]:
                        stored.records[doc_id] = record
        if header is None or header.get("format") != FORMAT or header.get("layout") != LAYOUT:
            raise IndexFormatError(
                f"cannot read the index in {location(settings)}: no header, or one written by "
                "an older newsqa; rebuild it: newsqa index build PATH... --rebuild"
            )
        header.pop("layout")
        documents = {}
        for doc_id, record in sorted(stored.records.items()):  # by id, as the rows once were
            fields = {k: v for k, v in record.items() if k not in Stored.EXTRA}
            documents[doc_id] = DocRecord(**fields)
        return Manifest(documents=documents, **header), pointer, stored

    @classmethod
    def open(cls, settings: IndexSettings, writable: bool = False) -> "MilvusIndex":
        manifest, pointer, stored = cls._load(settings)
        check_embed_model(location(settings), settings.embed.model, manifest)
        client = connect(settings)
        index = cls(settings, client, manifest, pointer, stored)
        if writable:
            index._recover(pointer)
        client.load_collection(index.chunks_name)
        return index

    @classmethod
    def create(cls, settings: IndexSettings, manifest: Manifest) -> "MilvusIndex":
        client = connect(settings)
        pointer = {"generation": f"g{uuid.uuid4().hex[:12]}", "batch": 0}
        index = cls(settings, client, manifest, pointer, Stored(), new=True)
        old = cls._pointer(settings, client)
        if old is not None:  # a killed rebuild's generation goes before a new one starts
            index._drop_stray_generations(old)
        index._create_collections()
        return index

    def _recover(self, pointer: dict) -> None:
        """What a killed writer left: the deletes its commit retired, rows of batches it never
        committed, generations of a rebuild it never switched to. Only the writer (under the
        writer lock) cleans; readers never see any of it (the pointer hides it)."""
        self._drop_stray_generations(pointer)
        if self.retired:
            self._delete_retired(self.retired, self.committed)
            self._write_pointer(retired=Retired())
        self.client.delete(self.chunks_name, filter=f"batch > {self.committed}")
        live = {k for d, r in self._stored.records.items() for k in _row_keys(d, r)}
        dead = [k for k in self._stored.keys if k not in live]
        if dead:
            self.client.delete(self.docs_name, ids=dead)
        self._stored.keys = sorted(live)

    def _drop_stray_generations(self, pointer: dict) -> None:
        keep = {pointer.get("generation"), pointer.get("previous")}
        prefix = f"{base_name(self.settings)}_"
        for name in self.client.list_collections():
            match = re.fullmatch(re.escape(prefix) + r"(g[0-9a-f]{12})_(chunks|docs)", name)
            if match and match.group(1) not in keep and match.group(1) != self.generation:
                self.client.drop_collection(name)

    def _create_collections(self) -> None:
        create_collections(
            self.client,
            self._meta(self.settings),
            self.chunks_name,
            self.docs_name,
            self.manifest.embed_dim,
            self.settings.milvus.index_type,
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
                    "key": _chunk_key(node.node_id, self.batch),
                    "nid": node.node_id,
                    "batch": self.batch,
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

    def _chunk_texts(self, doc_id: str) -> list[str]:
        self._flush()
        expr = f"doc_id == {quote(doc_id)} and (batch == {self.batch} or ({self._visible()}))"
        return [
            row["text"]
            for batch in iterate(self.client, self.chunks_name, ["text"], expr)
            for row in batch
        ]

    def _delete_chunks(self, doc_id: str) -> None:
        # Rows of this build go now (nobody sees them); committed ones are retired at the commit.
        self._pending = [row for row in self._pending if row["doc_id"] != doc_id]
        self.client.delete(
            self.chunks_name, filter=f"doc_id == {quote(doc_id)} and batch == {self.batch}"
        )
        self._rechunked.add(doc_id)

    def _visible(self) -> str:
        """The chunks readers may see: committed batches, minus what the last commit retired
        and has not deleted yet."""
        return self.retired.hide(f"batch <= {self.committed}", self.committed)

    def chunk_count(self) -> int:
        rows = self.client.query(
            self.chunks_name, filter=self._visible(), output_fields=["count(*)"]
        )
        return int(rows[0]["count(*)"])

    def nodes(self) -> list[TextNode]:
        out = []
        for batch in iterate(self.client, self.chunks_name, ["node"], self._visible()):
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
        expr = " and ".join(e for e in (self._visible(), self._expr(filters)) if e)
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
        expr = f"nid == {quote(node_id)} and {self._visible()}"
        rows = self.client.query(self.chunks_name, filter=expr, output_fields=["dense"])
        return list(rows[0]["dense"]) if rows else None

    def _expr(self, filters: SearchFilters | None) -> str:
        return filter_expr(filters, self.originals_copied_from)

    # ---- documents, copies, saving -------------------------------------------------------

    def _load_duplicates(self) -> Duplicates:
        dups = Duplicates()
        parts: dict[str, list[tuple[int, str]]] = {}
        # Only the rows holding copies' texts: the records were read at open.
        for batch in iterate(self.client, self.docs_name, ["doc_id", "record"], 'doc_id like "p%"'):
            for row in batch:
                head, _, n = row["doc_id"].rpartition(":")
                parts.setdefault(head, []).append((int(n), row["record"]))
        for doc_id, record in self._stored.records.items():
            sig = record.get("signature")
            if sig is None or doc_id not in self.manifest.documents:
                continue
            sig = np.asarray(sig, dtype=np.uint64)
            head = _part_key(doc_id, record["batch"], 0).rpartition(":")[0]
            if record.get("duplicate_of") and head in parts:
                blob = "".join(p for _, p in sorted(parts[head]))
                dups.add_copy(Article(**json.loads(blob)), sig)
            elif not record.get("duplicate_of"):
                dups.add_original(doc_id, sig, record.get("source"))
        return dups

    def save(self, flat_max: int | None = None) -> None:
        self._flush()
        batch = self.batch
        copies = self._dups.copies if self._dups is not None else {}
        records, rows = {}, []
        for doc_id, rec in self.manifest.documents.items():
            old = self._stored.records.get(doc_id, {})
            record = {**asdict(rec), "doc_id": doc_id, "batch": batch}
            sig = self._dups.signatures.get(doc_id) if self._dups is not None else None
            record["signature"] = [int(x) for x in sig] if sig is not None else old.get("signature")
            blob = None
            if rec.duplicate_of and doc_id in copies:
                blob = json.dumps(asdict(copies[doc_id]), ensure_ascii=False)
                record["parts"] = -(-len(blob) // PART_CHARS)
                record["text_hash"] = _hash(blob)
            elif rec.duplicate_of:
                record["parts"] = old.get("parts", 0)
                record["text_hash"] = old.get("text_hash")
            if old and {**old, "batch": batch} == record and doc_id not in self._rechunked:
                records[doc_id] = old  # unchanged: its row (and parts) stay as they are
                continue
            if rec.duplicate_of and blob is None and record["parts"]:
                blob = self._copy_blob(doc_id, old)  # the copy's text moves to this batch
            records[doc_id] = record
            rows.append(
                {"doc_id": _record_key(doc_id, batch), "record": json.dumps(record), "v": [0, 0]}
            )
            if blob is not None:
                rows += _parts(doc_id, batch, blob)
        header = {k: v for k, v in vars(self.manifest).items() if k != "documents"}
        header["versions"] = library_versions()
        header["layout"] = LAYOUT
        header["vector_index"] = {
            "engine": f"Milvus {self.settings.milvus.index_type} inner product + BM25 in the "
            f"engine, hybrid search fused by RRF ({location(self.settings)})"
        }
        self.manifest.vector_index = header["vector_index"]
        rows.append({"doc_id": HEADER, "record": json.dumps(header), "v": [0.0, 0.0]})
        for i in range(0, len(rows), INSERT_BATCH):
            self.client.upsert(self.docs_name, rows[i : i + INSERT_BATCH])
        retired = Retired(
            replaced=sorted(d for d in self._rechunked if d in records),
            removed=sorted(d for d in self._stored.records if d not in records),
        )
        # The commit: readers see this batch, and no longer what it retired, from here on.
        old = self._pointer(self.settings, self.client)
        self.version = uuid.uuid4().hex
        self.committed, self.retired = batch, retired
        self._write_pointer(old=old, retired=retired)
        self._new = False
        # Then the retired rows go; a kill in between is finished by the next writer.
        self._delete_retired(retired, batch)
        live = {k for d, r in records.items() for k in _row_keys(d, r)}
        stale = [k for k in self._stored.keys if k not in live]
        if stale:
            self.client.delete(self.docs_name, ids=stale)
        self._stored = Stored(records=records, keys=sorted(live))
        if retired:
            self.retired = Retired()
            self._write_pointer(retired=self.retired)
        self._rechunked.clear()
        self.batch = batch + 1
        self.client.load_collection(self.chunks_name)

    def _copy_blob(self, doc_id: str, old: dict) -> str | None:
        keys = _row_keys(doc_id, old)[1:]  # its parts
        rows = self.client.get(self.docs_name, ids=keys, output_fields=["doc_id", "record"])
        by_key = {row["doc_id"]: row["record"] for row in rows}
        return "".join(by_key[k] for k in keys) if all(k in by_key for k in keys) else None

    def _delete_retired(self, retired: "Retired", batch: int) -> None:
        if retired.replaced:
            ids = quote(retired.replaced)
            self.client.delete(self.chunks_name, filter=f"doc_id in {ids} and batch < {batch}")
        if retired.removed:
            self.client.delete(self.chunks_name, filter=f"doc_id in {quote(retired.removed)}")

    def _write_pointer(self, old: dict | None = None, retired: "Retired | None" = None) -> None:
        pointer = {
            "generation": self.generation,
            "version": self.version,
            "batch": self.committed,
            **(retired or self.retired).to_pointer(),
        }
        if old is None:
            old = self._pointer(self.settings, self.client) or {}
            pointer["previous"] = old.get("previous")
        elif old.get("generation") not in (None, self.generation):
            pointer["previous"] = old["generation"]  # kept one round for readers
            self._drop_generation(old.get("previous"))
        else:
            pointer["previous"] = old.get("previous")
        meta_row = {"id": "current", "value": json.dumps(pointer), "v": [0.0, 0.0]}
        self.client.upsert(self._meta(self.settings), [meta_row])

    def _drop_generation(self, generation: str | None) -> None:
        if not generation or generation == self.generation:
            return
        base = base_name(self.settings)
        for suffix in ("chunks", "docs"):
            name = f"{base}_{generation}_{suffix}"
            if self.client.has_collection(name):
                self.client.drop_collection(name)

    def discard(self) -> None:
        self._pending = []
        if self._new:
            self._drop_generation(self.generation)
            self._new = False
