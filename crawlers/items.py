"""What spiders yield: a published row on its way to becoming a record, and a page marker.

Spiders stay dumb about normalisation: a :class:`RowItem` carries the row as published
(header -> cell), where it came from, and what the page around it said. The pipelines build
``record`` from it through core's one row-to-record path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.records import Record


@dataclass
class RowItem:
    """One item as published, plus the context needed to normalise it."""

    row: dict[str, Any]
    source_url: str
    attachment_url: str | None = None
    kind: str | None = None  # scene | capability | None (auto, undecided)
    location: str = ""
    list_name: str | None = None
    batch: str | None = None
    section: str | None = None
    page_year: int | None = None
    page_published: str | None = None
    continued_org: bool = False
    record: Record | None = None
    #: why the row could not become a record (set with ``record`` None)
    rejection: str | None = None


@dataclass
class PageDone:
    """Emitted after every item of a detail page or attachment: the storage pipeline commits
    the page's state only once those items are stored, which makes a killed crawl resumable."""

    url: str
    role: str  # detail | attachment | list
    fingerprint: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    items: int = 0
