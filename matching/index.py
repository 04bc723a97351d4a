"""One searchable corpus (all scenes, or all capabilities): BM25 + vectors + facets.

The corpus is synced from the store by content hash and source count
(``RecordStore.index_keys``): new and changed records are re-tokenised and re-embedded
(through the embedding cache), removed ones dropped, everything else kept. Each record is
embedded twice: as a passage (what other records' queries search) and as a query (what it
searches with when it is matched), so matching a stored record never runs the model
inside a request. On disk it is a folder whose manifest holds SHA-256 checksums of the
other files; a folder that fails any check raises :class:`IndexCorrupt` and is rebuilt
from the store by ``Matcher.corpus`` (``matching/engine.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from core.records import RecordKind, StoredRecord
from core.store import RecordStore, index_key
from matching.embedders import Embedder, Vectors
from matching.errors import IndexCorrupt
from matching.facets import FacetTable, record_facets
from matching.filelock import folder_lock
from matching.lexical.bm25 import LexicalIndex
from matching.text import field_texts, passage_text
from matching.vector.faiss_index import DEFAULT_APPROXIMATE_ABOVE, VectorIndex

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 2: rows keyed by RecordStore.index_keys; 3: + query vectors
_FULL_SCAN_ABOVE = 5000  # fetch changed records by a full scan rather than an IN list
_CHUNK = 2000  # records embedded and tokenised per step


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded: int = 0  # passages that really went through the model
    rebuilt_reason: str | None = None  # set when a damaged index was replaced

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {self.embedded} embedded"
        )


def record_query_vectors(embedder: Embedder, texts: list[str]) -> Vectors:
    """The query side of record texts, cached where the embedder caches them
    (``matching.embedders.CachedEmbedder.encode_record_queries``)."""
    record_queries = getattr(embedder, "encode_record_queries", embedder.encode_queries)
    vectors: Vectors = record_queries(texts)
    return vectors


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class CorpusIndex:
    """Rows of one kind of record, aligned across the lexical index and the facets."""

    def __init__(
        self,
        kind: RecordKind,
        embedder: Embedder,
        *,
        approximate_above: int = DEFAULT_APPROXIMATE_ABOVE,
    ) -> None:
        self.kind = RecordKind(kind)
        self.embedder = embedder
        self.ids: list[str] = []
        self.hashes: list[str] = []
        self.keys = np.zeros(0, dtype=np.int64)
        self.rows: list[dict[str, Any]] = []  # facets per row
        self.next_key = 0
        self.lexical = LexicalIndex()
        self.vectors = VectorIndex(embedder.dim, approximate_above=approximate_above)
        # row-aligned query-side vectors (memory-mapped once loaded: workers share the pages)
        self.query_vectors: npt.NDArray[np.float32] = np.zeros((0, embedder.dim), np.float32)
        self._derive()

    def __len__(self) -> int:
        return len(self.ids)

    def _derive(self) -> None:
        self.row_of = {record_id: row for row, record_id in enumerate(self.ids)}
        self.row_of_key = {int(key): row for row, key in enumerate(self.keys)}
        self.facets = FacetTable(self.rows)

    def row_fields(self, row: int) -> dict[str, str]:
        facets = self.rows[row]
        fields: dict[str, str] = facets.get("fields", {})
        return fields

    # -- syncing ------------------------------------------------------------------

    def sync(
        self, store: RecordStore, *, progress: Callable[[str], None] | None = None
    ) -> SyncReport:
        """Bring the corpus in line with the store; only changed records cost work."""
        current = store.index_keys(self.kind)
        known = dict(zip(self.ids, self.hashes, strict=True))
        report = SyncReport(
            added=sorted(set(current) - set(known)),
            updated=sorted(
                rid for rid, digest in current.items() if rid in known and known[rid] != digest
            ),
            removed=sorted(set(known) - set(current)),
        )
        if not report.changed:
            return report
        todo = set(report.added) | set(report.updated)
        # Stream the changed records in chunks: only a chunk of StoredRecords is alive at a
        # time; FAISS and the rows are touched only once every chunk has succeeded, so a
        # failure (say, in the embedder) leaves this corpus as it was.
        new_ids: list[str] = []
        new_hashes: list[str] = []
        new_rows: list[dict[str, Any]] = []
        new_docs: list[npt.NDArray[np.int32]] = []
        vectors = np.zeros((len(todo), self.embedder.dim), dtype=np.float32)
        query_vectors = np.zeros_like(vectors)
        embedded = 0
        for chunk in self._fetch(store, todo):
            if progress:
                progress(f"{self.kind.value}: indexing {len(new_ids) + len(chunk)}/{len(todo)}")
            start = len(new_ids)
            texts = [passage_text(record) for record in chunk]
            misses_before = getattr(self.embedder, "misses", 0)
            vectors[start : start + len(chunk)] = self.embedder.encode_passages(texts)
            embedded += getattr(self.embedder, "misses", misses_before + len(chunk)) - misses_before
            if progress:
                progress(f"{self.kind.value}: query side of {start + 1}-{start + len(chunk)}")
            query_vectors[start : start + len(chunk)] = record_query_vectors(self.embedder, texts)
            for record in chunk:
                facets = record_facets(record)
                facets["fields"] = field_texts(record)
                new_rows.append(facets)
                new_docs.append(self.lexical.encode_document(facets["fields"]))
                new_ids.append(record.id)
                new_hashes.append(index_key(record.content_hash, len(record.sources)))
        if len(new_ids) != len(todo):
            raise RuntimeError(f"store changed during sync: fetched {len(new_ids)} of {len(todo)}")
        report.embedded = embedded

        drop = set(report.removed) | set(report.updated)
        keep = [row for row, rid in enumerate(self.ids) if rid not in drop]
        self.vectors.remove(
            self.keys[[self.row_of[rid] for rid in drop]] if drop else self.keys[:0]
        )
        new_keys = np.arange(self.next_key, self.next_key + len(new_ids), dtype=np.int64)
        self.next_key += len(new_ids)
        self.vectors.add(new_keys, vectors)
        del vectors

        self.ids = [self.ids[row] for row in keep] + new_ids
        self.hashes = [self.hashes[row] for row in keep] + new_hashes
        self.keys = np.concatenate([self.keys[keep], new_keys])
        self.query_vectors = np.concatenate([self.query_vectors[keep], query_vectors])
        self.rows = [self.rows[row] for row in keep] + new_rows
        docs = [self.lexical.docs[row] for row in keep] + new_docs
        if progress:
            progress(f"{self.kind.value}: rebuilding BM25 over {len(docs)} records")
        self.lexical.set_documents(docs)
        self._derive()
        return report

    def _fetch(self, store: RecordStore, ids: set[str]) -> Iterator[list[StoredRecord]]:
        """The records with these ids, in chunks of ``_CHUNK``."""
        if not ids:
            return
        source: Iterator[StoredRecord]
        if len(ids) > _FULL_SCAN_ABOVE:
            source = (r for r in store.iter_records(kind=self.kind) if r.id in ids)
        else:
            source = store.iter_records(kind=self.kind, ids=ids)
        chunk: list[StoredRecord] = []
        for record in source:
            chunk.append(record)
            if len(chunk) >= _CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    # -- persistence ----------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write to a sibling temp folder, then swap it in: a crash never leaves half an index."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        # a temp folder of this process's own: a CLI run and a server may save at once
        tmp = Path(tempfile.mkdtemp(prefix=f"{folder.name}.tmp-", dir=folder.parent))
        self.vectors.save(tmp / "vectors.faiss")
        np.save(tmp / "queries.npy", np.ascontiguousarray(self.query_vectors, np.float32))
        files = [tmp / "vectors.faiss", tmp / "queries.npy", *self.lexical.save(tmp)]
        rows_path = tmp / "rows.json"
        rows_path.write_text(
            json.dumps(
                {
                    "ids": self.ids,
                    "hashes": self.hashes,
                    "keys": self.keys.tolist(),
                    "rows": self.rows,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        files.append(rows_path)
        manifest = {
            "format": FORMAT_VERSION,
            "kind": self.kind.value,
            "embedder": self.embedder.name,
            "dim": self.embedder.dim,
            "next_key": self.next_key,
            "count": len(self.ids),
            "checksums": {path.name: _sha256(path) for path in files},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        with folder_lock(folder):
            old = Path(tempfile.mkdtemp(prefix=f"{folder.name}.old-", dir=folder.parent))
            if folder.exists():
                folder.replace(old / folder.name)
            tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(
        cls,
        folder: Path,
        kind: RecordKind,
        embedder: Embedder,
        *,
        approximate_above: int = DEFAULT_APPROXIMATE_ABOVE,
    ) -> CorpusIndex:
        """Load and verify; raise :class:`IndexCorrupt` saying what is wrong."""
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT_VERSION:
                raise IndexCorrupt(
                    f"index format {manifest.get('format')!r} is not {FORMAT_VERSION}"
                )
            if manifest.get("kind") != RecordKind(kind).value:
                raise IndexCorrupt(f"index holds {manifest.get('kind')!r} records, not {kind}")
            if manifest["embedder"] != embedder.name or manifest["dim"] != embedder.dim:
                raise IndexCorrupt(
                    f"index was built with {manifest['embedder']}, not {embedder.name}"
                )
            for name, digest in manifest["checksums"].items():
                if _sha256(folder / name) != digest:
                    raise IndexCorrupt(f"{name} does not match its checksum")
            index = cls(kind, embedder, approximate_above=approximate_above)
            data = json.loads((folder / "rows.json").read_text(encoding="utf-8"))
            index.ids, index.hashes, index.rows = data["ids"], data["hashes"], data["rows"]
            index.keys = np.asarray(data["keys"], dtype=np.int64)
            index.next_key = int(manifest["next_key"])
            index.lexical = LexicalIndex.load(folder)
            index.vectors = VectorIndex.load(
                folder / "vectors.faiss", approximate_above=approximate_above
            )
            index.query_vectors = np.load(folder / "queries.npy", mmap_mode="r")
            if index.query_vectors.dtype != np.float32 or index.query_vectors.shape[1:] != (
                embedder.dim,
            ):
                raise IndexCorrupt(f"queries.npy holds {index.query_vectors.shape} vectors")
        except IndexCorrupt:
            raise
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexCorrupt(f"{type(exc).__name__}: {exc}") from exc
        sizes = {
            len(index.ids),
            len(index.hashes),
            len(index.rows),
            len(index.keys),
            len(index.lexical),
            len(index.vectors),
            len(index.query_vectors),
        }
        if len(sizes) != 1:
            raise IndexCorrupt(f"parts disagree on the number of records: {sorted(sizes)}")
        index._derive()
        return index

    def vector_of(self, row: int) -> npt.NDArray[np.float32]:
        return self.vectors.reconstruct(int(self.keys[row]))

    def vectors_of(self, rows: list[int]) -> npt.NDArray[np.float32]:
        return self.vectors.reconstruct_many(self.keys[rows])

    def query_vector_of(self, record: StoredRecord) -> npt.NDArray[np.float32] | None:
        """The stored query vector of ``record``; None unless this exact version is indexed."""
        row = self.row_of.get(record.id)
        if row is None or self.hashes[row] != index_key(record.content_hash, len(record.sources)):
            return None
        return np.array(self.query_vectors[row], dtype=np.float32)
