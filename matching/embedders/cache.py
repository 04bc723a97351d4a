"""Embedding cache keyed by (model, content hash): an unchanged text is never embedded twice.

The key is the SHA-256 of the exact passage text the model sees, not the record's
``content_hash``: a record whose contact line changed keeps its vectors, and two records
with the same text share one. Rows live in one SQLite file (WAL) so concurrent readers
and an index build can share it; each vector is stored as raw float32 bytes.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from matching.embedders.base import Embedder, Vectors

_LOOKUP_CHUNK = 500


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Persistent ``(model, hash) -> vector`` map."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, hash TEXT NOT NULL,"
            " dim INTEGER NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (model, hash))"
        )
        self._conn.commit()

    def get_many(self, model: str, hashes: Sequence[str], dim: int) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start : start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT hash, dim, vec FROM vectors WHERE model = ? AND hash IN ({marks})",
                [model, *chunk],
            )
            for digest, row_dim, blob in rows:
                if row_dim != dim or len(blob) != dim * 4:  # a damaged row is re-embedded
                    continue
                vector = np.frombuffer(blob, dtype=np.float32)
                if np.isfinite(vector).all():
                    found[digest] = vector
        return found

    def put_many(self, model: str, items: Iterable[tuple[str, Vectors]]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO vectors (model, hash, dim, vec) VALUES (?, ?, ?, ?)",
            [
                (model, digest, int(vec.size), np.asarray(vec, np.float32).tobytes())
                for digest, vec in items
            ],
        )
        self._conn.commit()

    def count(self, model: str | None = None) -> int:
        if model is None:
            return int(self._conn.execute("SELECT count(*) FROM vectors").fetchone()[0])
        row = self._conn.execute("SELECT count(*) FROM vectors WHERE model = ?", [model])
        return int(row.fetchone()[0])

    def close(self) -> None:
        self._conn.close()


class CachedEmbedder:
    """An :class:`Embedder` whose passages go through an :class:`EmbeddingCache`.

    Free-text queries are not cached: they are one-off, and a search must not write.
    :meth:`CachedEmbedder.encode_record_queries` is the query side of stored records,
    which the index builder embeds once so that matching a record never runs the model
    in a request.
    ``misses`` counts texts that really went through the model, which tests and
    benchmarks use as evidence.
    """

    def __init__(
        self,
        embedder: Embedder,
        cache: EmbeddingCache,
        *,
        batch: int = 256,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.inner = embedder
        self.cache = cache
        self.name = embedder.name
        self.dim = embedder.dim
        self.misses = 0
        self._batch = batch
        self.progress = progress  # (done, total) of the passages that miss the cache

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._cached(texts, self.name, self.inner.encode_passages)

    def encode_record_queries(self, texts: Sequence[str]) -> Vectors:
        """Query-side vectors of record texts, cached apart from their passage vectors."""
        return self._cached(texts, f"{self.name}#query", self.inner.encode_queries)

    def _cached(
        self, texts: Sequence[str], namespace: str, encode: Callable[[Sequence[str]], Vectors]
    ) -> Vectors:
        hashes = [text_hash(text) for text in texts]
        found = self.cache.get_many(namespace, hashes, self.dim)
        todo = {
            digest: text for digest, text in zip(hashes, texts, strict=True) if digest not in found
        }
        pending = list(todo.items())
        done = 0
        for start in range(0, len(pending), self._batch):
            chunk = pending[start : start + self._batch]
            vectors = encode([text for _, text in chunk])
            fresh = [(digest, vectors[i]) for i, (digest, _) in enumerate(chunk)]
            self.cache.put_many(namespace, fresh)
            found.update(fresh)
            done += len(chunk)
            self.misses += len(chunk)
            if self.progress:
                self.progress(done, len(pending))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, digest in enumerate(hashes):
            out[i] = found[digest]
        return out
