"""Hanweb (大汉) jpage columns: the list is not in the page's links but in a
``<script type="text/xml">`` datastore, one CDATA ``<record>`` per entry, and later groups
come from ``module/web/jpage/dataproxy.jsp`` (a POST: ``startrecord``/``endrecord``/
``perpage`` in the query, the column's own parameters, as the ``<nextgroup>`` link names
them, in the body). A dataproxy answer is the same datastore, without the page around it.

Seen on Zhejiang, Jiangsu and Shandong portals; written from their published markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

_DATASTORE = re.compile(r"<datastore\b[^>]*>(.*?)</datastore>", re.S | re.I)
_RECORD = re.compile(r"<record\b[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_NEXTGROUP = re.compile(r"<nextgroup\b[^>]*>\s*<!\[CDATA\[(.*?)\]\]>", re.S | re.I)
_HREF = re.compile(r"""href\s*=\s*['"]([^'"]+)['"]""", re.I)
_TOTAL = re.compile(r"(?:\btotalRecord\s*[:=]\s*['\"]?|<totalrecord>\s*)(\d+)", re.I)
_PER_PAGE = re.compile(r"\bperPage\s*[:=]\s*['\"]?(\d+)", re.I)
_PAGING_KEYS = {"page", "startrecord", "endrecord", "perpage"}
MAX_GROUPS = 200


@dataclass(frozen=True)
class Datastore:
    records: tuple[str, ...]  # each record's HTML (an <li> or a <tr>, usually)
    proxy_url: str | None  # the dataproxy endpoint, absolute, without paging parameters
    params: tuple[tuple[str, str], ...]  # the column's parameters, sent as the POST body
    total: int | None  # totalRecord, when the page or the answer says it
    per_page: int | None


@dataclass(frozen=True)
class GroupRequest:
    url: str
    formdata: dict[str, str]
    start: int
    size: int
    per_page: int


def read_datastore(text: str, base: str) -> Datastore | None:
    """The jpage datastore of a column page or a dataproxy answer, or None."""
    found = _DATASTORE.search(text)
    if found is None:
        return None
    body = found.group(1)
    records = tuple(record.strip() for record in _RECORD.findall(body))
    proxy_url: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    nextgroup = _NEXTGROUP.search(body)
    href = _HREF.search(nextgroup.group(1)) if nextgroup else None
    if href:
        link = urljoin(base, href.group(1).replace("&amp;", "&"))
        parts = urlsplit(link)
        proxy_url = urlunsplit(parts._replace(query="", fragment=""))
        seen: dict[str, str] = {"col": "1"}
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key.lower() not in _PAGING_KEYS:
                seen.setdefault(key, value)  # appid is often written twice
        params = tuple(seen.items())
    total = _TOTAL.search(text)
    per_page = _PER_PAGE.search(text)
    return Datastore(
        records,
        proxy_url,
        params,
        int(total.group(1)) if total else None,
        int(per_page.group(1)) if per_page else None,
    )


def records_html(records: tuple[str, ...]) -> str:
    """The records as one HTML list, so the ordinary item-link rule reads them (table rows
    need a table around them or the HTML parser drops their tags)."""
    joined = "".join(records)
    if joined.lstrip().lower().startswith("<tr"):
        return f'<html><body><table class="jpage-records">{joined}</table></body></html>'
    return f'<html><body><ul class="jpage-records">{joined}</ul></body></html>'


def group_requests(
    store: Datastore, start: int, size: int | None = None, per_page: int | None = None
) -> list[GroupRequest]:
    """The dataproxy requests for the groups after one that began at record ``start``.

    With the total known, every remaining group at once; without it, the next group only
    when this one came back full (an empty or short group is the end)."""
    if store.proxy_url is None or not store.records:
        return []
    size = size or max(len(store.records), store.per_page or 0)
    per_page = per_page or store.per_page or size
    first = start + len(store.records)
    if store.total is not None:
        starts = range(first, store.total + 1, size)
    elif len(store.records) >= size:
        starts = range(first, first + 1)
    else:
        return []
    requests = []
    for begin in list(starts)[:MAX_GROUPS]:
        end = begin + size - 1
        url = f"{store.proxy_url}?startrecord={begin}&endrecord={end}&perpage={per_page}"
        requests.append(GroupRequest(url, dict(store.params), begin, size, per_page))
    return requests
