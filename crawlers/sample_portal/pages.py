"""The sample portal's HTML pages: a GBK gov news list with detail pages, a paginated
HTML-table list, and an attachment list page. :class:`Site` routes to them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from crawlers.sample_portal.data import PortalData, SceneItem

PER_PAGE = 20
TABLE_PER_PAGE = 15
SITE_NAME = "杭州市人工智能场景创新中心"
XLSX_TITLE = "杭州市人工智能场景能力清单（第一批）"
XLS_TITLE = "萧山区2025年第一批人工智能场景机会清单"
PDF_TITLE = "2025年杭州市人工智能揭榜挂帅入围名单"
DOCX_BATCHES = (
    "一、杭州市2025年第一批人工智能应用场景机会清单",
    "二、杭州市2025年第二批人工智能应用场景机会清单",
)
CORRECTION = "（更正：项目周期调整为12个月）"
ROBOTS = b"User-agent: *\nDisallow: /admin/\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

Response = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class Entry:
    """One line of the news list: a scene's detail page or a notice with an attachment."""

    path: str
    title: str
    day: str
    scene: SceneItem | None = None
    attachment: str | None = None  # notice pages: the attachment they link
    how: str = "a"  # how the notice links it: a | onclick | viewer


def _page(title: str, body: str, charset: str = "gb2312") -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if charset
        else ""
    )
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{escape(title)}_{SITE_NAME}</title></head>"
        f'<body><div class="header"><a href="/">首页</a> <a href="/news/index.html">通知公告</a> '
        f'<a href="/lists/jiebang.html?page=1">揭榜挂帅</a> '
        f'<a href="/lists/fujian.html">清单下载</a>'
        f'</div><div class="main">{body}</div><div class="footer">主办：{SITE_NAME} '
        f"浙ICP备00000000号</div></body></html>"
    )


class Pages:
    """Renderers of the portal's HTML pages (mixed into :class:`Site`)."""

    data: PortalData
    entries: list[Entry]

    # -- responses -----------------------------------------------------------------

    @staticmethod
    def html(
        title: str,
        body: str,
        charset: str | None,
        header_charset: str | None = None,
        status: int = 200,
    ) -> Response:
        text = _page(title, body, charset or "")
        encoding = "gbk" if charset in {"gb2312", "gbk"} or charset is None else "utf-8"
        content_type = "text/html" + (f"; charset={header_charset}" if header_charset else "")
        return status, {"Content-Type": content_type}, text.encode(encoding)

    @staticmethod
    def file(content_type: str, body: bytes) -> Response:
        return 200, {"Content-Type": content_type}, body

    # -- pages ---------------------------------------------------------------------

    def home(self) -> Response:
        body = (
            f"<h1>{SITE_NAME}</h1><ul><li><a href='/news/index.html'>通知公告</a></li>"
            "<li><a href='/lists/jiebang.html?page=1'>揭榜挂帅入围名单</a></li>"
            "<li><a href='/lists/fujian.html'>清单下载</a></li></ul>"
        )
        return self.html("首页", body, "gb2312")

    def news_list(self, n: int, pages: int) -> Response:
        rows = self.entries[n * PER_PAGE : (n + 1) * PER_PAGE]
        items = "".join(
            f'<li><a href="..{e.path.removeprefix("/news")}" target="_blank" '
            f'title="{escape(e.title)}">{escape(e.title)}</a><span class="date">{e.day}</span></li>'
            for e in rows
        ).replace('href="..', 'href=".')
        nav = ""
        if n + 1 < pages:
            nav += (
                f'<a href="index_{n + 1}.html">下一页</a> <a href="index_{pages - 1}.html">尾页</a>'
            )
        script = f'<script>createPageHTML({pages}, {n}, "index", "html");</script>'
        body = (
            f'<h2>通知公告</h2><ul class="list">{items}</ul><div class="page">{script}{nav}</div>'
        )
        return self.html("通知公告", body, "gb2312")

    def detail(self, entry: Entry) -> Response:
        if entry.scene is None:
            return self.notice(entry)
        s = entry.scene
        variant = int(hashlib.md5(entry.path.encode()).hexdigest(), 16) % 3
        contact = f"{s.contact_name} {s.contact_phone}"
        labels = (
            (
                "发布单位",
                "所属领域",
                "落地区域",
                "需求描述",
                "技术要求",
                "预算金额",
                "截止时间",
                "合作方式",
                "联系方式",
            )
            if variant != 2
            else (
                "需求单位",
                "应用领域",
                "拟落地应用区域",
                "场景简介",
                "技术需求",
                "预算",
                "截止日期",
                "合作模式",
                "联系人",
            )
        )
        values = (
            s.org,
            s.domain_text,
            s.district_text,
            s.description,
            s.tech,
            s.budget_text,
            s.deadline_text,
            s.cooperation,
            contact,
        )
        pairs = [(k, v) for k, v in zip(labels, values, strict=True) if v]
        info = (
            f'<div class="info"><span>发布时间：{s.published.isoformat()}</span>'
            f"<span>来源：{SITE_NAME}</span><span>浏览次数：{len(s.title) * 7}</span></div>"
        )
        if variant == 1:
            cells = [f"<td class='k'>{k}</td><td>{escape(v)}</td>" for k, v in pairs]
            rows = "".join(f"<tr>{''.join(cells[i : i + 2])}</tr>" for i in range(0, len(cells), 2))
            content = f'<table class="kv" border="1">{rows}</table>'
        else:
            content = "".join(f"<p>{k}：{escape(v)}</p>" for k, v in pairs)
        body = (
            f'<div class="article"><h1>{escape(s.title)}</h1>{info}'
            f'<div class="TRS_Editor">{content}</div></div>'
        )
        header_charset = "GBK" if variant == 0 else None
        return self.html(s.title, body, "gb2312", header_charset)

    def notice(self, entry: Entry) -> Response:
        name = entry.attachment or ""
        label = f"{entry.title.removeprefix('关于发布').removeprefix('关于公布')}"
        if entry.how == "viewer":
            link = (
                f'<iframe src="/pdfjs/web/viewer.html?file={quote(name, safe="")}" '
                f'width="100%" height="800"></iframe>'
            )
        elif entry.how == "onclick":
            link = f'<a href="javascript:void(0)" onclick="window.open(\'{name}\')">附件下载</a>'
        else:
            link = f'附件：<a href="{name}">{escape(label)}{name[name.rfind(".") :]}</a>'
        body = (
            f'<div class="article"><h1>{escape(entry.title)}</h1>'
            f'<div class="info"><span>发布时间：{entry.day}</span></div>'
            f'<div class="TRS_Editor"><p>各有关单位：</p><p>现将有关清单予以发布，'
            f"欢迎社会各界参与对接。</p><p>{link}</p></div></div>"
        )
        return self.html(entry.title, body, "gb2312")

    def table_list(self, page: int) -> Response:
        rows = self.data.html_capabilities
        pages = -(-len(rows) // TABLE_PER_PAGE)
        if not 1 <= page <= pages:
            return self.html("页面不存在", "<h1>404</h1>", "utf-8", status=404)
        chunk = rows[(page - 1) * TABLE_PER_PAGE : page * TABLE_PER_PAGE]
        header = (
            "<tr><th rowspan='2'>揭榜方向</th><th rowspan='2'>细分领域</th>"
            "<th colspan='2'>项目信息</th><th rowspan='2'>推荐单位</th>"
            "<th rowspan='2'>所属地区</th></tr>"
            "<tr><th>项目名称</th><th>申报单位</th></tr>"
        )
        body_rows = []
        index = 0
        while index < len(chunk):
            span = 1
            while (
                index + span < len(chunk)
                and chunk[index + span].domain_text == chunk[index].domain_text
            ):
                span += 1
            for offset in range(span):
                c = chunk[index + offset]
                first = f"<td rowspan='{span}'>{escape(c.domain_text)}</td>" if offset == 0 else ""
                body_rows.append(
                    f"<tr>{first}<td>{escape(c.product)}</td><td>{escape(c.title)}</td>"
                    f"<td>{escape(c.org)}</td><td>杭州市经济和信息化局</td>"
                    f"<td>{escape(c.district_text)}</td></tr>"
                )
            index += span
        nav = "".join(f'<a href="?page={n}">{n}</a> ' for n in range(1, pages + 1)) + (
            f'<a href="?page={page + 1}">下一页</a>' if page < pages else ""
        )
        body = (
            f"<h2>{PDF_TITLE}</h2><table border='1' class='list'>{header}{''.join(body_rows)}"
            f"</table><div class='page'>{nav}</div>"
        )
        return self.html(PDF_TITLE, body, "utf-8", header_charset="utf-8")

    def attachment_list(self) -> Response:
        body = (
            "<h2>清单下载</h2><ul>"
            f'<li><a href="/uploads/2025/nengli_di1pi.xlsx">{XLSX_TITLE}.xlsx</a></li>'
            '<li><a href="javascript:void(0)" '
            "onclick=\"window.open('/uploads/2025/jihui_xiaoshan.xls')\">"
            f"{XLS_TITLE}</a></li>"
            '<li><a href="javascript:;" '
            "onclick=\"downloadFile('/uploads/2025/jihui_qingdan.docx')\">"
            "杭州市人工智能应用场景机会清单（Word版）</a></li>"
            f"<li>{PDF_TITLE}"
            '<embed src="/uploads/2025/jiebang_rwmd.pdf" type="application/pdf"></li>'
            "</ul>"
        )
        # no charset anywhere: the crawler has to find out it is GBK
        return self.html("清单下载", body, None)
