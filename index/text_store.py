"""Chunk texts and their BM25 index in tantivy: incremental, on disk, nothing loaded at open.

Why tantivy and not llama-index's BM25Retriever (bm25s): bm25s has no add or delete, so every
new article meant re-tokenizing the whole corpus, and the corpus lived in memory as JSON
nodes. tantivy adds and deletes documents in place, scores BM25 with block-max WAND (a query
at 1M chunks takes milliseconds, see bench/retrieval.py) and stores the nodes themselves.

Each index version has its own folder. A new version starts as hard links to the previous
version's segment files (tantivy never changes a segment file once written; only meta.json
and .managed.json are rewritten, so those two are copied), which makes a new version cheap
and leaves the old one readable until it is dropped.
"""

import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import tantivy
from llama_index.core.schema import TextNode

# Files tantivy rewrites in place; every other file in the folder is immutable once written.
MUTABLE_FILES = {"meta.json", ".managed.json"}
LOCK_FILES = {".tantivy-meta.lock", ".tantivy-writer.lock"}
WRITER_HEAP_BYTES = 64_000_000


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("key", stored=True, indexed=True, fast=True)
    sb.add_text_field("node_id", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("doc_id", stored=False, tokenizer_name="raw", index_option="basic")
    # BM25 runs over the chunk text, stemmed; the node (text + metadata) is stored as JSON.
    sb.add_text_field("text", stored=False, tokenizer_name="en_stem", index_option="freq")
    sb.add_text_field("source", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("day", indexed=True, fast=True)
    sb.add_bytes_field("node", stored=True)
    return sb.build()


SCHEMA = _schema()


def _filter(query: tantivy.Query) -> tantivy.Query:
    # Filters must not add to the BM25 score.
    return tantivy.Query.const_score_query(query, 0.0)


class TextStore:
    """Nodes by integer key (the same key as the FAISS vector), plus BM25 search."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(SCHEMA, path=str(self.folder))
        self._writer: tantivy.IndexWriter | None = None

    @classmethod
    def branch(cls, source: Path, target: Path) -> "TextStore":
        """A writable copy of `source` at `target` that shares its immutable segment files."""
        target.mkdir(parents=True, exist_ok=True)
        for path in Path(source).iterdir():
            if path.name in LOCK_FILES or not path.is_file():
                continue
            if path.name in MUTABLE_FILES:
                shutil.copy2(path, target / path.name)
            else:
                os.link(path, target / path.name)
        return cls(target)

    # ---- reading -------------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        return self._index.searcher()

    def __len__(self) -> int:
        return self._searcher().num_docs

    def get(self, keys: Iterable[int]) -> dict[int, TextNode]:
        keys = [int(k) for k in keys]
        if not keys:
            return {}
        searcher = self._searcher()
        query = tantivy.Query.term_set_query(SCHEMA, "key", keys)
        return self._nodes(searcher, searcher.search(query, len(keys), count=False).hits)

    def key_of(self, node_id: str) -> int | None:
        """The key of a node, read from the fast field (the stored node is not decoded)."""
        searcher = self._searcher()
        hits = searcher.search(self._term("node_id", node_id), 1, count=False).hits
        keys = searcher.fast_field_values("key", [a for _, a in hits])
        return int(keys[0]) if keys else None

    def all_nodes(self) -> Iterator[tuple[int, TextNode]]:
        """Every node (tests and small tools; a million-chunk index never needs this)."""
        searcher = self._searcher()
        n = searcher.num_docs
        if n:
            yield from self._nodes(
                searcher, searcher.search(tantivy.Query.all_query(), n).hits
            ).items()

    def search(
        self,
        words: list[str],
        limit: int,
        sources: list[str] | None = None,
        day_from: int | None = None,
        day_to: int | None = None,
        also_docs: list[str] | None = None,
    ) -> list[tuple[int, float]]:
        """BM25 over chunk texts for any of `words` (already free of query syntax); `also_docs`
        pass the source filter too."""
        if not words or limit <= 0:
            return []
        query, errors = self._index.parse_query_lenient(" ".join(words), ["text"])
        must = [(tantivy.Occur.Must, query)]
        if sources is not None:
            sources_q = tantivy.Query.term_set_query(SCHEMA, "source", sources)
            if also_docs:
                docs_q = tantivy.Query.term_set_query(SCHEMA, "doc_id", also_docs)
                sources_q = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, sources_q), (tantivy.Occur.Should, docs_q)]
                )
            must.append((tantivy.Occur.Must, _filter(sources_q)))
        if day_from is not None or day_to is not None:
            days = tantivy.Query.range_query(
                SCHEMA, "day", tantivy.FieldType.Integer, day_from, day_to
            )
            must.append((tantivy.Occur.Must, _filter(days)))
        if len(must) > 1:
            query = tantivy.Query.boolean_query(must)
        searcher = self._searcher()
        hits = searcher.search(query, limit, count=False).hits
        keys = searcher.fast_field_values("key", [a for _, a in hits])
        return [(int(k), float(s)) for k, (s, _) in zip(keys, hits, strict=True) if s > 0]

    @staticmethod
    def _term(field: str, value: str) -> tantivy.Query:
        return tantivy.Query.term_query(SCHEMA, field, value, index_option="basic")

    @staticmethod
    def _nodes(searcher: tantivy.Searcher, hits) -> dict[int, TextNode]:
        out = {}
        for _, address in hits:
            doc = searcher.doc(address)
            out[int(doc["key"][0])] = TextNode.from_json(bytes(doc["node"][0]).decode("utf-8"))
        return out

    # ---- writing -------------------------------------------------------------------------

    def _w(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
        return self._writer

    def add(self, keyed_nodes: Iterable[tuple[int, TextNode]]) -> None:
        writer = self._w()
        for key, node in keyed_nodes:
            meta = node.metadata
            doc = tantivy.Document()
            doc.add_integer("key", int(key))
            doc.add_text("node_id", node.node_id)
            doc.add_text("doc_id", node.ref_doc_id or meta.get("doc_id", ""))
            doc.add_text("text", node.get_content())
            if meta.get("source"):
                doc.add_text("source", meta["source"])
            if meta.get("published_day") is not None:
                doc.add_integer("day", int(meta["published_day"]))
            doc.add_bytes("node", node.to_json().encode("utf-8"))
            writer.add_document(doc)

    def delete_doc(self, doc_id: str) -> None:
        self._w().delete_documents_by_term("doc_id", doc_id)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self._index.reload()

    def rollback(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None
