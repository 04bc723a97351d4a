"""OCR of scanned lists: image-only PDF pages and images of tables -> :class:`Table` grids
with a confidence per cell, for the same table reader every other format goes through.

pytesseract, not ocrmypdf: a table needs word boxes and confidences (``image_to_data``) to
rebuild rows and cells and to flag doubtful cells, while ocrmypdf's product is a text layer
that pdfplumber would read back without either. Tesseract is slow to start with its Chinese
model (about a second a call), so every cell of a page is pasted, ruling lines left out, into
one column image and read in a single call; words return to their cell by position.

Tesseract and its ``chi_sim`` data come from Debian (``tesseract-ocr``,
``tesseract-ocr-chi-sim``; ``make install`` installs them as root). The Scrapy settings
``SCENEHUB_TESSERACT`` (another binary) and ``SCENEHUB_OCR`` (false: off) configure it
(``scenehub crawl … --set SCENEHUB_OCR=false``). Without it a scanned list is reported
``ocr_skipped``, with how to enable it, never silently empty.
"""

from __future__ import annotations

import os
import shutil
import time
from functools import lru_cache

from PIL import Image

from crawlers.extraction.errors import AttachmentError
from crawlers.extraction.grid import Table, cell_text
from crawlers.extraction.ocr_layout import Box, straightened, table_layout, without_seal

LANG = "chi_sim"
_PAD = 30
HOW_TO_ENABLE = (
    "install Tesseract with its Chinese data (Debian: apt-get install tesseract-ocr "
    "tesseract-ocr-chi-sim; `make install` does it as root), or point the crawl at the "
    "binary with --set SCENEHUB_TESSERACT=/path/to/tesseract (--set SCENEHUB_OCR=true)"
)
_config = {"command": "tesseract", "enabled": "1"}


class OcrSkipped(AttachmentError):
    """A scanned page or image that could not be read because OCR is off or missing."""


def configure(command: str = "tesseract", enabled: bool = True) -> None:
    """The crawl's OCR settings (``SCENEHUB_TESSERACT``, ``SCENEHUB_OCR``)."""
    _config.update(command=command, enabled="1" if enabled else "0")


@lru_cache(maxsize=4)
def _problem(command: str, enabled: str) -> str | None:
    if enabled != "1":
        return "OCR is switched off (SCENEHUB_OCR=false)"
    path = shutil.which(command)
    if path is None:
        return f"tesseract not found ({command!r})"
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = path
    try:
        languages = pytesseract.get_languages(config="")
    except Exception as exc:  # a broken install answers with an error
        return f"tesseract at {path} does not run: {exc}"
    if LANG not in languages:
        return f"tesseract at {path} has no {LANG} data (tesseract-ocr-chi-sim)"
    return None


def ocr_problem() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    return _problem(_config["command"], _config["enabled"])


def require_ocr(what: str) -> None:
    problem = ocr_problem()
    if problem is not None:
        raise OcrSkipped(f"{what} not read: {problem}; to read it, {HOW_TO_ENABLE}")


def image_tables(image: Image.Image, location: str) -> list[Table]:
    """The table of one scanned page or image (none when it shows no table)."""
    require_ocr("a scanned table")
    # one thread per Tesseract call: its OpenMP threads thrash on a machine shared by
    # parallel crawls (Tesseract's own advice for parallel use)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    started = time.perf_counter()
    grey, _ = straightened(without_seal(image))
    layout = table_layout(grey)
    if layout is None:
        return []
    boxes = [box for row in layout.cells for box in row]
    if layout.heading is not None:
        boxes.append(layout.heading)
    texts = _read_boxes(grey, boxes)
    width = len(layout.cells[0])
    rows = [[texts[r * width + c][0] for c in range(width)] for r in range(len(layout.cells))]
    confidence = [[texts[r * width + c][1] for c in range(width)] for r in range(len(layout.cells))]
    heading = texts[-1][0] if layout.heading is not None else None
    seconds = time.perf_counter() - started
    return [Table(rows, location, heading or None, confidence, seconds)]


def _read_boxes(grey: Image.Image, boxes: list[Box]) -> list[tuple[str, float]]:
    """Every box's text and confidence (the lowest of its words; 0 for an empty box that
    has ink), in one Tesseract call over the boxes stacked one per line."""
    import pytesseract

    crops = [grey.crop((b.left, b.top, b.right, b.bottom)) for b in boxes]
    sheet = Image.new("L", (max(c.width for c in crops) + 2 * _PAD, 1), 255)
    spans: list[tuple[int, int]] = []
    y = _PAD
    for crop in crops:
        spans.append((y, y + crop.height))
        y += crop.height + _PAD
    sheet = sheet.resize((sheet.width, y))
    sheet.paste(255, (0, 0, sheet.width, y))
    for crop, (top, _) in zip(crops, spans, strict=True):
        sheet.paste(crop, (_PAD, top))
    data = pytesseract.image_to_data(
        sheet, lang=LANG, config="--psm 6", output_type=pytesseract.Output.DICT
    )
    words: list[list[tuple[int, str, float]]] = [[] for _ in boxes]
    for text, conf, left, top, height in zip(
        data["text"], data["conf"], data["left"], data["top"], data["height"], strict=True
    ):
        if not str(text).strip():
            continue
        middle = top + height / 2
        for index, (a, b) in enumerate(spans):
            if a - _PAD / 2 <= middle <= b + _PAD / 2:
                words[index].append((int(left), str(text), float(conf)))
                break
    out: list[tuple[str, float]] = []
    for found, crop in zip(words, crops, strict=True):
        found.sort()
        text = _join(w for _, w, _ in found)
        if found:
            out.append((text, min(c for _, _, c in found)))
        else:
            inked = crop.point(lambda v: 255 if v < 140 else 0).getbbox() is not None
            out.append(("", 0.0 if inked else 100.0))  # ink nobody could read is doubtful
    return out


def _join(words: object) -> str:
    """Words of one cell: Chinese runs join without spaces, Latin words keep one."""
    text = ""
    for word in words:  # type: ignore[attr-defined]
        if text and text[-1].isascii() and text[-1].isalnum() and word[0].isascii():
            text += " "
        text += word
    return cell_text(text)


def decode_image(data: bytes) -> Image.Image:
    import io

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception as exc:
        raise AttachmentError(f"not a readable image: {exc}") from exc
    return image
