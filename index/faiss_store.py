"""A llama-index vector store over FAISS that can delete documents, filter, and scale.

llama-index's own FaissVectorStore raises on delete and on filters; both are needed for
incremental indexing and for source/date filters. Here vectors live in FAISS under integer
keys (exact or IVF, see vector_index), the filter columns in numpy, and the nodes in the
tantivy text store under the same keys, so opening an index loads no node at all.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.schema import BaseNode, TextNode
from llama_index.core.vector_stores.types import (
    BasePydanticVectorStore,
    FilterCondition,
    FilterOperator,
    MetadataFilters,
    VectorStoreQuery,
    VectorStoreQueryResult,
)

from index import vector_index
from index.columns import Columns
from index.config import FLAT_MAX_VECTORS
from index.text_store import TextStore
from index.vector_index import VectorIndexInfo

VECTORS_FILE = "vectors.faiss"


class FaissStore(BasePydanticVectorStore):
    stores_text: bool = True
    flat_metadata: bool = True
    dim: int

    _index: Any = PrivateAttr()
    _info: VectorIndexInfo = PrivateAttr()
    _text: TextStore = PrivateAttr()
    _columns: Columns = PrivateAttr()
    # Articles whose copies (near-duplicates, no chunks of their own) came from given outlets:
    # a filter on an outlet also keeps them (set by NewsIndex from its manifest).
    _copied_from: Any = PrivateAttr(default=None)

    def __init__(
        self,
        dim: int,
        text: TextStore,
        index: Any = None,
        info: VectorIndexInfo | None = None,
        columns: Columns | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(dim=dim, **kwargs)
        self._index = index if index is not None else vector_index.new_flat(dim)
        self._info = info or VectorIndexInfo()
        self._text = text
        self._columns = columns or Columns()

    @classmethod
    def class_name(cls) -> str:
        return "NewsqaFaissStore"

    @property
    def client(self) -> Any:
        return self._index

    @property
    def info(self) -> VectorIndexInfo:
        return self._info

    @property
    def text(self) -> TextStore:
        return self._text

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def nodes(self) -> list[TextNode]:
        return [node for _, node in sorted(self._text.all_nodes(), key=lambda kn: kn[0])]

    def similarity(self, query_vec: list[float], node_id: str) -> float:
        """Cosine of a query to one stored chunk (vectors are normalized)."""
        vec = self.vector(node_id)
        return 0.0 if vec is None else float(np.dot(np.asarray(query_vec, dtype="float32"), vec))

    def vector(self, node_id: str) -> np.ndarray | None:
        key = self._text.key_of(node_id)
        return None if key is None else self._index.reconstruct(key)

    def add(self, nodes: list[BaseNode], **kwargs: Any) -> list[str]:
        if not nodes:
            return []
        vectors = np.asarray([n.get_embedding() for n in nodes], dtype="float32")
        if vectors.shape[1] != self.dim:
            raise ValueError(f"embedding has {vectors.shape[1]} dimensions, the index {self.dim}")
        first = len(self._columns)
        keys = np.arange(first, first + len(nodes), dtype="int64")
        self._index.add_with_ids(vectors, keys)
        stored = []
        for node in nodes:
            copy = node.model_copy()
            copy.embedding = None  # vectors live in FAISS only
            stored.append(copy)
        self._text.add(zip(keys.tolist(), stored, strict=True))
        self._columns.append(
            [n.ref_doc_id or n.metadata.get("doc_id", "") for n in nodes],
            [n.metadata.get("source") for n in nodes],
            [n.metadata.get("published_day") for n in nodes],
        )
        return [n.node_id for n in nodes]

    def delete(self, ref_doc_id: str, **delete_kwargs: Any) -> None:
        keys = self._columns.keys_of_doc(ref_doc_id)
        if not len(keys):
            return
        self._index.remove_ids(keys)
        self._columns.kill(keys)
        self._text.delete_doc(ref_doc_id)

    def query(self, query: VectorStoreQuery, **kwargs: Any) -> VectorStoreQueryResult:
        if self._index.ntotal == 0:
            return VectorStoreQueryResult(nodes=[], similarities=[], ids=[])
        mask = None
        if query.filters is not None or query.doc_ids or query.node_ids:
            mask = self._mask(query)
            if not mask.any():
                return VectorStoreQueryResult(nodes=[], similarities=[], ids=[])
        vector = np.asarray([query.query_embedding], dtype="float32")
        scores, keys = self.search_keys(vector, query.similarity_top_k, mask)
        hits = [(float(s), int(key)) for s, key in zip(scores[0], keys[0], strict=True) if key >= 0]
        nodes = self._text.get(key for _, key in hits)
        hits = [(s, key) for s, key in hits if key in nodes]
        return VectorStoreQueryResult(
            nodes=[nodes[key] for _, key in hits],
            similarities=[s for s, _ in hits],
            ids=[nodes[key].node_id for _, key in hits],
        )

    def search_keys(
        self, vectors: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, keys) per row of `vectors`; `mask` (by key) limits the candidates."""
        params = (
            faiss.SearchParametersIVF(nprobe=self._info.nprobe)
            if self._info.kind == "ivf"
            else faiss.SearchParameters()
        )
        if mask is not None:
            # Bitmap over keys; faiss reads bit i at byte i >> 3, bit i & 7.
            bitmap = np.packbits(mask, bitorder="little")
            params.sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bitmap))
        k = max(1, min(k, int(self._index.ntotal)))
        return self._index.search(np.ascontiguousarray(vectors, dtype="float32"), k, params=params)

    def _mask(self, query: VectorStoreQuery) -> np.ndarray:
        if query.node_ids:
            raise ValueError("node_ids filters are not supported; filter by doc_ids")
        sources, day_from, day_to = parse_filters(query.filters)
        also = self.originals_copied_from(sources)
        return self._columns.mask(sources, day_from, day_to, query.doc_ids or None, also)

    def set_copies(self, copied_from: Callable[[list[str]], list[str]] | None) -> None:
        self._copied_from = copied_from

    def originals_copied_from(self, sources: list[str] | None) -> list[str]:
        if not sources or self._copied_from is None:
            return []
        return self._copied_from(sources)

    def persist(self, persist_path: str, fs: Any = None, flat_max: int = FLAT_MAX_VECTORS) -> None:
        """Write vectors and columns into `persist_path` and commit the text store there.

        The text store must already live in that folder (a branch of the previous version).
        """
        folder = Path(persist_path)
        self._rebuild_if_needed(flat_max)
        faiss.write_index(self._index, str(folder / VECTORS_FILE))
        self._columns.save(folder)
        self._text.commit()

    def _rebuild_if_needed(self, flat_max: int) -> None:
        n = int(self._index.ntotal)
        if not vector_index.needs_rebuild(n, flat_max, self._info):
            return
        keys = self._columns.live_keys()
        vectors = vector_index.all_vectors(self._index, keys)
        self._index.reset()  # frees the old copy before the new index is built
        self._index, self._info = vector_index.build(keys, vectors, flat_max)

    @classmethod
    def load(cls, folder: Path, dim: int, info: VectorIndexInfo, text: TextStore) -> "FaissStore":
        index = faiss.read_index(str(folder / VECTORS_FILE))
        if index.d != dim:
            raise ValueError(
                f"{folder / VECTORS_FILE} has {index.d} dimensions, manifest says {dim}"
            )
        columns = Columns.load(folder)
        if index.ntotal != int(columns.live.sum()):
            raise ValueError(f"{folder}: {index.ntotal} vectors but {columns.live.sum()} chunks")
        return cls(dim=dim, text=text, index=index, info=info, columns=columns)


def parse_filters(
    filters: MetadataFilters | None,
) -> tuple[list[str] | None, int | None, int | None]:
    """The filters retrieval uses (source IN/==, published_day bounds), AND-ed."""
    sources: list[str] | None = None
    day_from: int | None = None
    day_to: int | None = None
    if filters is None:
        return sources, day_from, day_to
    if filters.condition not in (None, FilterCondition.AND):
        raise ValueError("only AND-ed metadata filters are supported")
    for f in filters.filters:
        if isinstance(f, MetadataFilters):
            raise ValueError("nested metadata filters are not supported")
        if f.key == "source" and f.operator in (FilterOperator.IN, FilterOperator.EQ):
            values = f.value if isinstance(f.value, list) else [f.value]
            sources = (
                [str(v) for v in values] if sources is None else [s for s in sources if s in values]
            )
        elif f.key == "published_day" and f.operator in (FilterOperator.GTE, FilterOperator.GT):
            low = int(f.value) + (f.operator == FilterOperator.GT)
            day_from = low if day_from is None else max(day_from, low)
        elif f.key == "published_day" and f.operator in (FilterOperator.LTE, FilterOperator.LT):
            high = int(f.value) - (f.operator == FilterOperator.LT)
            day_to = high if day_to is None else min(day_to, high)
        else:
            raise ValueError(
                f"unsupported filter {f.key} {f.operator.value}: filter on source (in) "
                "or published_day (>=, <=)"
            )
    return sources, day_from, day_to
