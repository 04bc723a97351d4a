"""A page that links the list's attachments (xlsx/xls/docx/pdf) and little else."""

from __future__ import annotations

from crawlers.spiders.base import PortalSpider


class AttachmentListSpider(PortalSpider):
    name = "attachment_list"
    read_tables = False
    follow_items = False
