"""Per-vector filter columns (document, source, day, live) as numpy arrays indexed by key.

Filters on dense search become a bitmap in microseconds at a million chunks, instead of a
walk over every node's metadata; the arrays load from one small .npz file.
"""

from pathlib import Path

import numpy as np

COLUMNS_FILE = "columns.npz"
NO_DAY = np.iinfo(np.int32).min
NO_SOURCE = -1


class Columns:
    def __init__(self) -> None:
        self.doc = np.zeros(0, dtype=np.int32)
        self.source = np.zeros(0, dtype=np.int32)
        self.day = np.zeros(0, dtype=np.int32)
        self.live = np.zeros(0, dtype=bool)
        self.doc_names: list[str] = []
        self.source_names: list[str] = []
        self._doc_codes: dict[str, int] = {}
        self._source_codes: dict[str, int] = {}
        self._pending: list[tuple[int, int, int]] = []

    def __len__(self) -> int:
        """One past the highest key ever used (deleted keys included)."""
        return len(self.live) + len(self._pending)

    def live_keys(self) -> np.ndarray:
        self._flush()
        return np.flatnonzero(self.live).astype("int64")

    def append(self, doc_ids: list[str], sources: list[str | None], days: list[int | None]):
        """Columns for the next len(doc_ids) keys, which must be len(self) onwards."""
        for doc_id, source, day in zip(doc_ids, sources, days, strict=True):
            self._pending.append(
                (
                    self._code(doc_id, self.doc_names, self._doc_codes),
                    NO_SOURCE
                    if source is None
                    else self._code(source, self.source_names, self._source_codes),
                    NO_DAY if day is None else int(day),
                )
            )

    def _flush(self) -> None:
        # Appends are batched: concatenating per article would copy the arrays each time.
        if not self._pending:
            return
        doc, source, day = (np.asarray(col, dtype=np.int32) for col in zip(*self._pending))
        self.doc = np.concatenate([self.doc, doc])
        self.source = np.concatenate([self.source, source])
        self.day = np.concatenate([self.day, day])
        self.live = np.concatenate([self.live, np.ones(len(doc), dtype=bool)])
        self._pending = []

    def keys_of_doc(self, doc_id: str) -> np.ndarray:
        self._flush()
        code = self._doc_codes.get(doc_id)
        if code is None:
            return np.zeros(0, dtype="int64")
        return np.flatnonzero(self.live & (self.doc == code)).astype("int64")

    def kill(self, keys: np.ndarray) -> None:
        self._flush()
        self.live[keys] = False

    def mask(
        self,
        sources: list[str] | None = None,
        day_from: int | None = None,
        day_to: int | None = None,
        doc_ids: list[str] | None = None,
        also_docs: list[str] | None = None,
    ) -> np.ndarray:
        """Live keys matching every filter; `also_docs` pass the source filter too (articles
        another outlet ran a copy of)."""
        self._flush()
        mask = self.live.copy()
        if sources is not None:
            codes = [self._source_codes[s] for s in sources if s in self._source_codes]
            of_source = np.isin(self.source, codes)
            if also_docs:
                extra = [self._doc_codes[d] for d in also_docs if d in self._doc_codes]
                of_source |= np.isin(self.doc, extra)
            mask &= of_source
        if doc_ids is not None:
            codes = [self._doc_codes[d] for d in doc_ids if d in self._doc_codes]
            mask &= np.isin(self.doc, codes)
        if day_from is not None:
            mask &= (self.day != NO_DAY) & (self.day >= day_from)
        if day_to is not None:
            mask &= (self.day != NO_DAY) & (self.day <= day_to)
        return mask

    @staticmethod
    def _code(name: str, names: list[str], codes: dict[str, int]) -> int:
        code = codes.get(name)
        if code is None:
            code = codes[name] = len(names)
            names.append(name)
        return code

    def save(self, folder: Path) -> None:
        self._flush()
        with open(Path(folder) / COLUMNS_FILE, "wb") as fh:
            np.savez(
                fh,
                doc=self.doc,
                source=self.source,
                day=self.day,
                live=self.live,
                doc_names=np.array(self.doc_names, dtype=str),
                source_names=np.array(self.source_names, dtype=str),
            )

    @classmethod
    def load(cls, folder: Path) -> "Columns":
        cols = cls()
        with np.load(Path(folder) / COLUMNS_FILE) as data:
            cols.doc, cols.source, cols.day, cols.live = (
                data["doc"],
                data["source"],
                data["day"],
                data["live"],
            )
            cols.doc_names = data["doc_names"].tolist()
            cols.source_names = data["source_names"].tolist()
        cols._doc_codes = {n: i for i, n in enumerate(cols.doc_names)}
        cols._source_codes = {n: i for i, n in enumerate(cols.source_names)}
        return cols
