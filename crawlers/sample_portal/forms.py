"""The sample portal's WebForms and frame columns.

* ``/jyxx/moreinfo.aspx`` — an ASP.NET WebForms column (the 新点/Epoint kind): a GridView
  whose rows link detail pages, page 1 by GET, pages 2…N only by posting the form back
  (``javascript:__doPostBack('ctl00$ContentPlaceHolder1$Pager','2')``).
* ``/tzgg/list.aspx`` — a WebForms column paged only by 上一页/下一页 link buttons (the next
  page follows from the posted ``__VIEWSTATE``).
* ``/zt/frame/index.html`` — a column page holding only navigation and an ``<iframe>``; the
  list lives at the frame's ``src``.

The server keeps the view state honest, as ASP.NET does: a postback whose ``__VIEWSTATE`` or
``__EVENTVALIDATION`` is missing or was not issued by this column, or whose event names an
unknown control or page, is answered 500 ("Validation of viewstate MAC failed").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from html import escape
from urllib.parse import parse_qs

from crawlers.sample_portal.pages import Entry, Pages, Response

WEBFORMS_COLUMN = "/jyxx/moreinfo.aspx"
NEXT_ONLY_COLUMN = "/tzgg/list.aspx"
FRAME_COLUMN = "/zt/frame/index.html"
FRAME_LIST = "/module/frame/list.html"
PAGER = "ctl00$ContentPlaceHolder1$Pager"
NEXT_BUTTON = "ctl00$Main$lbtnNext"
PREV_BUTTON = "ctl00$Main$lbtnPrev"
WEBFORMS_PER_PAGE = 6
NEXT_ONLY_PER_PAGE = 4
_SECRET = b"sample-portal-machine-key"
_REFUSED = "<h1>Server Error in '/' Application.</h1><h2>Validation of viewstate MAC failed.</h2>"


def _sign(text: str) -> str:
    return hmac.new(_SECRET, text.encode(), hashlib.sha256).hexdigest()[:16]


def view_state(path: str, page: int) -> str:
    payload = base64.b64encode(json.dumps({"p": path, "n": page}).encode()).decode()
    return f"{payload}.{_sign(payload)}"


def read_view_state(value: str, path: str) -> int | None:
    """The page a posted view state was issued for, or None when it is not ours."""
    payload, _, signature = value.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(payload)):
        return None
    try:
        state = json.loads(base64.b64decode(payload))
    except ValueError:
        return None
    page = state.get("n")
    return page if state.get("p") == path and isinstance(page, int) else None


def _postback(target: str, argument: str, text: str) -> str:
    return f"<a href=\"javascript:__doPostBack('{target}','{argument}')\">{text}</a>"


class Forms(Pages):
    """Renderers of the WebForms and frame columns (mixed into :class:`Site`)."""

    webforms_entries: list[Entry]
    next_only_entries: list[Entry]
    frame_entries: list[Entry]

    def _form(self, path: str, page: int, inner: str) -> str:
        action = "./" + path.rsplit("/", 1)[1]
        state = view_state(path, page)
        return (
            f'<form name="aspnetForm" method="post" action="{action}" id="aspnetForm">'
            '<div class="aspNetHidden">'
            '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />'
            '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />'
            f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{state}" /></div>'
            "<script type=\"text/javascript\">var theForm = document.forms['aspnetForm'];"
            "function __doPostBack(eventTarget, eventArgument) {"
            " if (!theForm.onsubmit || (theForm.onsubmit() != false)) {"
            " theForm.__EVENTTARGET.value = eventTarget;"
            " theForm.__EVENTARGUMENT.value = eventArgument; theForm.submit(); } }</script>"
            '<div class="aspNetHidden">'
            '<input type="hidden" name="__VIEWSTATEGENERATOR" value="C2EE9ABB" />'
            f'<input type="hidden" name="__EVENTVALIDATION" value="{_sign(state)}" /></div>'
            '<div class="search"><input type="text" name="ctl00$ContentPlaceHolder1$txtKey" '
            'value="" /><input type="submit" name="ctl00$ContentPlaceHolder1$btnSearch" '
            f'value="搜索" /></div>{inner}</form>'
        )

    def webforms_page(self, page: int) -> Response:
        entries = self.webforms_entries
        pages = -(-len(entries) // WEBFORMS_PER_PAGE)
        chunk = entries[(page - 1) * WEBFORMS_PER_PAGE : page * WEBFORMS_PER_PAGE]
        rows = "".join(
            f"<tr><td>{(page - 1) * WEBFORMS_PER_PAGE + n}</td>"
            f'<td><a href="{e.path}" target="_blank" title="{escape(e.title)}">'
            f"{escape(e.title)}</a></td><td>{escape(e.scene.org if e.scene else '')}</td>"
            f"<td>{escape(e.scene.domain_text if e.scene else '')}</td><td>{e.day}</td></tr>"
            for n, e in enumerate(chunk, start=1)
        )
        pager = "".join(
            f'<span class="current">{n}</span> ' if n == page else _postback(PAGER, str(n), str(n))
            for n in range(1, pages + 1)
        )
        if page < pages:
            pager += _postback(PAGER, str(page + 1), "下一页")
            pager += _postback(PAGER, str(pages), "尾页")
        table = (
            '<h2>应用场景需求公告</h2><table id="ctl00_ContentPlaceHolder1_GridView1" class="list">'
            "<tr><th>序号</th><th>项目名称</th><th>需求单位</th><th>所属领域</th><th>发布日期</th>"
            f'</tr>{rows}</table><div class="pager">共{len(entries)}条 第{page}/{pages}页 '
            f"{pager}</div>"
        )
        body = self._form(WEBFORMS_COLUMN, page, table)
        return self.html("应用场景需求公告", body, "utf-8", header_charset="utf-8")

    def next_only_page(self, page: int) -> Response:
        entries = self.next_only_entries
        pages = -(-len(entries) // NEXT_ONLY_PER_PAGE)
        chunk = entries[(page - 1) * NEXT_ONLY_PER_PAGE : page * NEXT_ONLY_PER_PAGE]
        items = "".join(
            f'<li><a href="{e.path}" title="{escape(e.title)}">{escape(e.title)}</a>'
            f'<span class="date">{e.day}</span></li>'
            for e in chunk
        )
        nav = (_postback(PREV_BUTTON, "", "上一页") if page > 1 else "") + (
            _postback(NEXT_BUTTON, "", "下一页") if page < pages else ""
        )
        inner = f'<h2>通知公告</h2><ul class="list">{items}</ul><div class="pager">{nav}</div>'
        body = self._form(NEXT_ONLY_COLUMN, page, inner)
        return self.html("通知公告", body, "utf-8", header_charset="utf-8")

    def webforms_post(self, path: str, body: bytes) -> Response:
        """A postback: the next page if the form came back as this column issued it."""
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        state = form.get("__VIEWSTATE", "")
        current = read_view_state(state, path)
        valid = current is not None and hmac.compare_digest(
            form.get("__EVENTVALIDATION", ""), _sign(state)
        )
        target, argument = form.get("__EVENTTARGET", ""), form.get("__EVENTARGUMENT", "")
        page: int | None = None
        if valid and current is not None:
            if path == WEBFORMS_COLUMN and target == PAGER and argument.isdigit():
                page = int(argument)
                total = -(-len(self.webforms_entries) // WEBFORMS_PER_PAGE)
            elif path == NEXT_ONLY_COLUMN and target in {NEXT_BUTTON, PREV_BUTTON}:
                page = current + (1 if target == NEXT_BUTTON else -1)
                total = -(-len(self.next_only_entries) // NEXT_ONLY_PER_PAGE)
            if page is not None and not 1 <= page <= total:
                page = None
        if page is None:
            return self.html("运行时错误", _REFUSED, "utf-8", header_charset="utf-8", status=500)
        if path == WEBFORMS_COLUMN:
            return self.webforms_page(page)
        return self.next_only_page(page)

    def frame_column(self) -> Response:
        body = (
            '<div class="nav"><a href="/">首页</a> &gt; <a href="/zt/frame/index.html">'
            "场景专栏</a></div><h2>场景专栏</h2>"
            f'<iframe src="{FRAME_LIST}?col=1301" name="listframe" frameborder="0" width="100%" '
            'height="620" scrolling="no"></iframe>'
        )
        return self.html("场景专栏", body, "utf-8", header_charset="utf-8")

    def frame_list(self) -> Response:
        items = "".join(
            f'<li><a href="{e.path}" target="_blank">{escape(e.title)}</a><span>{e.day}</span></li>'
            for e in self.frame_entries
        )
        body = f'<ul class="list">{items}</ul>'
        return self.html("场景列表", body, "utf-8", header_charset="utf-8")
