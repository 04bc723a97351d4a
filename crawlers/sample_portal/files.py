"""The portal's attachments, written by code at serve time (no binaries in the repository).

Each one carries the quirks crawl.md §2.5 lists: the xlsx has a title row, a note row, the
header on row 3, firm cells merged over a firm's business lines (and one firm left blank
instead, WPS style) and a second sheet; the xls merges its 应用领域 column; the docx has two
tables under "第一批/第二批" headings with a two-row header and merged cells; the PDF table
runs over two pages without repeating its header.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from crawlers.sample_portal.data import CapabilityItem, SceneItem

XLSX_HEADERS = (
    "序号",
    "公司名称",
    "场景能力",
    "能力描述",
    "可应用落地场景",
    "类别",
    "所在区县",
    "企业资质",
    "联系人及电话",
)


def firm_groups(items: Sequence[CapabilityItem]) -> list[list[CapabilityItem]]:
    """Consecutive items of one firm: its business lines, one row each."""
    groups: list[list[CapabilityItem]] = []
    for item in items:
        if groups and groups[-1][0].org == item.org:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def blank_firm_group(group_index: int) -> bool:
    """Every fourth multi-line firm leaves its name blank below the first line (WPS style)."""
    return group_index % 4 == 3


def capability_xlsx(sheets: Sequence[tuple[str, Sequence[CapabilityItem]]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for sheet_index, (name, items) in enumerate(sheets):
        sheet = workbook.create_sheet(name)
        if sheet_index == 0:
            sheet.cell(1, 1, title).font = Font(bold=True, size=14)
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(XLSX_HEADERS))
            sheet.cell(2, 1, "填报单位：杭州市经济和信息化局    更新日期：2025年6月")
            row = 3
        else:
            sheet.cell(1, 1, f"{title}（补充）")
            row = 2
        for col, header in enumerate(XLSX_HEADERS, start=1):
            sheet.cell(row, col, header).font = Font(bold=True)
        serial = 0
        for group_index, group in enumerate(firm_groups(items)):
            first = row + 1
            for offset, item in enumerate(group):
                serial += 1
                values = (
                    serial,
                    item.org if offset == 0 else None,
                    item.title,
                    item.description,
                    item.cases,
                    item.domain_text,
                    item.district_text,
                    item.qualifications,
                    f"{item.contact_name} {item.contact_phone}",
                )
                for col, value in enumerate(values, start=1):
                    if value is not None:
                        cell = sheet.cell(first + offset, col, value)
                        cell.alignment = Alignment(wrap_text=True)
            row = first + len(group) - 1
            if len(group) > 1 and not blank_firm_group(group_index):
                sheet.merge_cells(start_row=first, start_column=2, end_row=row, end_column=2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def scene_xls(items: Sequence[SceneItem], title: str) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("机会清单")
    headers = (
        "序号",
        "应用领域",
        "应用场景名称",
        "场景简介",
        "拟落地应用区域",
        "牵头部门",
        "预算（万元）",
        "截止日期",
        "联系方式",
    )
    sheet.write_merge(0, 0, 0, len(headers) - 1, title)
    for col, header in enumerate(headers):
        sheet.write(1, col, header)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ordered = sorted(items, key=lambda s: s.domain_text)
    row = 2
    start = row
    for index, item in enumerate(ordered):
        r = row + index
        sheet.write(r, 0, index + 1)
        sheet.write(r, 2, item.title)
        sheet.write(r, 3, item.description)
        sheet.write(r, 4, item.district_text)
        sheet.write(r, 5, item.org)
        if item.budget_cny is not None:
            sheet.write(r, 6, item.budget_cny / 10_000)  # a number under a 万元 header
        elif item.budget_text:
            sheet.write(r, 6, item.budget_text)
        if item.deadline is not None:
            sheet.write(
                r,
                7,
                datetime(item.deadline.year, item.deadline.month, item.deadline.day),
                date_style,
            )
        sheet.write(r, 8, f"{item.contact_name} {item.contact_phone}")
        last = index == len(ordered) - 1
        if last or ordered[index + 1].domain_text != item.domain_text:
            if r > start:
                sheet.write_merge(start, r, 1, 1, item.domain_text)
            else:
                sheet.write(r, 1, item.domain_text)
            start = r + 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def scene_docx(batches: Sequence[tuple[str, Sequence[SceneItem]]]) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("杭州市人工智能应用场景机会清单", level=1)
    document.add_paragraph("为加快推进“人工智能+”行动，现将应用场景机会清单发布如下。")
    for heading, items in batches:
        document.add_paragraph(heading)
        table = document.add_table(rows=2, cols=7)
        table.style = "Table Grid"
        top = ("场景类型", "序号", "场景机会名称", "单位名称", "合作需求", "联系方式", "联系方式")
        bottom = ("场景类型", "序号", "场景机会名称", "单位名称", "合作需求", "联系人", "联系电话")
        for col in range(7):
            table.cell(0, col).text = top[col]
        for col in range(5):
            table.cell(0, col).merge(table.cell(1, col))
        table.cell(0, 5).merge(table.cell(0, 6)).text = "联系方式"
        table.cell(1, 5).text = bottom[5]
        table.cell(1, 6).text = bottom[6]
        ordered = sorted(items, key=lambda s: s.domain_text)
        group_start = 2
        for index, item in enumerate(ordered):
            cells = table.add_row().cells
            values = (
                "",
                str(index + 1),
                item.title,
                item.org,
                item.cooperation,
                item.contact_name,
                item.contact_phone,
            )
            for col, value in enumerate(values):
                cells[col].text = value
            r = 2 + index
            last = index == len(ordered) - 1
            if last or ordered[index + 1].domain_text != item.domain_text:
                merged = table.cell(group_start, 0)
                if r > group_start:
                    merged = merged.merge(table.cell(r, 0))
                merged.text = item.domain_text
                group_start = r + 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def capability_pdf(items: Sequence[CapabilityItem], title: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, invariant=1)
    rows = [["序号", "揭榜方向", "项目名称", "揭榜单位", "推荐单位", "所属地区"]]
    for index, item in enumerate(items, start=1):
        rows.append(
            [
                str(index),
                item.domain_text,
                item.title,
                item.org,
                "杭州市经济和信息化局",
                item.district_text,
            ]
        )
    table = Table(rows, repeatRows=0, rowHeights=[24] * len(rows))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "STSong-Light", 8),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    style = ParagraphStyle("title", fontName="STSong-Light", fontSize=14, leading=20)
    document.build([Paragraph(title, style), Spacer(1, 240), table])
    return buffer.getvalue()
