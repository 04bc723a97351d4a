"""Legacy .xls (BIFF, WPS) workbooks via xlrd: merged cells filled, date cells decoded."""

from __future__ import annotations

from crawlers.extraction.errors import AttachmentError
from crawlers.extraction.grid import Table


def xls_tables(data: bytes, location: str) -> list[Table]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as exc:  # xlrd raises XLRDError, struct errors, ...
        raise AttachmentError(f"not a readable xls workbook: {exc}") from exc
    tables = []
    for sheet in book.sheets():
        grid: list[list[str]] = []
        for r in range(sheet.nrows):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(
                        xlrd.xldate_as_datetime(cell.value, book.datemode).date().isoformat()
                    )
                elif cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
                    row.append(str(int(cell.value)))
                else:
                    row.append(str(cell.value) if cell.value is not None else "")
            grid.append(row)
        for rlo, rhi, clo, chi in sheet.merged_cells:
            value = grid[rlo][clo]
            for r in range(rlo, min(rhi, len(grid))):
                for c in range(clo, min(chi, len(grid[r]))):
                    grid[r][c] = value
        if grid:
            tables.append(Table(grid, f"{location}#{sheet.name}"))
    return tables
