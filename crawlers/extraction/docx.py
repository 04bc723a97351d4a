"""docx tables in document order, each with the heading paragraph just before it.

python-docx repeats a merged cell at every grid position it covers (issues #344, #1380); a
vertically merged cell therefore already reads as "filled", and horizontal repeats collapse
when the grid's spanning header is read (see ``grid._row_values``).
"""

from __future__ import annotations

import io

from crawlers.extraction.errors import AttachmentError
from crawlers.extraction.grid import Table, cell_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_tables(data: bytes, location: str) -> list[Table]:
    from docx import Document
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # zipfile / lxml / KeyError for a broken package
        raise AttachmentError(f"not a readable docx document: {exc}") from exc
    tables: list[Table] = []
    heading: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            text = cell_text(Paragraph(child, document).text)
            if text:
                heading = [text]  # the paragraph just before a table names it
        elif child.tag == f"{_W}tbl":
            table = DocxTable(child, document)
            grid = [[cell_text(cell.text) for cell in row.cells] for row in table.rows]
            tables.append(
                Table(grid, f"{location}#table{len(tables) + 1}", " ".join(heading) or None)
            )
            heading = []
    return tables
