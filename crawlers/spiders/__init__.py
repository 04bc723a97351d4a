"""Spiders: one base per portal shape, chosen by a source's ``shape``."""

from __future__ import annotations

from crawlers.spiders.attachment_list import AttachmentListSpider
from crawlers.spiders.base import PortalSpider
from crawlers.spiders.json_api import JsonApiSpider
from crawlers.spiders.list_detail import ListDetailSpider
from crawlers.spiders.table_page import TablePageSpider

SPIDERS: dict[str, type[PortalSpider]] = {
    "auto": PortalSpider,
    "list_detail": ListDetailSpider,
    "table_page": TablePageSpider,
    "attachment_list": AttachmentListSpider,
    "json_api": JsonApiSpider,
}

__all__ = [
    "SPIDERS",
    "AttachmentListSpider",
    "JsonApiSpider",
    "ListDetailSpider",
    "PortalSpider",
    "TablePageSpider",
]
