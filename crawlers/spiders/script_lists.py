"""List mechanisms behind scripts, for :class:`~crawlers.spiders.base.PortalSpider`:
Hanweb jpage groups fetched from ``dataproxy.jsp`` and the JSON endpoints of
script-rendered columns (crawl.md §1.4; docs/crawling.md "List mechanisms")."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from scrapy.http import FormRequest, Request, Response, TextResponse

from crawlers.extraction.jpage import Datastore, GroupRequest, group_requests
from crawlers.extraction.json_lists import flat_row, json_records, json_total, record_link
from crawlers.extraction.links import page_param, with_page
from crawlers.items import RowItem
from crawlers.sources import Source


class ScriptListsMixin:
    """Needs the spider's source, crawler, page bookkeeping and callbacks."""

    source: Source
    crawler: Any
    kind: str
    list_pages: int
    pages_seen: set[str]
    parse_list: Callable[[Response], Iterator[Any]]
    parse_detail: Callable[[Response], Iterator[Any]]
    on_error: Callable[..., None]
    leaf_request: Callable[..., Request | None]
    fail: Callable[[str, str, str], None]
    empty_list: Callable[[str], None]
    page_year: Callable[[Response], int]
    _allowed: Callable[[str], bool]

    def group_request(self, group: GroupRequest, total: int | None) -> Request:
        """A later group of a Hanweb jpage column (a POST to its dataproxy)."""
        formdata: dict[str, str | Iterable[str]] = dict(group.formdata)
        return FormRequest(
            group.url,
            formdata=formdata,
            callback=self.parse_list,
            errback=self.on_error,
            meta={
                "role": "list",
                "dont_cache": True,
                "jpage_start": group.start,
                "jpage_size": group.size,
                "jpage_per_page": group.per_page,
                "jpage_expected": total is not None,
            },
        )

    def json_list_request(self, url: str, seen: int = 0) -> Request:
        """The JSON endpoint a script-rendered column fills its list from."""
        return Request(
            url,
            callback=self.parse_json_list,
            errback=self.on_error,
            meta={"role": "list", "dont_cache": True, "json_seen": seen},
        )

    def jpage_groups(self, response: TextResponse, store: Datastore) -> Iterator[Request]:
        if not self.source.follow_pagination or response.meta.get("jpage_expected"):
            return  # the column page already asked for every group of its known total
        start = int(response.meta.get("jpage_start", 1))
        groups = group_requests(
            store, start, response.meta.get("jpage_size"), response.meta.get("jpage_per_page")
        )
        if store.proxy_url is None and store.total and store.total > len(store.records):
            # records announced but no dataproxy link to fetch them from: say so
            self.crawler.stats.inc_value(
                "scenehub/links/skipped/jpage_unpaged", store.total - len(store.records)
            )
        for group in groups[: max(0, self.source.max_pages - self.list_pages)]:
            key = f"{group.url}#{sorted(group.formdata.items())}"
            if key not in self.pages_seen and self._allowed(group.url):
                self.pages_seen.add(key)
                yield self.group_request(group, store.total)

    def parse_json_list(self, response: Response) -> Iterator[Any]:
        """Entries of a script-rendered column, from the JSON its script fetches."""
        self.list_pages += 1
        self.crawler.stats.inc_value("scenehub/list_mechanism/json")
        if not isinstance(response, TextResponse):
            self.fail("not_json", response.url, "the list endpoint answered with a binary body")
            return
        try:
            data = json.loads(response.text)
        except ValueError as exc:
            self.fail("not_json", response.url, f"invalid JSON: {exc}")
            return
        records = json_records(data, self.source.json_items) or []
        seen = int(response.meta.get("json_seen", 0))
        if not records:
            if not seen:  # the first page of a list came back empty
                self.empty_list(response.url)
            return
        year = self.page_year(response)
        for index, record in enumerate(records):
            linked = record_link(record, response.url)
            if linked is None:
                yield RowItem(
                    row=flat_row(record),
                    source_url=response.url,
                    kind=self.kind,
                    location=f"{response.url}#{index}",
                    page_year=year,
                )
                continue
            url, title = linked
            if not self._allowed(url):
                self.crawler.stats.inc_value("scenehub/links/skipped/offsite")
                continue
            self.crawler.stats.inc_value("scenehub/links/items")
            request = self.leaf_request(url, "detail", f"{title}|", self.parse_detail)
            if request is not None:
                request.meta["link_text"] = title or None
                yield request
        seen += len(records)
        total = json_total(data)
        param = page_param(response.url)
        more = total is None or seen < total
        paging = self.source.follow_pagination and self.list_pages < self.source.max_pages
        if param and more and paging:
            key, number = param
            yield self.json_list_request(with_page(response.url, key, number + 1), seen)
