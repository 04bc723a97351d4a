"""Lists served as JSON: a scene platform's API, or the endpoint a script-rendered column
fetches (``$.ajax({url: "/api/list?pageNo=1"})``, ``fetch("/x/list.do")``) into an empty
``<ul>``. The records are the page's largest list of objects unless a source names the
path; a record with a link is an entry to follow, one without is the row itself.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector

_LITERAL = re.compile(r"""(['"`])([^'"`\s<>]{2,300})\1""")
_DATA_PATH = re.compile(r"(?:\.(?:do|json|action|jsp|php|aspx|ashx)$|/api/|/rest/)", re.I)
_STATIC = (".js", ".css", ".png", ".jpg", ".gif", ".svg", ".ico", ".woff", ".html", ".htm")
_LINK_KEYS = ("url", "link", "href", "detailurl", "linkurl", "pageurl", "docurl", "path")
_TITLE_KEYS = ("title", "name", "doctitle", "subject", "scenename", "biaoti")
_TOTAL_KEYS = ("total", "totalcount", "totalrecord", "totalrecords", "recordcount", "count")


def dig(data: Any, path: str | None) -> Any:
    """``dig({"data": {"records": [..]}}, "data.records")``; a missing key gives None."""
    for key in (path or "").split("."):
        if not key:
            continue
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return None
    return data


def flat_row(item: dict[str, Any]) -> dict[str, Any]:
    """Nested values become JSON text, so the raw row keeps them and headers still map."""
    return {
        str(key): json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        for key, value in item.items()
    }


def script_endpoints(selector: Selector, base: str) -> list[str]:
    """Data URLs named in the page's inline scripts: same host, a data endpoint's path
    (``.do``, ``.json``, ``.jsp``, ``/api/`` …). A URL the script completes with a page
    number (``"list.do?pageNo=" + n``) is taken at page 1."""
    host = urlsplit(base).hostname
    found: list[str] = []
    for script in selector.css("script:not([src])::text").getall():
        for match in _LITERAL.finditer(script):
            literal = match.group(2)
            if literal.endswith("="):
                literal += "1"
            url = urljoin(base, literal)
            parts = urlsplit(url)
            if parts.scheme not in {"http", "https"} or parts.hostname != host:
                continue
            path = parts.path.lower()
            if path.endswith(_STATIC) or not _DATA_PATH.search(path):
                continue
            found.append(url)
    return list(dict.fromkeys(found))


def json_records(data: Any, path: str | None = None) -> list[dict[str, Any]] | None:
    """The records: at ``path`` if given, else the largest list of objects anywhere."""
    if path:
        found = dig(data, path)
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else None
    best: list[dict[str, Any]] | None = None
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            objects = [item for item in node if isinstance(item, dict)]
            if objects and len(objects) == len(node) and (best is None or len(node) > len(best)):
                best = objects
            stack.extend(node)
    return best


def json_total(data: Any) -> int | None:
    """The record count an answer announces (``total``, ``totalCount``, …), if any."""
    stack = [data]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            for key, value in node.items():
                number = isinstance(value, int) and not isinstance(value, bool)
                if key.lower() in _TOTAL_KEYS and number and value >= 0:
                    return int(value)
            stack.extend(v for v in node.values() if isinstance(v, dict))
    return None


def record_link(record: dict[str, Any], base: str) -> tuple[str, str] | None:
    """(URL, title) of an entry that links its own page, else None."""
    keys = {str(k).lower(): v for k, v in record.items()}
    for key in _LINK_KEYS:
        value = keys.get(key)
        if isinstance(value, str) and value.strip() and not value.startswith("javascript:"):
            url = urljoin(base, value.strip())
            if urlsplit(url).scheme in {"http", "https"}:
                title = next(
                    (str(keys[k]) for k in _TITLE_KEYS if isinstance(keys.get(k), str)), ""
                )
                return url, title
    return None
