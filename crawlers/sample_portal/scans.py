"""Scanned lists for the sample portal, rendered from text the way offices publish them:
printed at ~200 dpi, scanned a little crooked and soft, a red seal stamped over the last rows
(an image-only PDF, the commonest form of a sealed list); and a table saved as an image with
no ruling lines (the kind WeChat articles post).

Rendering needs a CJK font (Debian ``fonts-wqy-microhei``, installed by ``make``).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

DPI = 200
A4 = (1654, 2339)  # pixels at 200 dpi
ROTATION = 0.7  # degrees: a sheet fed slightly crooked
BLUR = 0.9  # Gaussian radius in pixels: a soft scan
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


class FontMissing(RuntimeError):
    """No CJK font to render the scanned samples with."""


def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    raise FontMissing(
        "no CJK font found for the scanned samples: install fonts-wqy-microhei "
        f"(make install does, as root); looked in {', '.join(FONT_PATHS)}"
    )


def _table(
    draw: ImageDraw.ImageDraw,
    top: int,
    widths: Sequence[int],
    rows: Sequence[Sequence[str]],
    row_height: int,
    ruled: bool,
    left: int,
) -> int:
    font = _font(34)
    x_edges = [left]
    for width in widths:
        x_edges.append(x_edges[-1] + width)
    y = top
    for row in rows:
        for index, cell in enumerate(row):
            box = draw.textbbox((0, 0), cell, font=font)
            text_x = x_edges[index] + 14
            text_y = y + (row_height - (box[3] - box[1])) // 2 - box[1]
            draw.text((text_x, text_y), cell, fill=(20, 20, 20), font=font)
        y += row_height
    if ruled:
        for row_index in range(len(rows) + 1):
            line_y = top + row_index * row_height
            draw.line([(x_edges[0], line_y), (x_edges[-1], line_y)], fill=(0, 0, 0), width=3)
        for x in x_edges:
            draw.line([(x, top), (x, y)], fill=(0, 0, 0), width=3)
    return y


def _stamp(size: int, words: str) -> Image.Image:
    """A round red seal (ring, star, words around the top) on white, for multiplying."""
    seal = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(seal)
    red = (214, 40, 40)
    draw.ellipse([6, 6, size - 6, size - 6], outline=red, width=9)
    centre, radius = size / 2, size * 0.14
    star = [
        (
            centre + radius * (1 if i % 2 == 0 else 0.4) * math.sin(i * math.pi / 5),
            centre - radius * (1 if i % 2 == 0 else 0.4) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]
    draw.polygon(star, fill=red)
    font = _font(int(size * 0.11))
    for index, char in enumerate(words):
        angle = math.radians(-150 + 300 * index / max(1, len(words) - 1))
        x = centre + size * 0.36 * math.sin(angle)
        y = centre - size * 0.36 * math.cos(angle)
        glyph = Image.new("L", (int(size * 0.14), int(size * 0.14)), 0)
        ImageDraw.Draw(glyph).text((0, 0), char, fill=255, font=font)
        glyph = glyph.rotate(-math.degrees(angle), expand=True)
        seal.paste(Image.new("RGB", glyph.size, red), (int(x) - 20, int(y) - 20), glyph)
    return seal


def _scan(page: Image.Image) -> Image.Image:
    page = page.rotate(ROTATION, resample=Image.Resampling.BICUBIC, fillcolor="white")
    return page.filter(ImageFilter.GaussianBlur(BLUR))


@lru_cache(maxsize=4)
def scanned_list_pdf(title: str, rows: tuple[tuple[str, ...], ...]) -> bytes:
    """An image-only PDF of a ruled table (first row: headers), crooked, soft, sealed."""
    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    font = _font(46)
    width = draw.textlength(title, font=font)
    draw.text(((A4[0] - width) / 2, 170), title, fill=(10, 10, 10), font=font)
    widths = (130, 560, 600, 330)
    bottom = _table(draw, 290, widths, rows, 86, ruled=True, left=(A4[0] - sum(widths)) // 2)
    seal = _stamp(400, "杭州市经济和信息化局")
    # over the last rows, as a seal is put on the end of a list
    page = ImageChops.multiply(page, _place(seal, A4, (A4[0] - 720, bottom - 300)))
    scan = _scan(page)
    out = io.BytesIO()
    scan.save(out, format="PDF", resolution=DPI)
    return out.getvalue()


@lru_cache(maxsize=4)
def table_image_png(rows: tuple[tuple[str, ...], ...]) -> bytes:
    """A table as an image without ruling lines (columns only by their gaps)."""
    widths = (110, 640, 520, 300)
    height = 60 + 80 * len(rows)
    image = Image.new("RGB", (sum(widths) + 80, height), "white")
    _table(ImageDraw.Draw(image), 30, widths, rows, 80, ruled=False, left=40)
    out = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(0.5)).save(out, format="PNG")
    return out.getvalue()


def _place(seal: Image.Image, size: tuple[int, int], at: tuple[int, int]) -> Image.Image:
    layer = Image.new("RGB", size, "white")
    layer.paste(seal, at)
    return layer
