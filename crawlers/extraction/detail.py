"""Detail pages: title, label–value lines (``发布单位：…``, ``截止时间：…``) and key–value
tables, returned as one row keyed by the published labels (the header table maps them)."""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from core.headers import map_header
from crawlers.extraction.grid import cell_text

_LABEL_VALUE = re.compile(r"(?:^|\s{2,}|[|｜])\s*([\u4e00-\u9fa5A-Za-z（）()]{2,12})\s*[:：]\s*")
_CONTENT_CSS = (
    ".TRS_Editor",
    "#zoom",
    ".article-content",
    ".content",
    "#content",
    ".detail",
    "article",
)
_META_VALUE_MAX = 200
#: labels portals print in a page's meta line that are not record fields but still wanted
EXTRA_LABELS = {"来源", "信息来源", "浏览次数", "发布者", "字号"}


def page_title(selector: Selector) -> str | None:
    for css in ("h1::text", ".title::text", ".article-title::text", "h2::text", "title::text"):
        texts = [cell_text(t) for t in selector.css(css).getall()]
        text = " ".join(t for t in texts if t)
        if text:
            return text
    return None


def content_text(selector: Selector) -> str:
    """The article body as lines (paragraph breaks kept)."""
    for css in _CONTENT_CSS:
        nodes = selector.css(css)
        if nodes:
            return _lines(nodes[0])
    body = selector.css("body")
    return _lines(body[0]) if body else ""


def _lines(node: Selector) -> str:
    lines: list[str] = []
    for block in node.xpath(".//p|.//li|.//div[not(.//div|.//p)]|.//span[not(ancestor::p)]"):
        text = cell_text(" ".join(block.xpath(".//text()").getall()))
        if text and (not lines or lines[-1] != text):
            lines.append(text)
    if not lines:
        lines = [cell_text(t) for t in node.xpath(".//text()").getall() if cell_text(t)]
    return "\n".join(lines)


def label_values(text: str) -> dict[str, str]:
    """``发布单位：市经信局  截止时间：2025年7月15日`` -> {label: value}, known labels only."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        matches = list(_LABEL_VALUE.finditer(line))
        for i, match in enumerate(matches):
            label = match.group(1)
            if not (map_header(label).field or label in EXTRA_LABELS):
                continue
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[match.end() : end].strip(" ，,;；|｜")
            if value and label not in found:
                found[label] = value
    return found


def key_value_tables(selector: Selector) -> dict[str, str]:
    """Tables laid out as label | value (| label | value) pairs, and ``<dl>`` lists."""
    found: dict[str, str] = {}
    for term in selector.css("dl > dt"):
        label = cell_text(" ".join(term.xpath(".//text()").getall())).rstrip(":：")
        value_node = term.xpath("following-sibling::dd[1]")
        value = cell_text(" ".join(value_node.xpath(".//text()").getall())) if value_node else ""
        if value and map_header(label).field and label not in found:
            found[label] = value
    for row in selector.css("table tr"):
        cells = [cell_text(" ".join(c.xpath(".//text()").getall())) for c in row.css("td, th")]
        if len(cells) not in (2, 4):
            continue
        for label, value in zip(cells[::2], cells[1::2], strict=False):
            label = label.rstrip(":：")
            if value and map_header(label).field and label not in found:
                found[label] = value
    return found


def detail_row(selector: Selector) -> dict[str, Any]:
    """Everything a detail page says about its item, keyed by the labels it prints."""
    text = content_text(selector)
    meta_text = cell_text(" ".join(selector.css("body *:not(script):not(style)::text").getall()))
    row: dict[str, Any] = {}
    title = page_title(selector)
    if title:
        row["标题"] = title
    row.update(key_value_tables(selector))
    for label, value in label_values(text).items():
        row.setdefault(label, value)
    # the page's meta line (发布时间 / 来源) sits outside the article body; one flat text,
    # every gap a separator; values capped so a label never swallows the footer
    for label, value in label_values(meta_text.replace(" ", "  ")).items():
        row.setdefault(label, value[:_META_VALUE_MAX])
    if not any(map_header(label).field == "description" for label in row):
        body = [
            line for line in text.splitlines() if not _LABEL_VALUE.match(line) and line != title
        ]
        if body:
            row["正文"] = "\n".join(body)
    return row
