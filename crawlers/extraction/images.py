"""Images of tables on a page: a list published as a picture (``<img>`` in an article,
WeChat's ``data-src``, or a link to a .png/.jpg), read by OCR like a scanned PDF page.

Only images that say they are a list are taken (their alt/title, link text or the text of
the block around them names 清单/名单/一览表/附表 …): a portal's logos and photos are not
worth an OCR pass.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
_LIST_WORDS = re.compile(r"清单|名单|一览表|附表|明细表|汇总表|目录")


def is_image_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.path.lower().endswith(IMAGE_EXTENSIONS):
        return True
    return parse_qs(parts.query).get("wx_fmt", [""])[0].lower() in {"png", "jpg", "jpeg"}


def _around(node: Selector) -> str:
    """The text of the image's own block (its nearest section/p/figure/div) and of the
    caption under it (the next block's own text: a link there names something else)."""
    block = node.xpath("./ancestor::*[self::section or self::p or self::figure or self::div][1]")
    text = " ".join(block[0].css("::text").getall()) if block else ""
    following = node.xpath("./following::*[self::p or self::section or self::figcaption][1]")
    if following:
        own = following[0].xpath("./text() | ./*[not(self::a)]//text()").getall()
        text += " " + " ".join(own)[:200]
    return text


def table_image_urls(selector: Selector, base: str) -> list[tuple[str, str]]:
    """(url, what names it a list) for each image of a table on the page, each once."""
    found: dict[str, str] = {}
    for image in selector.css("img"):
        src = image.attrib.get("data-src") or image.attrib.get("src") or ""
        url = urljoin(base, src.strip())
        if not src.strip() or urlsplit(url).scheme not in {"http", "https"}:
            continue
        if not is_image_url(url):
            continue
        label = " ".join(
            filter(None, (image.attrib.get("alt"), image.attrib.get("title"), _around(image)))
        )
        if _LIST_WORDS.search(label):
            found.setdefault(url, " ".join(label.split())[:200])
    for anchor in selector.css("a[href]"):
        url = urljoin(base, (anchor.attrib.get("href") or "").strip())
        text = " ".join(" ".join(anchor.css("::text").getall()).split())
        if is_image_url(url) and _LIST_WORDS.search(text):
            found.setdefault(url, text)
    return list(found.items())
