"""Vectors in FAISS behind a small interface; exact below a size threshold.

Exact search is ``IndexIDMap2(IndexFlatIP)`` on L2-normalised vectors (inner product =
cosine); it supports deletion and costs ~15 ms per query at 100k x 384 on one core, so
it is the default up to ``approximate_above`` vectors. Above that the index is rebuilt
as ``IndexIVFFlat`` (also deletable, unlike HNSW). Filters are applied inside FAISS with
an ``IDSelector``, so a filtered top-k is the top-k of the allowed set, never a trimmed
unfiltered list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

Keys = npt.NDArray[np.int64]

#: faiss' generated stubs miss the keyword constructors and DirectMap; go through Any
_faiss: Any = faiss

DEFAULT_APPROXIMATE_ABOVE = 200_000

# One query at a time is memory-bound; FAISS' threads only add synchronisation, and on a
# busy 2-core machine they cost 57 ms instead of 9 ms per 100k-vector search (measured).
faiss.omp_set_num_threads(1)


class VectorIndex:
    """int64 keys -> unit vectors; ``search`` returns (keys, cosine scores) best first."""

    def __init__(
        self,
        dim: int,
        *,
        approximate_above: int = DEFAULT_APPROXIMATE_ABOVE,
        nprobe: int = 16,
    ) -> None:
        self.dim = dim
        self.approximate_above = approximate_above
        self.nprobe = nprobe
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def approximate(self) -> bool:
        return isinstance(self._index, faiss.IndexIVF)

    def add(self, keys: Keys, vectors: npt.NDArray[np.float32]) -> None:
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(keys), self.dim):
            raise ValueError(f"expected {len(keys)} x {self.dim} vectors, got {vectors.shape}")
        if len(keys):
            self._index.add_with_ids(vectors, keys)
        if not self.approximate and len(self) > self.approximate_above:
            self._to_ivf()

    def remove(self, keys: Keys) -> int:
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        if not len(keys):
            return 0
        # IVF's hashtable direct map only accepts an array selector; Flat scans, so a batch
        # (hash set) selector keeps removal linear there
        selector = faiss.IDSelectorArray(keys) if self.approximate else faiss.IDSelectorBatch(keys)
        return int(self._index.remove_ids(selector))

    def reconstruct(self, key: int) -> npt.NDArray[np.float32]:
        return np.asarray(self._index.reconstruct(int(key)), dtype=np.float32)

    def reconstruct_many(self, keys: Keys) -> npt.NDArray[np.float32]:
        """The stored vectors of ``keys``, one row each, in their order."""
        keys = np.ascontiguousarray(keys, dtype=np.int64)
        if not len(keys):
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._index.reconstruct_batch(keys), dtype=np.float32)

    def search(
        self, query: npt.NDArray[np.float32], k: int, allowed: Keys | None = None
    ) -> tuple[Keys, npt.NDArray[np.float32]]:
        """Top ``k`` keys by cosine; only keys in ``allowed`` when given (pre-filter)."""
        if len(self) == 0 or k <= 0 or (allowed is not None and len(allowed) == 0):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        k = min(k, len(self) if allowed is None else len(allowed))
        params: Any = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (
                _faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe)
                if self.approximate
                else _faiss.SearchParameters(sel=selector)
            )
        elif self.approximate:
            params = _faiss.SearchParametersIVF(nprobe=self.nprobe)
        scores, keys = self._index.search(query, k, params=params)
        found = keys[0] >= 0
        return keys[0][found].astype(np.int64), scores[0][found].astype(np.float32)

    def _to_ivf(self) -> None:
        """Rebuild as IVF-Flat: train on the stored vectors, re-add them with their keys."""
        count = len(self)
        keys = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        vectors = self._index.index.reconstruct_n(0, count)
        nlist = max(1, min(int(4 * np.sqrt(count)), count // 64))
        quantizer = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).permutation(count)[: nlist * 64]]
        ivf.train(sample)
        ivf.add_with_ids(vectors, keys)
        ivf.nprobe = self.nprobe
        ivf.set_direct_map_type(_faiss.DirectMap.Hashtable)  # reconstruct() by key
        self._index = ivf
        self._quantizer = quantizer  # keep the quantizer alive next to the index

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(
        cls, path: Path, *, approximate_above: int = DEFAULT_APPROXIMATE_ABOVE, nprobe: int = 16
    ) -> VectorIndex:
        """Read an index file; raises ``ValueError`` on anything FAISS cannot parse."""
        try:
            raw = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise ValueError(f"cannot read vector index {path}: {exc}") from exc
        index = cls(int(raw.d), approximate_above=approximate_above, nprobe=nprobe)
        if isinstance(raw, faiss.IndexIVF):
            raw.nprobe = nprobe
            if raw.direct_map.type != _faiss.DirectMap.Hashtable:
                raw.set_direct_map_type(_faiss.DirectMap.Hashtable)
            index._index = raw
        elif isinstance(raw, faiss.IndexIDMap2):
            index._index = raw
        else:
            raise ValueError(f"{path}: unexpected index type {type(raw).__name__}")
        return index
