"""Tables from HTML, xlsx, xls, docx and PDF: header found by keywords, merges, continuations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from crawlers.extraction.errors import AttachmentError
from crawlers.extraction.files import attachment_tables, sniff_format
from crawlers.extraction.grid import Table, merge_header_rows, table_rows
from crawlers.extraction.html_tables import html_tables

DATA = Path(__file__).parents[1] / "data" / "crawlers"


def _rows(tables: list[Table]) -> list[dict[str, str]]:
    return [row.values for table in tables for row in table_rows(table)]


def test_html_table_two_row_header_rowspan_colspan_sections_totals() -> None:
    tables = html_tables((DATA / "table_page.html").read_text(encoding="utf-8"), "u")
    rows = [row for table in tables for row in table_rows(table)]
    assert [r.values["项目名称"] for r in rows] == [
        "面向L4的多传感器融合感知系统",
        "城市道路车路协同路侧系统",
        "居家养老陪护机器人",
    ]  # the 合计 row is not an item
    assert rows[1].values["揭榜方向"] == "智能网联汽车"  # rowspan filled down
    assert rows[0].values["申报单位"] == "杭州车联智能科技有限公司"
    assert rows[0].section == "智能产品"  # "一、智能产品" section row
    assert rows[0].list_name == "新一代人工智能产业创新重点任务入围揭榜单位名单(第一批)"
    assert rows[0].batch == "第一批"


def test_key_value_rows_are_not_a_header() -> None:
    tables = html_tables((DATA / "kv_detail.html").read_text(encoding="utf-8"), "u")
    assert _rows(tables) == []


def test_merge_header_rows() -> None:
    upper = ["序号", "联系方式", "联系方式"]
    lower = ["序号", "联系人", "联系电话"]
    assert merge_header_rows(upper, lower) == ["序号", "联系人", "联系电话"]


def test_continuation_row_takes_the_firm_above_and_stays_its_own_row() -> None:
    table = Table(
        [
            ["杭州市场景能力清单（第二批）", "", ""],
            ["公司名称", "场景能力", "企业资质"],
            ["杭州灵足机器人有限公司", "四足机器人巡检", "高新技术企业"],
            ["", "服务机器人", "高新技术企业"],
            ["", "", ""],
            ["杭州视程智能科技有限公司", "工业视觉缺陷检测", ""],
        ],
        "t",
    )
    rows = list(table_rows(table))
    assert [(r.values["公司名称"], r.values["场景能力"]) for r in rows] == [
        ("杭州灵足机器人有限公司", "四足机器人巡检"),
        ("杭州灵足机器人有限公司", "服务机器人"),
        ("杭州视程智能科技有限公司", "工业视觉缺陷检测"),
    ]
    assert [r.continued_org for r in rows] == [False, True, False]
    assert rows[0].batch == "第二批"


def test_no_header_no_rows() -> None:
    assert list(table_rows(Table([["甲", "乙"], ["丙", "丁"]], "t"))) == []


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "清单"
    sheet["A1"] = "南湾街道场景能力清单"
    sheet.merge_cells("A1:D1")
    sheet["A2"] = "数据从第3行开始"
    for col, header in enumerate(["序号", "公司名称", "场景能力", "类别"], start=1):
        sheet.cell(3, col, header)
    sheet.append([1, "深圳甲科技有限公司", "视觉质检", "智能制造"])
    sheet.append([2, None, "预测性维护", "智能制造"])
    sheet.merge_cells("B4:B5")
    second = book.create_sheet("第二页")
    second.append(["公司名称", "场景能力"])
    second.append(["乙公司", "政务问答"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_merged_cells_header_on_row_3_several_sheets() -> None:
    data = _xlsx()
    assert sniff_format(data) == "xlsx"
    rows = [row for table in attachment_tables(data, "f.xlsx") for row in table_rows(table)]
    assert [(r.values["公司名称"], r.values["场景能力"]) for r in rows] == [
        ("深圳甲科技有限公司", "视觉质检"),
        ("深圳甲科技有限公司", "预测性维护"),  # merged cell filled from its top-left
        ("乙公司", "政务问答"),
    ]
    assert rows[0].location == "f.xlsx#清单:4"
    assert rows[0].list_name == "南湾街道场景能力清单"


def test_xls_merged_cells_and_dates() -> None:
    import datetime

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("机会清单")
    for col, header in enumerate(["应用领域", "应用场景名称", "截止日期"]):
        sheet.write(0, col, header)
    sheet.write_merge(1, 2, 0, 0, "AI+医疗")
    sheet.write(1, 1, "影像辅助诊断")
    sheet.write(2, 1, "智能导诊")
    sheet.write(1, 2, datetime.datetime(2025, 7, 15), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    buffer = io.BytesIO()
    book.save(buffer)
    rows = _rows(attachment_tables(buffer.getvalue(), "f.xls"))
    assert rows[1]["应用领域"] == "AI+医疗"
    assert rows[0]["截止日期"] == "2025-07-15"


def test_docx_merged_cells_deduplicated_and_heading_names_batch() -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("重庆市2025年第一批低空经济应用场景机会清单")
    table = document.add_table(rows=3, cols=4)
    for col, header in enumerate(["场景类型", "场景机会名称", "单位名称", "合作需求"]):
        table.cell(0, col).text = header
    table.cell(1, 0).merge(table.cell(2, 0)).text = "低空物流"
    table.cell(1, 1).text = "山区无人机配送"
    table.cell(2, 1).text = "医疗样本转运"
    table.cell(1, 2).merge(table.cell(1, 3)).text = "某区邮政管理局"
    buffer = io.BytesIO()
    document.save(buffer)
    rows = [r for t in attachment_tables(buffer.getvalue(), "f.docx") for r in table_rows(t)]
    assert rows[1].values["场景类型"] == "低空物流"
    assert rows[0].values["单位名称"] == "某区邮政管理局"
    assert rows[0].batch == "第一批"
    assert rows[0].list_name == "重庆市2025年第一批低空经济应用场景机会清单"


def test_pdf_table_across_pages_is_stitched() -> None:
    import unicodedata

    import pdfplumber

    from crawlers.sample_portal.data import portal_data
    from crawlers.sample_portal.files import capability_pdf

    items = portal_data(1).pdf_capabilities
    data = capability_pdf(items, "揭榜名单")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2  # the table really runs over a page break
    tables = attachment_tables(data, "f.pdf")
    assert len(tables) == 1
    rows = [row.values for row in table_rows(tables[0])]
    assert [r["项目名称"] for r in rows] == [
        unicodedata.normalize("NFKC", item.title) for item in items
    ]


@pytest.mark.parametrize(
    "data", [b"", b"PK\x03\x04garbage", b"\xd0\xcf\x11\xe0" + b"\0" * 600, b"%PDF-1.4 broken"]
)
def test_broken_files_raise_a_clear_error(data: bytes) -> None:
    with pytest.raises(AttachmentError):
        attachment_tables(data, "f", hinted="xlsx")


def test_every_reader_raises_the_extraction_error() -> None:
    """One error type for unreadable attachments, owned by extraction (not by one reader)."""
    from crawlers.extraction import docx, pdf, xls, xlsx

    for read in (xlsx.xlsx_tables, xls.xls_tables, docx.docx_tables, pdf.pdf_tables):
        with pytest.raises(AttachmentError):
            read(b"not a file", "f")
    assert AttachmentError.__module__ == "crawlers.extraction.errors"
