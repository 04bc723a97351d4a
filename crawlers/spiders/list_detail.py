"""News-list portals: list pages (paginated) lead to one detail page per item."""

from __future__ import annotations

from crawlers.spiders.base import PortalSpider


class ListDetailSpider(PortalSpider):
    name = "list_detail"
    read_tables = False  # tables on list pages are layout; items live on detail pages
