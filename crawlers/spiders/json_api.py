"""Scene platforms behind a JSON list API (an SPA's XHR endpoint, crawl.md §1.4).

The source names where the item list sits in the JSON (``json_items = "data.records"``);
each object becomes one row (its keys go through the same header synonyms), and the
``page``/``pageNo`` query parameter is advanced until a page comes back empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from crawlers.extraction.json_lists import dig, flat_row
from crawlers.extraction.links import page_param, with_page
from crawlers.items import RowItem
from crawlers.spiders.base import PortalSpider


class JsonApiSpider(PortalSpider):
    name = "json_api"
    read_tables = False
    follow_items = False
    follow_attachments = False

    def parse_list(self, response: Response) -> Iterator[Any]:
        self.list_pages += 1
        if not isinstance(response, TextResponse):
            self.fail("not_json", response.url, "the API answered with a binary body")
            return
        try:
            data = json.loads(response.text)
        except ValueError as exc:
            self.fail("not_json", response.url, f"invalid JSON: {exc}")
            return
        items = dig(data, self.source.json_items)
        if not isinstance(items, list):
            self.fail("not_json", response.url, f"no list at {self.source.json_items!r}")
            return
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield RowItem(
                    row=flat_row(item),
                    source_url=response.url,
                    kind=self.kind,
                    location=f"{response.url}#{index}",
                    page_year=self.page_year(response),
                )
        param = page_param(response.url)
        if items and param and self.source.follow_pagination:
            key, number = param
            if self.list_pages < self.source.max_pages:
                yield self.list_request(with_page(response.url, key, number + 1))
