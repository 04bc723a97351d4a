"""Recognise an attachment by its bytes (not its URL, which lies) and read its tables."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO

from crawlers.extraction.docx import docx_tables
from crawlers.extraction.errors import AttachmentError
from crawlers.extraction.grid import Table
from crawlers.extraction.ocr import decode_image, image_tables
from crawlers.extraction.pdf import pdf_tables
from crawlers.extraction.xls import xls_tables
from crawlers.extraction.xlsx import xlsx_tables

__all__ = ["AttachmentError", "attachment_tables", "sniff_format"]

_READERS: dict[str, Callable[[bytes, str], list[Table]]] = {
    "xlsx": xlsx_tables,
    "xls": xls_tables,
    "docx": docx_tables,
    "pdf": pdf_tables,
    "image": lambda data, location: image_tables(decode_image(data), location),
}


def sniff_format(data: bytes) -> str | None:
    """xlsx | docx | xls | pdf | image (PNG, JPEG) by magic bytes, or None."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith((b"\x89PNG\r\n", b"\xff\xd8\xff")):
        return "image"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"  # OLE2; a legacy .doc also starts so and then fails clearly in xlrd
    if data.startswith(b"PK"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
        if any(name.startswith("word/") for name in names):
            return "docx"
    return None


def attachment_tables(data: bytes, location: str, hinted: str | None = None) -> list[Table]:
    """All tables of an attachment; raises :class:`AttachmentError` for unreadable files."""
    kind = sniff_format(data) or hinted
    if kind not in _READERS:
        raise AttachmentError(f"unsupported or unrecognised file ({len(data)} bytes)")
    return _READERS[kind](data, location)
