"""Decide the encoding of bytes of unknown origin: list files and crawled pages alike.

Chinese lists arrive as UTF-8 or GBK/GB2312, and gov servers often declare the wrong one or
none. A declared encoding (HTTP header, ``<meta>``) is kept only if the bytes decode with it
strictly; otherwise UTF-8, then GB18030 (a superset of GBK/GB2312, tried before the
statistical guess, which is easily fooled on short Chinese text), then charset-normalizer.
One module for ``scenehub ingest`` and the crawler's encoding middleware.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*['"]?([\w-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb_2312_80", "gb18030", "x-gbk", "cp936"}
_BOM = b"\xef\xbb\xbf"


def normalize_encoding(name: str | None) -> str | None:
    """A codec's canonical name; every GB name becomes gb18030 (the superset)."""
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


def guess_encoding(body: bytes, declared: str | None = None) -> str | None:
    """The encoding to read ``body`` with, or None when nothing fits."""
    candidates = [normalize_encoding(declared), meta_charset(body), "utf-8", "gb18030"]
    for encoding in candidates:
        if encoding and _decodes(body, encoding):
            return encoding
    best = from_bytes(body[:65536]).best()
    return best.encoding if best is not None else None


def detect_encoding(body: bytes, declared: str | None = None) -> str:
    """As :func:`guess_encoding`, falling back to gb18030 (pages are decoded leniently)."""
    return guess_encoding(body, declared) or "gb18030"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` of a list file; a UTF-8 BOM is dropped."""
    if data.startswith(_BOM):
        return data[len(_BOM) :].decode("utf-8"), "utf-8-sig"
    encoding = guess_encoding(data)
    if encoding is None:
        raise UnicodeDecodeError("unknown", data[:16], 0, 1, "cannot detect the text encoding")
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:  # guessed on the first 64 KiB: ask again on the whole file
        best = from_bytes(data).best()
        if best is None:
            raise
        return str(best), best.encoding
