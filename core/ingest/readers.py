"""Read list files into rows: ``(location, {column: value})``, one per data line.

The location (``FILE:LINE`` or ``FILE:Sheet!ROW``) is what error messages point at.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.headers import header_score
from core.ingest.encoding import decode_bytes
from core.normalize.money import json_float

SUPPORTED_SUFFIXES = (".jsonl", ".csv", ".xlsx")
#: columns only a ``records export`` CSV has together: its rows are records, not a list
EXPORT_MARKER_COLUMNS = frozenset({"kind", "title", "domains", "raw"})
_HEADER_SEARCH_ROWS = 15


class ReadError(ValueError):
    """A file, line or row that cannot be read; the message starts with its location."""


@dataclass(frozen=True)
class SourceRow:
    location: str
    values: dict[str, Any]
    is_tabular: bool  # CSV/XLSX: headers need mapping; JSONL: keys are field names
    #: a CSV written by ``records export``: field names as headers, values as text
    is_export: bool = False


def read_rows(path: Path) -> Iterator[SourceRow | ReadError]:
    """Yield rows of a supported file; a malformed line yields a :class:`ReadError` in place.

    Yielding errors instead of raising lets ``--skip-invalid`` carry on past them.
    """
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(path)
    elif suffix == ".csv":
        yield from _read_csv(path)
    elif suffix == ".xlsx":
        yield from _read_xlsx(path)
    else:
        raise ReadError(
            f"{path}: unsupported file type {suffix!r}; use one of {SUPPORTED_SUFFIXES}"
        )


def _read_jsonl(path: Path) -> Iterator[SourceRow | ReadError]:
    text, _ = decode_bytes(path.read_bytes())
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        location = f"{path}:{number}"
        try:
            value = json.loads(line, parse_float=json_float)
        except json.JSONDecodeError as exc:
            yield ReadError(f"{location}: invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(value, dict):
            yield ReadError(f"{location}: expected a JSON object, got {type(value).__name__}")
            continue
        yield SourceRow(location, value, is_tabular=False)


def _read_csv(path: Path) -> Iterator[SourceRow | ReadError]:
    try:
        text, _ = decode_bytes(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path}: {exc.reason}") from exc
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header_index = _find_header(rows)
    if header_index is None:
        raise ReadError(f"{path}:1: no header row with known column names found")
    headers = [cell.strip() for cell in rows[header_index]]
    is_export = set(headers) >= EXPORT_MARKER_COLUMNS
    for offset, cells in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in cells):
            continue
        location = f"{path}:{offset}"
        if len(cells) > len(headers):
            extra = [c for c in cells[len(headers) :] if c.strip()]
            if extra:
                yield ReadError(
                    f"{location}: {len(cells)} cells but the header has {len(headers)} columns"
                )
                continue
        values = _row_dict(headers, cells)
        if is_export:
            yield SourceRow(location, values, is_tabular=False, is_export=True)
        else:
            yield SourceRow(location, values, is_tabular=True)


def _read_xlsx(path: Path) -> Iterator[SourceRow | ReadError]:
    from openpyxl import load_workbook

    try:
        # not read_only: merged-cell ranges are only available on a fully loaded sheet
        workbook = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ReadError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    found = False
    for sheet in workbook.worksheets:
        grid = fill_merged(sheet)
        header_index = _find_header([[_cell_text(c) for c in row] for row in grid])
        if header_index is None:
            continue
        found = True
        headers = [_cell_text(c) for c in grid[header_index]]
        for offset, cells in enumerate(grid[header_index + 1 :], start=header_index + 2):
            if not any(_cell_text(c) for c in cells):
                continue
            yield SourceRow(
                f"{path}:{sheet.title}!{offset}", _row_dict(headers, cells), is_tabular=True
            )
    if not found:
        raise ReadError(f"{path}: no sheet has a header row with known column names")


def fill_merged(sheet: Any) -> list[list[Any]]:
    """The sheet's values as a grid, merged areas filled from their top-left cell."""
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        top_left = sheet.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
                    grid[row - 1][col - 1] = top_left
    return grid


def _find_header(rows: list[list[str]]) -> int | None:
    best, best_score = None, 1  # at least two known headers
    for index, cells in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        score = header_score([str(c or "").strip() for c in cells])
        if score > best_score:
            best, best_score = index, score
    return best


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _row_dict(headers: list[str], cells: list[Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for index, header in enumerate(headers):
        value = cells[index] if index < len(cells) else None
        name = header or f"column_{index + 1}"
        while name in row:  # two columns with the same header: keep both
            name += "_"
        row[name] = value.strip() if isinstance(value, str) else value
    return row
