"""The sample portal: routes from paths to pages and attachments, rendered from
:mod:`crawlers.sample_portal.data`.

``Site.get(path)`` returns ``(status, headers, body)``; the HTTP server only adds
conditional requests. Pages are rendered on first request and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cached_property, partial
from urllib.parse import parse_qs, urlsplit

from crawlers.sample_portal import files
from crawlers.sample_portal.articles import (
    ARTICLE,
    ARTICLE_IMAGE,
    SCAN_NOTICE,
    SCAN_PDF,
    Articles,
)
from crawlers.sample_portal.columns import (
    BROWSER_COLUMN,
    DATAPROXY,
    HANWEB_COLUMN,
    JSON_COLUMN,
    JSON_ENDPOINT,
    Columns,
)
from crawlers.sample_portal.data import (
    PDF_REPEATS_HTML,
    CapabilityItem,
    PortalData,
    SceneItem,
    portal_data,
)
from crawlers.sample_portal.forms import (
    FRAME_COLUMN,
    FRAME_LIST,
    NEXT_ONLY_COLUMN,
    WEBFORMS_COLUMN,
    Forms,
)
from crawlers.sample_portal.forms_data import FormsData, forms_data
from crawlers.sample_portal.pages import (
    CORRECTION,
    DOCX,
    DOCX_BATCHES,
    PDF_TITLE,
    PER_PAGE,
    ROBOTS,
    XLS_TITLE,
    XLSX,
    XLSX_TITLE,
    Entry,
    Response,
)

__all__ = ["CORRECTION", "DOCX_BATCHES", "PDF_TITLE", "XLSX_TITLE", "XLS_TITLE", "Site"]


class Site(Columns, Forms, Articles):
    def __init__(self, scale: int = 1, revision: int = 0) -> None:
        """``revision`` 1 republishes the first detail scene with a corrected description
        (a 更正 notice: new list date, same URL), for tests of changed items."""
        self.scale = scale
        self.revision = revision
        self.data: PortalData = portal_data(scale)
        self._cache: dict[str, Response] = {}
        self.entries = self._entries()
        self.hanweb_entries = [
            Entry(
                f"/art/{s.published.year}/{s.published.month}/{s.published.day}/"
                f"art_1229_{5000 + i}.html",
                s.title,
                s.published.isoformat(),
                scene=s,
            )
            for i, s in enumerate(self.data.hanweb_scenes)
        ]
        self.json_entries = [
            Entry(f"/zt/cjqd/detail/{6000 + i}.html", s.title, s.published.isoformat(), scene=s)
            for i, s in enumerate(self.data.json_scenes)
        ]
        self.browser_entries = [
            Entry(f"/zt/jsbuild/detail/{7000 + i}.html", s.title, s.published.isoformat(), scene=s)
            for i, s in enumerate(self.data.browser_scenes)
        ]
        self.forms: FormsData = forms_data(scale)
        self.webforms_entries = self._form_entries("/jyxx/infodetail/", 8000, self.forms.webforms)
        self.next_only_entries = self._form_entries("/tzgg/detail/", 8100, self.forms.next_only)
        self.frame_entries = self._form_entries("/module/frame/art/", 8200, self.forms.frame)

    @staticmethod
    def _form_entries(prefix: str, first: int, items: tuple[SceneItem, ...]) -> list[Entry]:
        return [
            Entry(f"{prefix}{first + i}.html", s.title, s.published.isoformat(), scene=s)
            for i, s in enumerate(items)
        ]

    # -- structure -----------------------------------------------------------------

    def _entries(self) -> list[Entry]:
        entries = [
            Entry(
                f"/news/{s.published:%Y%m}/t{s.published:%Y%m%d}_{i + 1000}.html",
                s.title,
                s.published.isoformat(),
                scene=s,
            )
            for i, s in enumerate(self.data.detail_scenes)
        ]
        entries += [
            Entry(
                f"/news/{s.published:%Y%m}/t{s.published:%Y%m%d}_{i + 1500}.html",
                s.title,
                s.published.isoformat(),
                scene=s,
            )
            for i, s in enumerate(self.data.short_scenes)
        ]
        if self.revision:
            first = entries[0]
            assert first.scene is not None
            corrected = replace(first.scene, description=first.scene.description + CORRECTION)
            entries[0] = replace(first, day="2025-10-01", scene=corrected)
        entries.append(
            Entry(
                "/news/202506/t20250620_900.html",
                f"关于发布{XLSX_TITLE}的通知",
                "2025-06-20",
                attachment="/uploads/2025/nengli_di1pi.xlsx",
            )
        )
        entries.append(
            Entry(
                "/news/202507/t20250705_901.html",
                f"关于公布{PDF_TITLE}的公示",
                "2025-07-05",
                attachment="/uploads/2025/jiebang_rwmd.pdf",
                how="viewer",
            )
        )
        for n in range(len(self.data.extra_attachments)):
            entries.append(
                Entry(
                    f"/news/202508/t20250801_{2000 + n}.html",
                    f"关于发布杭州市人工智能场景能力补充清单（第{n + 1}号）的通知",
                    "2025-08-01",
                    attachment=f"/uploads/extra/nengli_{n + 1}.xlsx",
                    how="onclick",
                )
            )
        return sorted(entries, key=lambda e: (e.day, e.path), reverse=True)

    @cached_property
    def routes(self) -> dict[str, Callable[[], Response]]:
        routes: dict[str, Callable[[], Response]] = {
            "/": self.home,
            "/robots.txt": lambda: (200, {"Content-Type": "text/plain"}, ROBOTS),
            "/lists/fujian.html": self.attachment_list,
            "/pdfjs/web/viewer.html": lambda: self.html("PDF", "<div id='viewer'></div>", None),
            "/uploads/2025/nengli_di1pi.xlsx": lambda: self.file(XLSX, self.xlsx()),
            "/uploads/2025/jihui_xiaoshan.xls": lambda: self.file(
                "application/vnd.ms-excel", files.scene_xls(self.data.xls_scenes, XLS_TITLE)
            ),
            "/uploads/2025/jihui_qingdan.docx": lambda: self.file(
                DOCX, files.scene_docx(list(zip(DOCX_BATCHES, self.data.docx_scenes, strict=True)))
            ),
            "/uploads/2025/jiebang_rwmd.pdf": lambda: self.file("application/pdf", self.pdf()),
        }
        pages = max(1, -(-len(self.entries) // PER_PAGE))
        for n in range(pages):
            name = "/news/index.html" if n == 0 else f"/news/index_{n}.html"
            routes[name] = partial(self.news_list, n, pages)
        routes[HANWEB_COLUMN] = self.hanweb_column
        routes[JSON_COLUMN] = self.json_column
        routes[BROWSER_COLUMN] = self.browser_column
        routes[WEBFORMS_COLUMN] = partial(self.webforms_page, 1)
        routes[NEXT_ONLY_COLUMN] = partial(self.next_only_page, 1)
        routes[FRAME_COLUMN] = self.frame_column
        routes[FRAME_LIST] = self.frame_list
        routes[SCAN_NOTICE] = self.scan_notice
        routes[SCAN_PDF] = self.scan_pdf
        routes[ARTICLE] = self.article
        routes[ARTICLE_IMAGE] = self.article_png
        for entry in [
            *self.entries,
            *self.hanweb_entries,
            *self.json_entries,
            *self.browser_entries,
            *self.webforms_entries,
            *self.next_only_entries,
            *self.frame_entries,
        ]:
            routes[entry.path] = partial(self.detail, entry)
        for n, rows in enumerate(self.data.extra_attachments, start=1):
            routes[f"/uploads/extra/nengli_{n}.xlsx"] = partial(self.extra_xlsx, n, rows)
        return routes

    def extra_xlsx(self, n: int, rows: tuple[CapabilityItem, ...]) -> Response:
        title = f"能力补充清单（第{n}号）"
        return self.file(XLSX, files.capability_xlsx([("能力清单", rows)], title))

    def post(self, target: str, body: bytes) -> Response:
        """The jpage dataproxy (its parameters are in the body) and WebForms postbacks."""
        parts = urlsplit(target)
        if parts.path == DATAPROXY:
            return self.dataproxy(parts.query, body)
        if parts.path in {WEBFORMS_COLUMN, NEXT_ONLY_COLUMN}:
            return self.webforms_post(parts.path, body)
        return self.html("方法不允许", "<h1>405</h1>", "gb2312", status=405)

    def get(self, target: str) -> Response:
        parts = urlsplit(target)
        if parts.path == JSON_ENDPOINT:
            return self.json_list(parts.query)
        if parts.path == DATAPROXY:
            return self.html("方法不允许", "<h1>405</h1>", "gb2312", status=405)
        key = parts.path + (f"?{parts.query}" if parts.path == "/lists/jiebang.html" else "")
        if key not in self._cache:
            if parts.path == "/lists/jiebang.html":
                page = parse_qs(parts.query).get("page", ["1"])[0]
                self._cache[key] = self.table_list(int(page) if page.isdigit() else 0)
            elif parts.path in self.routes:
                self._cache[key] = self.routes[parts.path]()
            else:
                return self.html("页面不存在", "<h1>404 页面不存在</h1>", "gb2312", status=404)
        return self._cache[key]

    # -- attachments -----------------------------------------------------------------

    def xlsx(self) -> bytes:
        sheet1, sheet2 = self.data.xlsx_capabilities
        return files.capability_xlsx([("能力清单", sheet1), ("补充能力", sheet2)], XLSX_TITLE)

    def pdf(self) -> bytes:
        rows: list[CapabilityItem] = [
            *self.data.pdf_capabilities,
            *self.data.html_capabilities[:PDF_REPEATS_HTML],
        ]
        return files.capability_pdf(rows, PDF_TITLE)
