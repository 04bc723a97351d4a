"""xlsx workbooks as grids: every sheet, merged areas filled from their top-left cell."""

from __future__ import annotations

import io
from datetime import date, datetime

from core.ingest.readers import fill_merged
from crawlers.extraction.errors import AttachmentError
from crawlers.extraction.grid import Table


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_tables(data: bytes, location: str) -> list[Table]:
    from openpyxl import load_workbook

    try:
        # not read_only: merged ranges are only known on a fully loaded sheet (crawl.md §2.5)
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise AttachmentError(f"not a readable xlsx workbook: {exc}") from exc
    tables = []
    for sheet in workbook.worksheets:
        grid = [[_text(v) for v in row] for row in fill_merged(sheet)]
        if grid:
            tables.append(Table(grid, f"{location}#{sheet.title}", heading=None))
    return tables
