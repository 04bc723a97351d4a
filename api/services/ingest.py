"""Import a JSONL, CSV or XLSX list into the store (all or nothing unless skip_invalid)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from api.services.errors import Conflict, InvalidInput
from core.ingest.importer import IngestError, load_file
from core.records import RecordKind
from core.store import RecordStore, StoreBusy, UpsertReport


@dataclass
class IngestResult:
    report: UpsertReport
    skipped: list[str]


def ingest_file(
    store: RecordStore,
    path: Path,
    *,
    kind: RecordKind | None = None,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> IngestResult:
    try:
        loaded = load_file(path, kind=kind, skip_invalid=skip_invalid)
    except IngestError as exc:
        raise InvalidInput(f"{exc}; nothing stored") from exc
    total = len(loaded.records)
    try:
        report = store.upsert_many(
            loaded.records, progress=(lambda done: progress(done, total)) if progress else None
        )
    except StoreBusy as exc:  # concurrent writers kept colliding: nothing of the file stored
        raise Conflict(str(exc)) from exc
    return IngestResult(report, [str(p) for p in loaded.skipped])
