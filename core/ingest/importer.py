"""Read a whole list file into validated records, all-or-nothing unless told to skip."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.ingest.build import RowError, record_from_json, record_from_table_row
from core.ingest.readers import ReadError, read_rows
from core.records import Record, RecordKind


class IngestError(ValueError):
    """The file cannot be imported; the message is ``FILE:LINE: what is wrong``."""


@dataclass
class LoadedFile:
    records: list[Record] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one message per skipped line


def load_file(path: Path, *, kind: RecordKind | None, skip_invalid: bool = False) -> LoadedFile:
    """Parse and validate every row before anything is stored.

    Without ``skip_invalid`` the first bad row raises :class:`IngestError`, so a file is
    stored whole or not at all; with it, bad rows are reported and the rest kept.
    """
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    loaded = LoadedFile()
    try:
        for row in read_rows(path):
            if isinstance(row, ReadError):
                problem = str(row)
            else:
                try:
                    if row.is_tabular:
                        record = record_from_table_row(row.values, kind=kind)
                    else:
                        record = record_from_json(row.values, kind=kind)
                except RowError as exc:
                    problem = f"{row.location}: {exc}"
                else:
                    loaded.records.append(record)
                    continue
            if not skip_invalid:
                raise IngestError(problem)
            loaded.skipped.append(problem)
    except ReadError as exc:
        raise IngestError(str(exc)) from exc
    if not loaded.records and not loaded.skipped:
        raise IngestError(f"{path}: no records found")
    return loaded
