"""HTML ``<table>`` elements as grids, with rowspan/colspan expanded (filled, not blanked)."""

from __future__ import annotations

from lxml import html as lxml_html

from crawlers.extraction.grid import Table, cell_text

_MAX_SPAN = 50


def html_tables(text: str, location: str) -> list[Table]:
    """All innermost tables of a page (layout tables that hold other tables are skipped)."""
    if not text.strip():
        return []
    tree = lxml_html.fromstring(text)
    tables: list[Table] = []
    for element in tree.iter("table"):
        if element.find(".//table") is not None:
            continue
        grid = _grid(element)
        if len(grid) >= 2:
            tables.append(Table(grid, f"{location}#table{len(tables) + 1}", _heading(element)))
    return tables


def _span(value: str | None) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(value or 1)))
    except ValueError:
        return 1


def _grid(table: lxml_html.HtmlElement) -> list[list[str]]:
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) filled by a rowspan above
    for r, tr in enumerate(table.iter("tr")):
        row: list[str] = []
        col = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in {"td", "th"}:
                continue
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            text = cell_text(cell.text_content())
            rowspan, colspan = _span(cell.get("rowspan")), _span(cell.get("colspan"))
            for c in range(colspan):
                row.append(text)
                for below in range(1, rowspan):
                    pending[(r + below, col + c)] = text
            col += colspan
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        grid.append(row)
    return [row for row in grid if any(row)]


def _heading(table: lxml_html.HtmlElement) -> str | None:
    caption = table.find("caption")
    if caption is not None:
        return cell_text(caption.text_content()) or None
    previous = table.getprevious()
    for _ in range(3):
        if previous is None:
            break
        text = cell_text(previous.text_content())
        if text:
            return text[:200]
        previous = previous.getprevious()
    return None
