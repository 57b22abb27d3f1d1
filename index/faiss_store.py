"""A thin llama-index vector store over FAISS that can delete documents and filter metadata.

llama-index's own FaissVectorStore raises on delete and on filters; both are needed for
incremental indexing and for source/date filters, so this keeps vectors in an IndexIDMap2
and the nodes beside them.
"""

import json
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.schema import BaseNode, TextNode
from llama_index.core.vector_stores.types import (
    BasePydanticVectorStore,
    VectorStoreQuery,
    VectorStoreQueryResult,
)
from llama_index.core.vector_stores.utils import build_metadata_filter_fn

VECTORS_FILE = "vectors.faiss"
NODES_FILE = "nodes.jsonl"


class FaissStore(BasePydanticVectorStore):
    stores_text: bool = True
    flat_metadata: bool = True
    dim: int

    _index: Any = PrivateAttr()
    _nodes: dict[int, TextNode] = PrivateAttr(default_factory=dict)
    _ids: dict[str, int] = PrivateAttr(default_factory=dict)
    _next_id: int = PrivateAttr(default=0)

    def __init__(self, dim: int, index: Any = None, **kwargs: Any) -> None:
        super().__init__(dim=dim, **kwargs)
        # Inner product on normalized vectors is cosine similarity.
        self._index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    @classmethod
    def class_name(cls) -> str:
        return "NewsqaFaissStore"

    @property
    def client(self) -> Any:
        return self._index

    def __len__(self) -> int:
        return len(self._nodes)

    def nodes(self) -> list[TextNode]:
        return list(self._nodes.values())

    def node(self, node_id: str) -> TextNode | None:
        key = self._ids.get(node_id)
        return self._nodes.get(key) if key is not None else None

    def similarity(self, query_vec: list[float], node_id: str) -> float:
        """Cosine of a query to one stored chunk (vectors are normalized)."""
        key = self._ids.get(node_id)
        if key is None:
            return 0.0
        vec = self._index.reconstruct(key)
        return float(np.dot(np.asarray(query_vec, dtype="float32"), vec))

    def add(self, nodes: list[BaseNode], **kwargs: Any) -> list[str]:
        if not nodes:
            return []
        vectors = np.asarray([n.get_embedding() for n in nodes], dtype="float32")
        if vectors.shape[1] != self.dim:
            raise ValueError(f"embedding has {vectors.shape[1]} dimensions, the index {self.dim}")
        keys = np.arange(self._next_id, self._next_id + len(nodes), dtype="int64")
        self._index.add_with_ids(vectors, keys)
        for key, node in zip(keys.tolist(), nodes, strict=True):
            stored = node.model_copy()
            stored.embedding = None  # vectors live in FAISS only
            self._nodes[key] = stored
            self._ids[node.node_id] = key
        self._next_id += len(nodes)
        return [n.node_id for n in nodes]

    def delete(self, ref_doc_id: str, **delete_kwargs: Any) -> None:
        keys = [k for k, n in self._nodes.items() if n.ref_doc_id == ref_doc_id]
        if not keys:
            return
        self._index.remove_ids(np.asarray(keys, dtype="int64"))
        for key in keys:
            self._ids.pop(self._nodes.pop(key).node_id, None)

    def query(self, query: VectorStoreQuery, **kwargs: Any) -> VectorStoreQueryResult:
        if not self._nodes:
            return VectorStoreQueryResult(nodes=[], similarities=[], ids=[])
        vector = np.asarray([query.query_embedding], dtype="float32")
        params = None
        if query.filters is not None or query.doc_ids or query.node_ids:
            allowed = self._allowed_keys(query)
            if not allowed:
                return VectorStoreQueryResult(nodes=[], similarities=[], ids=[])
            params = faiss.SearchParameters(
                sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype="int64"))
            )
        k = min(query.similarity_top_k, len(self._nodes))
        scores, keys = self._index.search(vector, k, params=params)
        hits = [(float(s), int(key)) for s, key in zip(scores[0], keys[0]) if key >= 0]
        return VectorStoreQueryResult(
            nodes=[self._nodes[key] for _, key in hits],
            similarities=[s for s, _ in hits],
            ids=[self._nodes[key].node_id for _, key in hits],
        )

    def _allowed_keys(self, query: VectorStoreQuery) -> list[int]:
        by_id = {n.node_id: n for n in self._nodes.values()}
        matches = build_metadata_filter_fn(lambda node_id: by_id[node_id].metadata, query.filters)
        doc_ids = set(query.doc_ids or [])
        node_ids = set(query.node_ids or [])
        return [
            key
            for key, n in self._nodes.items()
            if matches(n.node_id)
            and (not doc_ids or n.ref_doc_id in doc_ids)
            and (not node_ids or n.node_id in node_ids)
        ]

    def persist(self, persist_path: str, fs: Any = None) -> None:
        folder = Path(persist_path)
        faiss.write_index(self._index, str(folder / VECTORS_FILE))
        with open(folder / NODES_FILE, "w", encoding="utf-8") as fh:
            for key, node in self._nodes.items():
                fh.write(
                    json.dumps({"key": key, "node": node.to_dict()}, ensure_ascii=False) + "\n"
                )

    @classmethod
    def load(cls, folder: Path, dim: int) -> "FaissStore":
        index = faiss.read_index(str(folder / VECTORS_FILE))
        if index.d != dim:
            raise ValueError(
                f"{folder / VECTORS_FILE} has {index.d} dimensions, manifest says {dim}"
            )
        store = cls(dim=dim, index=index)
        with open(folder / NODES_FILE, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                node = TextNode.from_dict(row["node"])
                store._nodes[row["key"]] = node
                store._ids[node.node_id] = row["key"]
        store._next_id = max(store._nodes, default=-1) + 1
        if index.ntotal != len(store._nodes):
            raise ValueError(f"{folder}: {index.ntotal} vectors but {len(store._nodes)} nodes")
        return store
