"""The items of the sample portal's harder publication forms (issue 22): a WebForms column
(postback pager), a list inside an ``<iframe>``, a scanned list (image-only PDF) and a
WeChat-style article with a table and a table published as an image.

Drawn from the same generators as :mod:`crawlers.sample_portal.data`, after everything the
``sample-portal`` source publishes, so the two sources never share an item.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from crawlers.sample_portal.data import (
    BASE_DETAIL_SCENES,
    BROWSER_SCENES,
    DOCX_SCENES,
    EXTRA_ROWS_PER_ATTACHMENT,
    HANWEB_SCENES,
    HTML_CAPABILITIES,
    JSON_SCENES,
    PDF_CAPABILITIES,
    SHORT_TITLE_SCENES,
    XLS_SCENES,
    XLSX_CAPABILITIES,
    CapabilityItem,
    SceneItem,
    capabilities,
    scenes,
)

WEBFORMS_SCENES = 16  # a GridView of six a page: pages 1 (GET), 2 and 3 (postbacks)
NEXT_ONLY_SCENES = 8  # a column paged only by a 下一页 link button: four a page
FRAME_SCENES = 8
SCAN_CAPABILITIES = 10  # the scanned, stamped list (image-only PDF)
ARTICLE_SCENES = 6  # the article's HTML table
ARTICLE_IMAGE_SCENES = 5  # the article's table published as an image


@dataclass(frozen=True)
class FormsData:
    webforms: tuple[SceneItem, ...]
    next_only: tuple[SceneItem, ...]
    frame: tuple[SceneItem, ...]
    scan: tuple[CapabilityItem, ...]
    article: tuple[SceneItem, ...]
    article_image: tuple[SceneItem, ...]


def _scenes_used(scale: int) -> int:
    columns = SHORT_TITLE_SCENES + HANWEB_SCENES + JSON_SCENES + BROWSER_SCENES
    return BASE_DETAIL_SCENES * scale + XLS_SCENES + sum(DOCX_SCENES) + columns


def _capabilities_used(scale: int) -> int:
    extra = 3 * (scale - 1) * EXTRA_ROWS_PER_ATTACHMENT
    return HTML_CAPABILITIES + sum(XLSX_CAPABILITIES) + PDF_CAPABILITIES + extra


@lru_cache(maxsize=4)
def forms_data(scale: int = 1) -> FormsData:
    counts = (WEBFORMS_SCENES, NEXT_ONLY_SCENES, FRAME_SCENES, ARTICLE_SCENES)
    start = _scenes_used(scale)
    pool = scenes(start + sum(counts) + ARTICLE_IMAGE_SCENES)[start:]
    parts: list[tuple[SceneItem, ...]] = []
    for count in (*counts, ARTICLE_IMAGE_SCENES):
        parts.append(tuple(pool[:count]))
        pool = pool[count:]
    caps_start = _capabilities_used(scale)
    scan = capabilities(caps_start + SCAN_CAPABILITIES)[caps_start:]
    return FormsData(parts[0], parts[1], parts[2], scan, parts[3], parts[4])
