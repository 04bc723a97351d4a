"""Incremental crawling: a leaf (detail page or attachment) is requested only when its list
entry changed or its revisit time came, then conditionally (ETag / Last-Modified), and parsed
only when its body changed. Every leaf ends in a :class:`PageDone` marker that the storage
pipeline commits after the leaf's items: the state that makes crawls resumable."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawlers.items import PageDone
from crawlers.state import PageState

_ENTRY_DATE = re.compile(r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}|\d{1,2}-\d{1,2}")


def entry_dates(context: str) -> str:
    """The dates of a list entry: its fingerprint ignores view counters and the like."""
    return " ".join(_ENTRY_DATE.findall(context))


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class IncrementalMixin:
    """Needs ``page_states``, ``revisit``, ``crawler`` and ``on_error`` from the spider."""

    page_states: dict[str, PageState]
    revisit: timedelta
    crawler: Any

    def on_error(self, failure: Failure) -> None:  # pragma: no cover - the spider's
        raise NotImplementedError

    def leaf_request(
        self, url: str, role: str, announced: str, callback: Callable[..., Any]
    ) -> Request | None:
        """A detail page or attachment; None when the source already holds it unchanged."""
        # a file linked from several pages (the attachment list and a notice) is announced
        # with other words on each: its identity is its URL, or it would flip every crawl
        fingerprint = _sha(url, "" if role == "attachment" else announced)
        state = self.page_states.get(url)
        if (
            state is not None
            and state.fingerprint == fingerprint
            and state.content_hash
            and datetime.now(UTC) - state.fetched_at < self.revisit
        ):
            self.crawler.stats.inc_value(f"scenehub/incremental/skipped/{role}")
            return None
        headers = {}
        if state is not None and state.etag:
            headers["If-None-Match"] = state.etag
        if state is not None and state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=headers,
            meta={
                "role": role,
                "fingerprint": fingerprint,
                "announced": announced,
                "handle_httpstatus_list": [304],
                # attachments often sit on another host (a file server, a CDN); they are
                # one hop from an in-scope page and lead nowhere, so they may leave the domain
                "allow_offsite": role == "attachment",
            },
        )

    # -- incremental state ---------------------------------------------------------

    def unchanged(self, response: Response) -> PageDone | None:
        """A PageDone (and no parsing) when the server or the body hash says nothing changed."""
        state = self.page_states.get(state_url(response))
        if response.status == 304 and state is not None:
            self.crawler.stats.inc_value("scenehub/incremental/not_modified")
            return self.page_done(response, 0, state.content_hash)
        digest = hashlib.sha256(response.body).hexdigest()
        if state is not None and state.content_hash == digest:
            self.crawler.stats.inc_value("scenehub/incremental/same_content")
            return self.page_done(response, 0, digest)
        return None

    def page_done(self, response: Response, items: int, digest: str | None = None) -> PageDone:
        headers = response.headers
        etag = headers.get(b"ETag")
        modified = headers.get(b"Last-Modified")
        return PageDone(
            url=state_url(response),
            role=str(response.meta.get("role", "detail")),
            fingerprint=response.meta.get("fingerprint"),
            etag=etag.decode("latin-1") if etag else None,
            last_modified=modified.decode("latin-1") if modified else None,
            content_hash=digest or hashlib.sha256(response.body).hexdigest(),
            items=items,
        )


def state_url(response: Response) -> str:
    """The page's identity in the incremental state: its URL, or for a postback page (one
    URL, many pages) the URL and the event that reached it."""
    return str(response.meta.get("page_key") or response.url)


def hub_page_done(done: PageDone) -> PageDone:
    """A page that links attachments is re-read on every crawl, like a list page: its
    children (each with its own state) are then re-queued, so an attachment that failed,
    or whose items were lost to a kill, is fetched again. Unchanged children are skipped."""
    done.content_hash = None
    done.etag = None
    done.last_modified = None
    return done
