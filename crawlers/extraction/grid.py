"""Tables as grids of text, and grids as records-to-be: header found by keywords, not position.

Every reader (HTML, xlsx, xls, docx, pdf) produces :class:`Table` grids whose merged cells are
already filled from their top-left cell; this module finds the header row (possibly two rows),
the list's heading, section rows (``一、智能制造``) and yields one :class:`TableRow` per data row.
A row whose org cell is blank continues the firm above: it stays its own record (one per
business line) and takes the firm name from the row above.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from core.headers import header_score, map_header

HEADER_SEARCH_ROWS = 15
LOW_CONFIDENCE = 60.0  # an OCR'd cell under this confidence is kept but flagged
_BATCH_RE = re.compile(r"(第[一二三四五六七八九十百\d]+批|首批)")
_TOTAL_RE = re.compile(r"^(合计|总计|小计)")
_SERIAL_HEADERS = {"序号", "编号", "no", "no."}


@dataclass
class Table:
    """A rectangular grid of cell texts from one table of one file or page."""

    rows: list[list[str]]
    location: str
    heading: str | None = None  # text just before the table (list name, batch)
    #: a table read by OCR: each cell's confidence (0-100, same shape as ``rows``)
    confidence: list[list[float]] | None = None
    ocr_seconds: float = 0.0


@dataclass
class TableRow:
    """One data row: published header -> cell value, plus what the table says around it."""

    values: dict[str, Any]
    location: str
    list_name: str | None = None
    batch: str | None = None
    section: str | None = None
    continued_org: bool = False
    context: dict[str, Any] = field(default_factory=dict)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return " ".join(text.split())


def find_header(rows: list[list[str]]) -> int | None:
    """Index of the row with the most known headers among the first rows.

    A header row needs at least two known names and more known than unknown cells, so a
    key–value row (需求单位 | 某医院 | 所属领域 | 医疗) is not taken for a header.
    """
    best, best_score = None, 1
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [c for c in dict.fromkeys(cells) if c]  # a spanning cell counts once
        score = header_score(filled) + sum(1 for c in filled if is_serial_header(c))
        if score > best_score and score * 2 > len(filled):
            best, best_score = index, score
    return best


def merge_header_rows(upper: list[str], lower: list[str]) -> list[str]:
    """Combine a two-row header: a spanning cell over sub-headers (联系方式 / 联系人, 电话)."""
    merged: list[str] = []
    for top, bottom in zip(upper, lower, strict=False):
        if not bottom or bottom == top:
            merged.append(top)
        elif not top or map_header(bottom).field:
            merged.append(bottom)
        else:
            merged.append(f"{top}{bottom}")
    return merged


def _is_second_header(upper: list[str], lower: list[str]) -> bool:
    """The row under the header is a sub-header when the header spans it (repeated cells)."""
    if not lower or header_score([c for c in lower if c]) < 1:
        return False
    spans = any(a and a == b for a, b in pairwise(upper))
    return spans and sum(1 for a, b in zip(upper, lower, strict=False) if a == b) >= 1


def _heading_text(rows: list[list[str]], table: Table) -> str | None:
    """The table's own title row (first single-valued row above the header), else the
    heading before the table."""
    for row in rows:
        distinct = {c for c in row if c}
        if len(distinct) == 1:
            return distinct.pop()
    return table.heading


def batch_of(text: str | None) -> str | None:
    if not text:
        return None
    match = _BATCH_RE.search(text)
    return match.group(1) if match else None


def table_rows(table: Table) -> Iterator[TableRow]:
    """Yield the data rows of a table whose header row can be found; nothing otherwise."""
    rows = [[cell_text(c) for c in row] for row in table.rows]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    index = find_header(rows)
    if index is None:
        return
    headers = rows[index]
    start = index + 1
    if start < len(rows) and _is_second_header(headers, rows[start]):
        headers = merge_header_rows(headers, rows[start])
        start += 1
    headers = _name_blank_headers(headers)
    heading = _heading_text(rows[:index], table)
    org_columns = [i for i, h in enumerate(headers) if map_header(h).field == "org"]
    title_columns = [i for i, h in enumerate(headers) if map_header(h).field == "title"]
    section: str | None = None
    previous_org: str | None = None
    for offset, cells in enumerate(rows[start:], start=start + 1):
        distinct = [c for c in dict.fromkeys(cells) if c]
        if not distinct:
            continue
        if cells == rows[index] or _is_repeated_header(cells, headers):
            continue  # a header repeated on a new page or sheet part
        if len(distinct) == 1 and width > 2:
            section = distinct[0]  # 一、智能制造 — a section row spanning the table
            continue
        if _TOTAL_RE.match(distinct[0]):
            continue
        values = _row_values(headers, cells)
        if table.confidence is not None:
            values.update(_ocr_marks(headers, cells, table.confidence[offset - 1]))
        continued = False
        if org_columns:
            org_index = org_columns[0]
            if not cells[org_index] and previous_org and any(cells[i] for i in title_columns):
                values[headers[org_index]] = previous_org
                continued = True
            previous_org = values.get(headers[org_index]) or previous_org
        yield TableRow(
            values=values,
            location=f"{table.location}:{offset}",
            list_name=heading,
            batch=batch_of(heading),
            section=_strip_section_number(section),
            continued_org=continued,
        )


def _ocr_marks(headers: list[str], cells: list[str], confidence: list[float]) -> dict[str, Any]:
    """What a record read by OCR says about it (kept in its raw row): how it was read, the
    row's mean confidence, and the cells read with low confidence (their text is kept)."""
    scores = [c for c, text in zip(confidence, cells, strict=False) if text or c < LOW_CONFIDENCE]
    low = [
        header
        for header, score, text in zip(headers, confidence, cells, strict=False)
        if score < LOW_CONFIDENCE and (text or score == 0.0)
    ]
    marks: dict[str, Any] = {
        "_extracted_by": "ocr",
        "_ocr_confidence": round(sum(scores) / len(scores), 1) if scores else 0.0,
    }
    if low:
        marks["_ocr_low_confidence"] = low
    return marks


def _is_repeated_header(cells: list[str], headers: list[str]) -> bool:
    known = [c for c in cells if c]
    return bool(known) and header_score(known) >= max(2, len(known) - 1)


def _name_blank_headers(headers: list[str]) -> list[str]:
    out: list[str] = []
    for i, header in enumerate(headers):
        name = header or f"column_{i + 1}"
        out.append(name)
    return out


def _row_values(headers: list[str], cells: list[str]) -> dict[str, Any]:
    """Header -> value; a header spanning several columns keeps each distinct value once."""
    values: dict[str, Any] = {}
    for header, cell in zip(headers, cells, strict=False):
        if header in values:
            if cell and cell not in str(values[header]).split(" / "):
                values[header] = f"{values[header]} / {cell}" if values[header] else cell
            continue
        values[header] = cell
    return values


def _strip_section_number(text: str | None) -> str | None:
    if not text:
        return None
    return re.sub(r"^[一二三四五六七八九十\d]+[、.．]\s*", "", text).strip() or None


def is_serial_header(header: str) -> bool:
    return header.strip().lower() in _SERIAL_HEADERS
