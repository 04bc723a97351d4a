"""The sample portal's scanned list and WeChat-style article.

* ``/news/202509/t20250901_950.html`` — a notice whose attachment is a scanned, sealed list:
  an image-only PDF (no text layer), crooked, soft, a red seal over its last rows.
* ``/mp/s/Xk2d9Qe.html`` — a public-account article: nested ``<section>``s with inline
  styles, one list as a table, another as an image of a table (no ruling lines).
"""

from __future__ import annotations

from html import escape

from crawlers.sample_portal.data import CapabilityItem, SceneItem
from crawlers.sample_portal.pages import Pages, Response
from crawlers.sample_portal.scans import FontMissing, scanned_list_pdf, table_image_png

SCAN_NOTICE = "/news/202509/t20250901_950.html"
SCAN_PDF = "/uploads/2025/nengli_di2pi_saomiao.pdf"
SCAN_TITLE = "杭州市人工智能场景能力清单（第二批）"
ARTICLE = "/mp/s/Xk2d9Qe.html"
ARTICLE_IMAGE = "/mp/img/cjqd_di3pi.png"
ARTICLE_TITLE = "重磅！杭州发布第三批人工智能应用场景需求清单"
SCAN_HEADERS = ("序号", "能力名称", "企业名称", "所属领域")
IMAGE_HEADERS = ("序号", "场景名称", "需求单位", "应用领域")


def scan_rows(items: tuple[CapabilityItem, ...]) -> tuple[tuple[str, ...], ...]:
    body = tuple((str(n), c.title, c.org, c.domain_text) for n, c in enumerate(items, start=1))
    return (SCAN_HEADERS, *body)


def image_rows(items: tuple[SceneItem, ...]) -> tuple[tuple[str, ...], ...]:
    body = tuple((str(n), s.title, s.org, s.domain_text) for n, s in enumerate(items, start=1))
    return (IMAGE_HEADERS, *body)


def _styled(text: str) -> str:
    return (
        '<section style="margin:0;padding:0;"><span style="font-size:14px;color:#333;'
        f'letter-spacing:1px;">{escape(text)}</span></section>'
    )


class Articles(Pages):
    """Renderers of the scanned notice and the article (mixed into :class:`Site`)."""

    def scan_notice(self) -> Response:
        body = (
            f'<div class="article"><h1>关于公布{SCAN_TITLE}的公示</h1>'
            '<div class="info"><span>发布时间：2025-09-01</span></div>'
            '<div class="TRS_Editor"><p>经企业申报、专家评审，现将第二批场景能力清单予以公示'
            f'（盖章扫描件）。</p><p>附件：<a href="{SCAN_PDF}">{SCAN_TITLE}.pdf</a></p>'
            "</div></div>"
        )
        return self.html(f"关于公布{SCAN_TITLE}的公示", body, "gb2312")

    def scan_pdf(self) -> Response:
        items: tuple[CapabilityItem, ...] = self.forms.scan  # type: ignore[attr-defined]
        try:
            return self.file("application/pdf", scanned_list_pdf(SCAN_TITLE, scan_rows(items)))
        except FontMissing as exc:  # the portal still serves everything else
            return self.html("无法生成", f"<h1>{escape(str(exc))}</h1>", "utf-8", status=500)

    def article_png(self) -> Response:
        items: tuple[SceneItem, ...] = self.forms.article_image  # type: ignore[attr-defined]
        try:
            return self.file("image/png", table_image_png(image_rows(items)))
        except FontMissing as exc:
            return self.html("无法生成", f"<h1>{escape(str(exc))}</h1>", "utf-8", status=500)

    def article(self) -> Response:
        scenes: tuple[SceneItem, ...] = self.forms.article  # type: ignore[attr-defined]
        header = "".join(
            f'<th style="border:1px solid #ddd;"><section>{_styled(h)}</section></th>'
            for h in ("序号", "场景名称", "需求单位", "应用领域", "合作方式")
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f'<td style="border:1px solid #ddd;">{_styled(v)}</td>'
                for v in (str(n), s.title, s.org, s.domain_text, s.cooperation)
            )
            + "</tr>"
            for n, s in enumerate(scenes, start=1)
        )
        content = (
            '<section style="padding:8px;"><section style="text-align:center;">'
            f"{_styled('为加快人工智能场景开放，现发布第三批应用场景需求清单。')}</section>"
            '<section style="margin-top:12px;">'
            f"{_styled('一、重点场景（节选）')}</section>"
            '<section style="overflow-x:auto;"><table style="width:100%;border-collapse:collapse;">'
            f"<tbody><tr>{header}</tr>{rows}</tbody></table></section>"
            f'<section style="margin-top:12px;"><p><img class="rich_pages wxw-img" '
            f'data-src="{ARTICLE_IMAGE}?wx_fmt=png" data-type="png" style="width:100%;" /></p>'
            f"<p>{_styled('图：第三批场景需求清单（续）')}</p></section></section>"
        )
        page = (
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            f'<meta property="og:title" content="{escape(ARTICLE_TITLE)}">'
            f"<title>{escape(ARTICLE_TITLE)}</title></head><body>"
            f'<div id="img-content" class="rich_media_wrp"><h1 id="activity-name" '
            f'class="rich_media_title">{escape(ARTICLE_TITLE)}</h1>'
            '<div id="meta_content"><span class="rich_media_meta">杭州场景创新</span>'
            '<em id="publish_time">2025-09-10 18:30</em></div>'
            f'<div class="rich_media_content" id="js_content">{content}</div></div></body></html>'
        )
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode("utf-8")
