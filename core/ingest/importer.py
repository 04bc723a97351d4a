"""Read a whole list file into validated records, all-or-nothing unless told to skip."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from core.ingest.build import (
    RowError,
    json_from_export_row,
    record_from_json,
    record_from_table_row,
)
from core.ingest.readers import SUPPORTED_SUFFIXES, ReadError, SourceRow, read_rows
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
    stored whole or not at all; with it, bad rows are reported and the rest kept. A row
    whose id (given, or derived from kind, org and title) an earlier row of the file already
    has is a bad row: one file holds each item once.
    """
    _check_path(path)
    loaded = LoadedFile()
    first_line: dict[str, str] = {}
    try:
        for row in read_rows(path):
            if isinstance(row, ReadError):
                problem = str(row)
            else:
                try:
                    record = _record(row, kind).with_id()
                except RowError as exc:
                    problem = f"{row.location}: {exc}"
                else:
                    assert record.id is not None
                    seen = first_line.setdefault(record.id, row.location)
                    if seen == row.location:
                        loaded.records.append(record)
                        continue
                    problem = (
                        f"{row.location}: id {record.id} again (first at {seen}); "
                        "a file must hold each item once"
                    )
            if not skip_invalid:
                raise IngestError(problem)
            loaded.skipped.append(problem)
    except ReadError as exc:
        raise IngestError(str(exc)) from exc
    if not loaded.records and not loaded.skipped:
        raise IngestError(f"{path}: no records found")
    return loaded


def _check_path(path: Path) -> None:
    if path.is_dir():
        raise IngestError(
            f"{path}: is a directory; give one list file ({', '.join(SUPPORTED_SUFFIXES)})"
        )
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if not path.is_file():
        raise IngestError(f"{path}: not a regular file")


def _record(row: SourceRow, kind: RecordKind | None) -> Record:
    if row.is_export:
        return record_from_json(json_from_export_row(row.values), kind=kind)
    if row.is_tabular:
        return record_from_table_row(row.values, kind=kind)
    return record_from_json(row.values, kind=kind)
