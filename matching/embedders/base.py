"""The one protocol every embedder follows, so indexes and eval never care which model runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class EmbedderError(RuntimeError):
    """An embedder cannot be built (unknown backend, missing model files)."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows; queries and passages may differ.

    Asymmetric models (e5, bge) need different prefixes on each side; symmetric ones
    (MiniLM) encode both the same way. ``name`` identifies the model in caches and index
    metadata: two embedders with the same name must give the same vectors.
    """

    name: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...

    def encode_passages(self, texts: Sequence[str]) -> Vectors: ...


def normalise_rows(vectors: npt.ArrayLike) -> Vectors:
    """L2-normalise each row (zero rows stay zero) so inner product is cosine."""
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(array / norms, dtype=np.float32)
