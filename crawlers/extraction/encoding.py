"""Decide a page's real encoding when the declared one is wrong or missing.

Scrapy trusts the HTTP ``Content-Type`` charset over the ``<meta>`` tag (crawl.md §1.4); gov
servers often send ``utf-8`` for GBK bytes or nothing at all. A declared encoding is kept only
if the body decodes with it strictly; otherwise UTF-8, then GB18030 (a superset of GBK/GB2312),
then charset-normalizer's guess.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*['"]?([\w-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb_2312_80", "gb18030", "x-gbk", "cp936"}


def normalize_encoding(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def meta_charset(body: bytes) -> str | None:
    match = _META.search(body[:4096])
    return normalize_encoding(match.group(1).decode("ascii", "ignore")) if match else None


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_encoding(body: bytes, declared: str | None = None) -> str:
    """The encoding to read ``body`` with; ``declared`` (HTTP header) is only a candidate."""
    candidates = [normalize_encoding(declared), meta_charset(body), "utf-8", "gb18030"]
    for encoding in candidates:
        if encoding and _decodes(body, encoding):
            return encoding
    best = from_bytes(body[:65536]).best()
    return best.encoding if best is not None else "gb18030"
