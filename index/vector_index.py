"""Which FAISS index holds the vectors: exact up to `flat_max` vectors, IVF above, recall measured.

Exact inner-product search costs O(n) per query (about 15 ms at 100k vectors on 2 cores, 150 ms
at 1M). Above the threshold the vectors move to an inverted-file index (IVF), which scans only
the `nprobe` closest of `nlist` clusters. IVF (√n·4 lists) rather than HNSW because IVF can remove vectors
(`remove_ids`), which replacing or removing an article needs, and it trains in seconds.
The smallest nprobe whose recall@10 against exact search reaches RECALL_TARGET is chosen on
the index's own vectors, and that measured recall goes into the manifest.
"""

from dataclasses import asdict, dataclass

import faiss
import numpy as np

RECALL_TARGET = 0.95
RECALL_QUERIES = 200
NPROBES = (1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)
TRAIN_POINTS_PER_LIST = 40
LISTS_PER_SQRT_N = 4
# Retrain when the index has grown this much since its clusters were trained.
RETRAIN_GROWTH = 4.0


@dataclass
class VectorIndexInfo:
    kind: str = "flat"  # "flat" (exact) or "ivf"
    nlist: int = 0
    nprobe: int = 0
    recall_at_10: float = 1.0
    trained_on: int = 0

    def describe(self) -> str:
        if self.kind == "flat":
            return "exact inner product (IndexIDMap2 + IndexFlatIP)"
        return (
            f"IVF{self.nlist},Flat inner product, nprobe {self.nprobe}, "
            f"recall@10 {self.recall_at_10:.3f} vs exact (trained on {self.trained_on} vectors)"
        )

    def to_dict(self) -> dict:
        return asdict(self)


def new_flat(dim: int) -> faiss.Index:
    # Inner product on normalized vectors is cosine similarity.
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def wanted_kind(n: int, flat_max: int, current: VectorIndexInfo) -> str:
    if current.kind == "ivf":
        # Some slack before going back, so an index at the threshold does not flip-flop.
        return "flat" if n <= flat_max // 2 else "ivf"
    return "ivf" if n > flat_max else "flat"


def needs_rebuild(n: int, flat_max: int, current: VectorIndexInfo) -> bool:
    kind = wanted_kind(n, flat_max, current)
    if kind != current.kind:
        return True
    return kind == "ivf" and n > RETRAIN_GROWTH * max(current.trained_on, 1)


def all_vectors(index: faiss.Index, keys: np.ndarray) -> np.ndarray:
    """The stored vectors of `keys`, in that order."""
    if not len(keys):
        return np.zeros((0, index.d), dtype="float32")
    return index.reconstruct_batch(np.ascontiguousarray(keys, dtype="int64"))


def build(
    keys: np.ndarray, vectors: np.ndarray, flat_max: int, seed: int = 0
) -> tuple[faiss.Index, VectorIndexInfo]:
    n, dim = vectors.shape
    if n <= flat_max:
        index = new_flat(dim)
        if n:
            index.add_with_ids(vectors, keys)
        return index, VectorIndexInfo(kind="flat", trained_on=n)
    # 4·sqrt(n) lists: smaller lists, so reaching the recall target scans fewer vectors.
    nlist = int(min(16384, n, max(1, round(LISTS_PER_SQRT_N * np.sqrt(n)))))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = seed
    rng = np.random.default_rng(seed)
    sample = rng.choice(n, size=min(n, nlist * TRAIN_POINTS_PER_LIST), replace=False)
    index.train(vectors[np.sort(sample)])
    # A hash-table direct map: reconstruct(key) for similarity, and remove_ids still works.
    index.set_direct_map_type(faiss.DirectMap.Hashtable)
    index.add_with_ids(vectors, keys)
    index.nprobe, recall = calibrate(index, keys, vectors, rng)
    info = VectorIndexInfo(
        kind="ivf", nlist=nlist, nprobe=index.nprobe, recall_at_10=recall, trained_on=n
    )
    return index, info


def calibrate(
    index: faiss.IndexIVF, keys: np.ndarray, vectors: np.ndarray, rng: np.random.Generator
) -> tuple[int, float]:
    """Smallest nprobe reaching RECALL_TARGET recall@10 on queries near stored vectors."""
    n, dim = vectors.shape
    picks = vectors[rng.choice(n, size=min(n, RECALL_QUERIES), replace=False)]
    # Queries near, not on, stored vectors: like a question close to a chunk.
    queries = picks + rng.standard_normal(picks.shape).astype("float32") * (0.5 / np.sqrt(dim))
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    # Brute force over the vectors in place (an IndexFlatIP would copy them all).
    _, positions = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    truth = keys[positions]
    best = (NPROBES[-1], 0.0)
    for nprobe in NPROBES:
        if nprobe > index.nlist:
            break
        index.nprobe = nprobe
        _, found = index.search(queries, 10)
        best = (nprobe, recall_at_k(found, truth))
        if best[1] >= RECALL_TARGET:
            break
    return best


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of each row of `truth` (exact top-k keys) that `found` also returned."""
    hits = [len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth, strict=True)]
    return float(np.mean(hits) / truth.shape[1])
