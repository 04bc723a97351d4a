"""Whitespace and full-width folding for Chinese text fields."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def clean_text(value: object) -> str | None:
    """NFKC (full-width letters/digits -> half-width), collapse spaces, keep line breaks.

    Chinese punctuation (，。：) is NFKC-stable except the full-width colon/parentheses,
    which become ASCII; that is intended: downstream parsers then see one form.
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text).strip()
    return text or None
