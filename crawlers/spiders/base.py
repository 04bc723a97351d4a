"""The generic portal spider: list pages, detail pages, HTML tables and attachments.

Shape subclasses only switch parts off. Every detail page and attachment is a *leaf*:
remembered per source (list-entry fingerprint, ETag/Last-Modified, body hash) so that an
unchanged portal costs only its list pages on the next crawl, and announced to the storage
pipeline with a :class:`PageDone` after its items (the resume log).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Self, cast
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse, XmlResponse
from twisted.python.failure import Failure

from core.headers import map_header
from crawlers.extraction.article import article_title
from crawlers.extraction.attachments import AttachmentLink, attachment_links
from crawlers.extraction.detail import detail_row
from crawlers.extraction.errors import AttachmentError
from crawlers.extraction.files import attachment_tables
from crawlers.extraction.grid import Table, table_rows
from crawlers.extraction.html_tables import html_tables
from crawlers.extraction.jpage import (
    read_datastore,
    records_html,
)
from crawlers.extraction.json_lists import (
    script_endpoints,
)
from crawlers.extraction.links import pagination_urls, scan_item_links
from crawlers.extraction.ocr import OcrSkipped
from crawlers.extraction.ocr import configure as configure_ocr
from crawlers.extraction.row_links import RowIndex, fill_row
from crawlers.items import RowItem
from crawlers.sources import Source
from crawlers.spiders.browser import BrowserUnavailable, enable_browser, render_meta
from crawlers.spiders.failures import failure_reason
from crawlers.spiders.incremental import IncrementalMixin, entry_dates, hub_page_done
from crawlers.spiders.postbacks import PostbackMixin
from crawlers.spiders.script_lists import ScriptListsMixin
from crawlers.state import PageState

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_YEAR_IN_URL = re.compile(r"(?:t|/)(20\d{2})(?:\d{2})")
_DATE_TEXT = re.compile(r"(20\d{2})\s*[年.\-/]")
_FIELDS_OF_AN_ITEM = 2  # a detail page is an item when it prints at least this many fields


def page_selector(response: TextResponse) -> Selector:
    """The page as HTML; an XML answer (a jpage dataproxy group) is read the same way, its
    declaration dropped (lxml refuses a declared encoding on text)."""
    if isinstance(response, XmlResponse):
        return Selector(text=_XML_DECLARATION.sub("", response.text), type="html")
    return response.selector


class PortalSpider(PostbackMixin, ScriptListsMixin, IncrementalMixin, scrapy.Spider):
    """Any portal: reads tables, follows item links, attachments and pagination."""

    name = "portal"
    read_tables = True
    follow_items = True
    follow_attachments = True
    #: CSS for a site spider's item links when its source names none
    default_item_selector: str | None = None

    def __init__(
        self,
        source: Source,
        run_id: int | None = None,
        page_states: dict[str, PageState] | None = None,
        **kwargs: Any,
    ) -> None:
        # one name per source: scrapy-redis keys and log lines are per spider name
        kwargs.setdefault("name", f"{self.name}:{source.name}")
        super().__init__(**kwargs)
        self.source = source
        self.run_id = run_id
        self.kind = source.kind
        self.allowed_domains = list(source.allowed_domains)
        self.page_states = page_states or {}
        self.revisit = timedelta(days=source.revisit_days)
        self.failures: list[dict[str, Any]] = []
        self.list_pages = 0
        self.pages_seen: set[str] = set(source.start_urls)
        self.render = False  # list pages through Chromium (source.browser, when available)
        self.browser_problem: str | None = None

    def name_for_state(self) -> str:
        return self.source.state_key

    # -- requests ----------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        configure_ocr(
            settings.get("SCENEHUB_TESSERACT", "tesseract"), settings.getbool("SCENEHUB_OCR", True)
        )
        if spider.source.browser:
            try:
                enable_browser(crawler.settings)  # before Scrapy freezes the settings
                spider.render = True
            except BrowserUnavailable as exc:
                spider.browser_problem = str(exc)
        return spider

    def list_request(self, url: str, dont_filter: bool = False) -> Request:
        """List pages are always fetched: they are where changes show up."""
        meta: dict[str, Any] = {"role": "list", "dont_cache": True}
        if self.render:
            meta.update(render_meta())
        return Request(
            url, callback=self.parse_list, errback=self.on_error, dont_filter=dont_filter, meta=meta
        )

    def attachment_requests(self, links: list[AttachmentLink], page_url: str) -> Iterator[Request]:
        """Requests for the attachments a page links (list and detail pages alike)."""
        for link in links:
            request = self.leaf_request(link.url, "attachment", link.text, self.parse_attachment)
            if request is not None:
                request.meta["hinted"] = link.hinted
                request.meta["source_page"] = page_url
                yield request

    # -- callbacks ---------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if self.settings.getbool("SCENEHUB_JOIN"):
            return  # a joining worker takes its requests from the shared queue
        if self.browser_problem:
            self.fail("browser_unavailable", self.source.start_urls[0], self.browser_problem)
        for url in self.source.start_urls:
            yield self.list_request(url)

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            yield from self.parse_attachment(response)
            return
        self.list_pages += 1
        if response.meta.get("playwright"):
            self.crawler.stats.inc_value("scenehub/list_mechanism/browser")
        listed = linked = 0  # the page's entries (rows, item links, records); its files
        try:
            selector = page_selector(response)
            if self.repeated_postback(response, selector):
                return
            store = read_datastore(response.text, response.url)
            entries: Selector = selector
            if store is not None:
                # a Hanweb jpage column: its list is the datastore's records
                self.crawler.stats.inc_value("scenehub/list_mechanism/jpage")
                entries = Selector(text=records_html(store.records))
                listed += len(store.records)
                yield from self.jpage_groups(response, store)
            rows: list[RowItem] = []
            if self.read_tables and store is None:  # a datastore's records are links, not rows
                rows = list(self.table_items(response, html_tables(response.text, response.url)))
                listed += len(rows)
            if self.follow_attachments:
                for page in (selector, entries) if store is not None else (selector,):
                    links = attachment_links(page, response.url)
                    linked += len(links)
                    yield from self.attachment_requests(links, response.url)
            riding: set[int] = set()  # rows that travel with their detail page's request
            if self.follow_items:
                entries_found, requests = self.item_requests(
                    entries,
                    response.url,
                    entries_only=store is not None,
                    lone_entry=bool(response.meta.get("paginated")),
                    rows=rows,
                    riding=riding,
                )
                listed += entries_found
                yield from requests
            if rows:
                # a list published as a table: its rows are re-read only when it changed
                done = self.unchanged(response)
                if done is None:
                    yield from (row for i, row in enumerate(rows) if i not in riding)
                    done = self.page_done(response, len(rows))
                done.role = "list"
                yield done
            if (
                self.follow_items
                and self.source.follow_pagination
                and self.list_pages < self.source.max_pages
            ):
                for url in pagination_urls(selector, response.url):
                    # every list page reveals all the others (createPageHTML, 尾页):
                    # skip them here rather than build N² requests for the dupefilter
                    if url not in self.pages_seen and self._allowed(url):
                        self.pages_seen.add(url)
                        request = self.list_request(url)
                        request.meta["paginated"] = True  # a list page for certain
                        yield request
            if self.source.follow_pagination and self.list_pages < self.source.max_pages:
                for request in self.postback_requests(response, selector):
                    linked += 1
                    yield request
            for request in self.frame_requests(selector, response.url):
                linked += 1  # a column page that only frames its list is not empty
                yield request
            if not listed and store is None:
                # a start URL that is itself a detail page (its attachments are queued above)
                item = self.detail_item(response, response.meta.get("link_text"))
                if item is not None:
                    listed += 1
                    yield item
            if not listed and not linked and store is None:
                # a column rendered by script from a JSON endpoint: fetch the endpoint
                for url in script_endpoints(selector, response.url):
                    if url not in self.pages_seen and self._allowed(url):
                        self.pages_seen.add(url)
                        linked += 1
                        yield self.json_list_request(url)
            if not listed and not linked and response.meta.get("jpage_expected", True):
                self.empty_list(response.url)
        except Exception as exc:  # a malformed page must not stop the crawl
            self.fail("parse_error", response.url, f"{type(exc).__name__}: {exc}")

    def item_requests(
        self,
        entries: Selector,
        page_url: str,
        entries_only: bool,
        lone_entry: bool,
        rows: list[RowItem] | None = None,
        riding: set[int] | None = None,
    ) -> tuple[int, list[Request]]:
        """A list's entries (unchanged ones too) and the detail requests still needed; every
        link left out is counted by reason. A table row whose title links a detail page
        rides with that request (its index added to ``riding``): the detail fills it in."""
        stats = self.crawler.stats
        css = self.source.item_selector or self.default_item_selector
        scan = scan_item_links(
            entries, page_url, css, entries_only=entries_only, lone_entry=lone_entry
        )
        for reason, count in scan.skipped.items():
            stats.inc_value(f"scenehub/links/skipped/{reason}", count)
        index = RowIndex(enumerate(row.row for row in rows or ()))
        entries_found, requests = 0, []
        for item_link in scan.links:
            if not self._allowed(item_link.url):
                stats.inc_value("scenehub/links/skipped/offsite")
                continue
            entries_found += 1
            stats.inc_value("scenehub/links/items")
            found = index.find(item_link.text) if rows else None
            row = rows[found] if rows and found is not None else None
            announced = f"{item_link.text}|{entry_dates(item_link.context)}"
            if row is not None:
                # any change of the row re-reads the item (row and detail together)
                announced += "|" + json.dumps(row.row, ensure_ascii=False, sort_keys=True)
            request = self.leaf_request(item_link.url, "detail", announced, self.parse_detail)
            if row is not None and riding is not None:
                riding.add(cast(int, found))
                stats.inc_value("scenehub/rows/with_detail")
            if request is not None:
                request.meta["link_text"] = item_link.text
                if row is not None:
                    request.meta["list_row"] = row
                    request.errback = self.on_detail_error
                    # the page is parsed even when unchanged: the row may have changed
                    request.headers.pop(b"If-None-Match", None)
                    request.headers.pop(b"If-Modified-Since", None)
                requests.append(request)
        return entries_found, requests

    def empty_list(self, url: str) -> None:
        """A list page that gave nothing: counted (``scenehub/list_pages/empty``) and
        reported with the links it left out, so that a silent loss cannot happen."""
        self.crawler.stats.inc_value("scenehub/list_pages/empty")
        skipped = {
            key.removeprefix("scenehub/links/skipped/"): value
            for key, value in self.crawler.stats.get_stats().items()
            if key.startswith("scenehub/links/skipped/")
        }
        detail = "list page yielded no items"
        if skipped:
            detail += (
                " (links skipped so far: "
                + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items()))
                + ")"
            )
        self.fail("list_empty", url, detail)

    def parse_detail(self, response: Response) -> Iterator[Any]:
        self.crawler.stats.inc_value("scenehub/pages/detail")
        riding = response.meta.get("list_row")
        done = self.unchanged(response) if riding is None or response.status == 304 else None
        if done is not None:
            yield done
            return
        if not isinstance(response, TextResponse):
            yield from self.parse_attachment(response)
            return
        count = 0
        try:
            for item in self.detail_items(response, response.meta.get("link_text")):
                count += isinstance(item, RowItem)
                yield item
            links_files = self.follow_attachments and bool(
                attachment_links(response.selector, response.url)
            )
        except Exception as exc:
            self.fail("parse_error", response.url, f"{type(exc).__name__}: {exc}")
            return
        done = self.page_done(response, count)
        yield hub_page_done(done) if links_files else done

    def parse_attachment(self, response: Response) -> Iterator[Any]:
        done = self.unchanged(response)
        if done is not None:
            yield done
            return
        source_page = response.meta.get("source_page") or response.url
        hinted = response.meta.get("hinted")
        try:
            tables = attachment_tables(response.body, response.url, hinted)
        except OcrSkipped as exc:
            self.crawler.stats.inc_value("scenehub/ocr/skipped")
            self.fail("ocr_skipped", response.url, str(exc))
            return
        except AttachmentError as exc:
            self.fail("attachment_unreadable", response.url, str(exc))
            return
        except Exception as exc:
            self.fail("attachment_unreadable", response.url, f"{type(exc).__name__}: {exc}")
            return
        self.crawler.stats.inc_value("scenehub/attachments/read")
        self.count_ocr(tables)
        items = list(self.table_items(response, tables, source_page, response.url))
        if not items and hinted == "image":
            # an image its page called a list, that shows none: a photo, not a loss
            self.crawler.stats.inc_value("scenehub/ocr/images_without_table")
        elif not items:
            # a scanned PDF, a letter, a table whose headers we do not know: say so
            self.fail(
                "attachment_no_list",
                response.url,
                f"{len(tables)} table(s), none with a recognisable header row",
            )
        yield from items
        yield self.page_done(response, len(items))

    def count_ocr(self, tables: list[Table]) -> None:
        """OCR's work and cost, for the report: pages read, cells, doubtful cells, time."""
        stats = self.crawler.stats
        for table in tables:
            if table.confidence is None:
                continue
            cells = [c for row in table.confidence for c in row]
            stats.inc_value("scenehub/ocr/pages")
            stats.inc_value("scenehub/ocr/cells", len(cells))
            stats.inc_value("scenehub/ocr/milliseconds", int(table.ocr_seconds * 1000))

    # -- item building -----------------------------------------------------------

    def table_items(
        self,
        response: Response,
        tables: Iterable[Table],
        source_url: str | None = None,
        attachment_url: str | None = None,
    ) -> Iterator[RowItem]:
        year = self.page_year(response)
        article = (
            article_title(page_selector(response)) if isinstance(response, TextResponse) else None
        )
        for table in tables:
            for row in table_rows(table):
                low = row.values.get("_ocr_low_confidence")
                if low:
                    self.crawler.stats.inc_value("scenehub/ocr/low_confidence_cells", len(low))
                yield RowItem(
                    row=row.values,
                    source_url=source_url or response.url,
                    attachment_url=attachment_url,
                    kind=self.kind,
                    location=row.location,
                    list_name=row.list_name or response.meta.get("announced") or article,
                    batch=row.batch,
                    section=row.section,
                    page_year=year,
                    continued_org=row.continued_org,
                )

    def detail_item(self, response: TextResponse, link_text: str | None) -> RowItem | None:
        """The page's own item, when it prints enough labelled fields to be one (a notice
        that only links an attachment is not)."""
        row = detail_row(response.selector)
        fields = {map_header(label).field for label in row} - {
            None,
            "title",
            "published_at",
            "description",
        }
        if len(fields) < _FIELDS_OF_AN_ITEM or not ("标题" in row or link_text):
            return None
        row.setdefault("标题", link_text)
        return RowItem(
            row=row,
            source_url=response.url,
            kind=self.kind,
            location=response.url,
            page_year=self.page_year(response),
        )

    def detail_items(self, response: TextResponse, link_text: str | None) -> Iterator[Any]:
        """A detail page's table rows, or else its own item (filling in the list row that
        rode with the request, if any); then its attachments."""
        listed: RowItem | None = response.meta.get("list_row")
        rows = list(self.table_items(response, html_tables(response.text, response.url)))
        if rows:
            yield from rows
            if listed is not None:
                yield listed  # the page lists items of its own: the row stays its own item
        else:
            item = self.detail_item(response, link_text)
            if item is not None and listed is not None:
                item.row = fill_row(listed.row, item.row)
                item.list_name = item.list_name or listed.list_name
                item.batch = item.batch or listed.batch
                item.section = item.section or listed.section
                self.crawler.stats.inc_value("scenehub/rows/filled_by_detail")
            item = item or listed
            if item is not None:
                yield item
        if self.follow_attachments:
            links = attachment_links(response.selector, response.url)
            yield from self.attachment_requests(links, response.url)

    # -- helpers -------------------------------------------------------------------

    def page_year(self, response: Response) -> int:
        match = _YEAR_IN_URL.search(response.url)
        if match:
            return int(match.group(1))
        if isinstance(response, TextResponse):
            found = _DATE_TEXT.search(response.text[:20000])
            if found:
                return int(found.group(1))
        return datetime.now(UTC).year

    def _allowed(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return not self.allowed_domains or any(
            host == d or host.endswith("." + d) for d in self.allowed_domains
        )

    def fail(self, reason: str, url: str, detail: str) -> None:
        self.crawler.stats.inc_value(f"scenehub/failures/{reason}")
        self.failures.append({"reason": reason, "url": url, "detail": detail[:300]})
        self.logger.warning("%s: %s (%s)", reason, url, detail[:300])

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        reason, detail = failure_reason(failure)
        self.fail(reason, url, detail)

    def on_detail_error(self, failure: Failure) -> Iterator[RowItem]:
        """A detail page that failed: reported, and the row that rode with it still stored."""
        self.on_error(failure)
        request = getattr(failure, "request", None)
        listed = request.meta.get("list_row") if request is not None else None
        if listed is not None:
            yield listed
