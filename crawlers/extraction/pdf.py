"""PDF tables via pdfplumber, with tables continued across pages stitched into one.

A page whose first table starts without a header row (or repeats the previous header) and has
the previous table's width continues that table (crawl.md §2.5). Merged cells read as None and
become blanks; ``grid.table_rows`` then carries the firm from the row above.

A page with images and no text layer is a scan: rendered at 200 dpi and read by OCR
(:mod:`crawlers.extraction.ocr`); without OCR, a PDF with nothing else to read raises
:class:`~crawlers.extraction.ocr.OcrSkipped`.
"""

from __future__ import annotations

import io

from core.headers import header_score
from crawlers.extraction.errors import AttachmentError
from crawlers.extraction.grid import Table, cell_text
from crawlers.extraction.ocr import image_tables, ocr_problem, require_ocr

MAX_PAGES = 200
OCR_DPI = 200


def pdf_tables(data: bytes, location: str) -> list[Table]:
    import pdfplumber

    tables: list[Table] = []
    scanned = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages[:MAX_PAGES], start=1):
                text = page.extract_text() or ""
                if not text.strip() and page.images:
                    scanned += 1
                    if ocr_problem() is None:
                        image = page.to_image(resolution=OCR_DPI).original
                        tables += image_tables(image, f"{location}#p{number}")
                    continue
                heading = _first_line(text) if number == 1 else None
                for index, raw in enumerate(page.extract_tables()):
                    grid = [[cell_text(c) for c in row] for row in raw]
                    if not grid:
                        continue
                    if index == 0 and tables and _continues(tables[-1], grid):
                        if grid[0] == tables[-1].rows[0]:
                            grid = grid[1:]
                        tables[-1].rows.extend(grid)
                        continue
                    tables.append(Table(grid, f"{location}#p{number}", heading))
    except AttachmentError:
        raise
    except Exception as exc:  # pdfminer raises PDFSyntaxError, PSEOF, ...
        raise AttachmentError(f"not a readable PDF: {exc}") from exc
    if scanned and not tables:
        require_ocr(f"{scanned} scanned (image-only) page(s)")
    return tables


def _continues(previous: Table, grid: list[list[str]]) -> bool:
    if len(grid[0]) != len(previous.rows[0]):
        return False
    return grid[0] == previous.rows[0] or header_score([c for c in grid[0] if c]) < 2


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return None
