"""A scanned table's layout from its pixels: seal ink dropped, page straightened, cells found
from ruling lines, or from the white gaps between rows and columns where there are none.

Works on a greyscale ``numpy`` array (0 black … 255 white); nothing here runs Tesseract.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from PIL import Image

_INK = 140  # darker than this is ink (after the seal's red is dropped)
_MAX_SKEW = 3.0  # degrees searched either way
_LINE_FILL = 0.5  # a ruling line darkens this share of the page's width, the table's height
_LINE_WIDTH = 8  # pixels: a ruling line is thin; a band of text rows is not


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int


@dataclass
class Layout:
    """Cell boxes by row and column; ``heading``: the text band above the table, if any."""

    cells: list[list[Box]]
    heading: Box | None
    ruled: bool


def without_seal(image: Image.Image) -> Image.Image:
    """Greyscale with red seal ink turned white: text under a seal stays (it is dark in
    every channel), the seal's ring and words go."""
    rgb = np.asarray(image.convert("RGB")).astype(np.int16)
    red = rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2]) > 40
    grey = rgb.mean(axis=2).astype(np.uint8)
    grey[red] = 255
    return Image.fromarray(grey)


def straightened(grey: Image.Image) -> tuple[Image.Image, float]:
    """The page rotated so its text lines run level (the angle whose row profile is
    sharpest: lines of text and ruling lines then fall into few rows)."""
    small = grey.resize((max(1, grey.width // 3), max(1, grey.height // 3)))
    best_angle, best_score = 0.0, -1.0
    for step, span in ((0.5, _MAX_SKEW), (0.1, 0.5)):
        centre = best_angle
        for angle in np.arange(centre - span, centre + span + step / 2, step):
            dark = np.asarray(small.rotate(float(angle), fillcolor=255)) < _INK
            score = float((dark.sum(axis=1).astype(np.float64) ** 2).sum())
            if score > best_score:
                best_angle, best_score = float(angle), score
    if abs(best_angle) < 0.05:
        return grey, 0.0
    turned = grey.rotate(best_angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return turned, best_angle


def _runs(mask: np.ndarray, gap: int = 2) -> list[tuple[int, int]]:
    """(first, last) index of each run of True values, runs closer than ``gap`` joined."""
    runs: list[tuple[int, int]] = []
    for index in np.flatnonzero(mask):
        i = int(index)
        if runs and i - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _thin(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(a, b) for a, b in runs if b - a <= _LINE_WIDTH]


def table_layout(grey: Image.Image) -> Layout | None:
    """The table's cells, or None when the image holds no table."""
    dark = np.asarray(grey) < _INK
    ruled = _ruled(dark)
    return ruled if ruled is not None else _by_gaps(dark)


def _ruled(dark: np.ndarray) -> Layout | None:
    width = dark.shape[1]
    rows = _thin(_runs(dark.sum(axis=1) > _LINE_FILL * width))
    if len(rows) < 3:
        return None
    top, bottom = rows[0][1], rows[-1][0]
    columns = _thin(_runs(dark[top:bottom].sum(axis=0) > 0.8 * (bottom - top)))
    if len(columns) < 3:
        return None
    cells = [
        [Box(x0[1] + 4, y0[1] + 4, x1[0] - 3, y1[0] - 3) for x0, x1 in itertools.pairwise(columns)]
        for y0, y1 in itertools.pairwise(rows)
    ]
    return Layout(cells, _heading(dark, rows[0][0]), ruled=True)


def _by_gaps(dark: np.ndarray) -> Layout | None:
    """Rows: bands of ink between white rows; columns: white gutters through every row that
    are wider than a character's half (a gap inside a cell is narrower)."""
    bands = [(a, b) for a, b in _runs(dark.sum(axis=1) > 0, gap=3) if b - a >= 8]
    if len(bands) < 2:
        return None
    text_height = int(np.median([b - a for a, b in bands]))
    top, bottom = bands[0][0], bands[-1][1]
    inked = np.asarray(dark[top : bottom + 1].any(axis=0))
    blocks = _runs(inked, gap=max(8, text_height // 2))
    if len(blocks) < 2:
        return None
    cells = [[Box(x0 - 4, y0 - 6, x1 + 5, y1 + 6) for x0, x1 in blocks] for y0, y1 in bands]
    return Layout(cells, None, ruled=False)


def _heading(dark: np.ndarray, table_top: int) -> Box | None:
    """The last band of text above the table: its title."""
    bands = [(a, b) for a, b in _runs(dark[:table_top].sum(axis=1) > 0, gap=3) if b - a >= 10]
    if not bands:
        return None
    a, b = bands[-1]
    columns = np.flatnonzero(dark[a : b + 1].any(axis=0))
    return Box(int(columns[0]) - 6, a - 6, int(columns[-1]) + 6, b + 6)
