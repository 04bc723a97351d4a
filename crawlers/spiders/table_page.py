"""A page that publishes the whole list as an HTML table (one record per row)."""

from __future__ import annotations

from crawlers.spiders.base import PortalSpider


class TablePageSpider(PortalSpider):
    name = "table_page"
    follow_items = False
    follow_attachments = False
