"""WebForms postback pagers and frames: list pages reached by posting a form back, and
lists that live at an ``<iframe>``/``<frame>`` source.

A postback page has no URL of its own: its identity (for "every page once" and for the
incremental state) is the column's URL plus the event, ``…/moreinfo.aspx#ctl00$…$Pager=2``;
a page reached by a next button without a page number is the page it came from plus the
button (``…#…$Pager=2>ctl00$Main$lbtnNext``). Pages reached, refused (the server said no
to the posted form) and repeated (an answer already read) are counted.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any

from parsel import Selector
from scrapy.http import FormRequest, Request, TextResponse
from twisted.python.failure import Failure

from crawlers.extraction.frames import frame_sources
from crawlers.extraction.postback import (
    Postback,
    has_view_state,
    pager_postbacks,
    view_state_form_xpath,
)

_HIDDEN_VALUE = re.compile(r"(<input[^>]*?type=[\"']hidden[\"'][^>]*?value=[\"'])[^\"']*", re.I)
STATS = "scenehub/postback/"


def _page_digest(text: str) -> str:
    """A list page's content without its hidden fields (the view state of one page may be
    written differently each time it is served)."""
    return hashlib.sha1(_HIDDEN_VALUE.sub(r"\1", text).encode("utf-8")).hexdigest()


def _current_page(numbered: list[Postback]) -> int | None:
    """The page a pager is on: the one number between 1 and its last that it does not link."""
    linked = {p.page for p in numbered}
    top = max((n for n in linked if n is not None), default=0)
    missing = [n for n in range(1, top + 2) if n not in linked]
    return missing[0] if missing else None


class PostbackMixin:
    """Needs ``crawler``, ``source``, ``parse_list``, ``on_error``, ``_allowed``,
    ``pages_seen`` and ``list_request`` from the spider."""

    crawler: Any
    source: Any
    pages_seen: set[str]
    parse_list: Callable[..., Any]
    on_error: Callable[[Failure], None]
    _allowed: Callable[[str], bool]
    list_request: Callable[..., Request]

    def _postback_state(self) -> tuple[set[str], set[str]]:
        if not hasattr(self, "_postbacks"):
            self._postbacks: tuple[set[str], set[str]] = (set(), set())
        return self._postbacks

    def repeated_postback(self, response: TextResponse, selector: Selector) -> bool:
        """True for a postback answer whose list was already read (counted, not parsed)."""
        if not has_view_state(selector):
            return False
        digests = self._postback_state()[1]
        digest = _page_digest(response.text)
        if digest in digests:
            self.crawler.stats.inc_value(STATS + "repeated")
            return True
        digests.add(digest)
        if response.meta.get("postback"):
            self.crawler.stats.inc_value(STATS + "reached")
        return False

    def postback_requests(self, response: TextResponse, selector: Selector) -> Iterator[Request]:
        """A request per pager page not asked for yet, its form posted back as the page
        holds it (``FormRequest.from_response``: every hidden field, no button clicked)."""
        pagers = pager_postbacks(selector)
        if not pagers:
            return
        seen = self._postback_state()[0]
        here = str(response.meta.get("page_key") or response.url)
        base = str(response.meta.get("postback_base") or response.url)
        numbered = [p for p in pagers if p.page is not None]
        if numbered and not response.meta.get("postback"):
            current = _current_page(numbered)
            if current is not None:
                seen.add(f"{base}#{numbered[0].target}={current}")  # this page, by GET
        xpath = view_state_form_xpath(selector)
        for pager in pagers:
            if pager.page is not None:
                key = f"{base}#{pager.target}={pager.page}"
            elif numbered:
                continue  # a next button beside page numbers: the numbers reach every page
            else:
                key = f"{here}>{pager.target}"
            if key in seen:
                continue
            if len(seen) >= self.source.max_pages:
                self.crawler.stats.inc_value(STATS + "over_max_pages")
                continue
            seen.add(key)
            yield FormRequest.from_response(
                response,
                formxpath=xpath,
                formdata={"__EVENTTARGET": pager.target, "__EVENTARGUMENT": pager.argument},
                dont_click=True,
                dont_filter=True,  # the body differs per page; ``seen`` keeps each page once
                callback=self.parse_list,
                errback=self.on_postback_error,
                meta={
                    "role": "list",
                    "dont_cache": True,
                    "postback": True,
                    "paginated": True,
                    "page_key": key,
                    "postback_base": base,
                },
            )

    def on_postback_error(self, failure: Failure) -> None:
        """The server refused the posted form (or could not be reached): counted, reported."""
        self.crawler.stats.inc_value(STATS + "refused")
        self.on_error(failure)

    def frame_requests(self, selector: Selector, base: str) -> Iterator[Request]:
        """The page's same-site frames, as list pages (the list a column page only frames)."""
        for url in frame_sources(selector, base):
            if url in self.pages_seen or not self._allowed(url):
                continue
            self.pages_seen.add(url)
            self.crawler.stats.inc_value("scenehub/frames/followed")
            request = self.list_request(url)
            request.meta["frame_of"] = base
            yield request
