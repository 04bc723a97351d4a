"""``<iframe>``/``<frame>`` sources of a list page: many county and Hanweb/TRS columns put
the list itself in a frame (``<iframe src="/module/…">``) and keep only navigation around it.

A frame that shows a file (a PDF viewer's ``?file=``, an attachment) is the attachment
reader's, not a list.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from crawlers.extraction.attachments import ATTACHMENT_EXTENSIONS

_VIEWER_PARAMS = {"file", "url", "src"}


def _shows_a_file(url: str) -> bool:
    parts = urlsplit(url)
    if parts.path.lower().endswith(ATTACHMENT_EXTENSIONS):
        return True
    return any(
        key.lower() in _VIEWER_PARAMS
        and urlsplit(value).path.lower().endswith(ATTACHMENT_EXTENSIONS)
        for key, value in parse_qsl(parts.query)
    )


def frame_sources(selector: Selector, base: str) -> list[str]:
    """Absolute http(s) URLs of the page's frames, each once, files left out."""
    found: list[str] = []
    for src in selector.css("iframe::attr(src), frame::attr(src)").getall():
        src = src.strip()
        if not src or src.lower().startswith(("javascript:", "about:", "data:", "#")):
            continue
        url = urljoin(base, src)
        if urlsplit(url).scheme in {"http", "https"} and not _shows_a_file(url):
            found.append(url)
    return list(dict.fromkeys(found))
