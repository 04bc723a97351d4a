"""A list published as a table whose titles link detail pages (WebForms and many CMS lists):
each row and its detail page describe one item. The row rides with the detail request and
the detail fills it in, so the item is read once, whole (one record, one version).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from core.headers import map_header

_ELLIPSIS = ("...", "…", "..")


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def row_title(row: dict[str, Any]) -> str | None:
    """The row's title cell (the first column whose header means title)."""
    for header, value in row.items():
        if not str(header).startswith("_") and map_header(str(header)).field == "title":
            return str(value) if value else None
    return None


class RowIndex:
    """Rows by title, for finding the row a detail link belongs to."""

    def __init__(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        self.by_title: dict[str, int] = {}
        for index, row in rows:
            title = row_title(row)
            if title:
                self.by_title.setdefault(_key(title), index)

    def find(self, link_text: str) -> int | None:
        """The row titled like the link; a link cut short (标题……) matches one prefix."""
        key = _key(link_text)
        if not key:
            return None
        if key in self.by_title:
            return self.by_title[key]
        stem = key
        for mark in _ELLIPSIS:
            stem = stem.removesuffix(mark)
        if stem == key or len(stem) < 4:
            return None
        found = [i for title, i in self.by_title.items() if title.startswith(stem)]
        return found[0] if len(found) == 1 else None


def _field(header: Any) -> str | None:
    return None if str(header).startswith("_") else map_header(str(header)).field


def fill_row(listed: dict[str, Any], detail: dict[str, Any]) -> dict[str, Any]:
    """The list row, filled in by the detail page's fields it leaves empty or does not
    print; a field both print keeps the row's wording (the two are one item's one value)."""
    merged = {h: v for h, v in listed.items() if v not in (None, "") or _field(h) is None}
    fields = {_field(h) for h in merged} - {None}
    for header, value in detail.items():
        field = _field(header)
        if header in merged or (field is not None and field in fields):
            continue
        merged[header] = value
    return merged
