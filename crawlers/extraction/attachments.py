"""Find attachments wherever portals put them: ``<a>``, ``<iframe>``, ``<embed>``/``<object>``,
``onclick``/``window.open`` handlers and PDF viewers (``viewer.html?file=``), per crawl.md §1.4."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from parsel import Selector

from crawlers.extraction.images import table_image_urls

ATTACHMENT_EXTENSIONS = (".xlsx", ".xls", ".et", ".docx", ".pdf", ".wps")
_QUOTED = re.compile(r"""['"]([^'"]+\.(?:xlsx|xls|et|docx|pdf|wps)(?:\?[^'"]*)?)['"]""", re.I)


@dataclass(frozen=True)
class AttachmentLink:
    url: str
    text: str
    hinted: str | None  # the format the URL suggests (the bytes decide)


def _hint(url: str) -> str | None:
    path = urlsplit(url).path.lower()
    for ext in ATTACHMENT_EXTENSIONS:
        if path.endswith(ext):
            return {"et": "xls", "wps": "docx"}.get(ext[1:], ext[1:])
    return None


def _viewer_target(url: str) -> str | None:
    """``/pdfjs/web/viewer.html?file=/a/b.pdf`` -> ``/a/b.pdf``."""
    parts = urlsplit(url)
    if "viewer" not in parts.path.lower():
        return None
    files = parse_qs(parts.query).get("file")
    return unquote(files[0]) if files else None


def attachment_links(selector: Selector, base: str) -> list[AttachmentLink]:
    found: dict[str, AttachmentLink] = {}

    def add(raw: str | None, text: str = "") -> None:
        if not raw:
            return
        raw = raw.strip()
        url = urljoin(base, raw)
        target = _viewer_target(url)
        if target:
            url = urljoin(url, target)
        hinted = _hint(url)
        if hinted and url not in found:
            found[url] = AttachmentLink(url, text, hinted)

    for anchor in selector.css("a"):
        text = " ".join(" ".join(anchor.css("::text").getall()).split())
        add(anchor.attrib.get("href"), text)
        for match in _QUOTED.finditer(anchor.attrib.get("onclick") or ""):
            add(match.group(1), text)
    for element in selector.css("[data-href], [data-url], [data-file]"):
        text = " ".join(" ".join(element.css("::text").getall()).split())
        for name in ("data-href", "data-url", "data-file"):
            add(element.attrib.get(name), text)
    for element in selector.css("iframe, embed, frame"):
        add(element.attrib.get("src"), element.attrib.get("title") or "")
    for element in selector.css("object"):
        add(element.attrib.get("data"))
    for element in selector.css("[onclick]"):
        for match in _QUOTED.finditer(element.attrib.get("onclick") or ""):
            add(match.group(1), " ".join(element.css("::text").getall()).strip())
    for script in selector.css("script::text").getall():
        for match in re.finditer(r"window\.open\(\s*['\"]([^'\"]+)['\"]", script):
            add(match.group(1))
    for url, label in table_image_urls(selector, base):  # a list published as a picture
        found.setdefault(url, AttachmentLink(url, label, "image"))
    return list(found.values())
