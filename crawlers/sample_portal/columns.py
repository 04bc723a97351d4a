"""The sample portal's script-driven columns, one per list mechanism real portals use:

* ``/col/col1229/index.html`` — a Hanweb (大汉) jpage column: the first group of records in a
  ``<script type="text/xml">`` datastore, later groups from ``module/web/jpage/dataproxy.jsp``
  (POST; ``startrecord``/``endrecord``/``perpage`` in the query, the column's parameters in
  the body; wrong parameters get an empty group, as a real dataproxy gives).
* ``/zt/cjqd/index.html`` — a column whose script fetches ``/api/cjqd/list.do?pageNo=N``
  (JSON, five entries a page) into an empty ``<ul>``.
* ``/zt/jsbuild/index.html`` — a column built by JavaScript from an array in the page: only a
  browser sees its entries (the rendering-fallback test; not in the sample-portal source).
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import parse_qs

from crawlers.sample_portal.pages import Entry, Pages, Response

HANWEB_COLUMN = "/col/col1229/index.html"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"
HANWEB_PARAMS = {"webid": "149", "columnid": "1229", "unitid": "5418965"}
HANWEB_PER_PAGE = 5
HANWEB_GROUP = 15  # records in the page itself: three pages of five
JSON_COLUMN = "/zt/cjqd/index.html"
JSON_ENDPOINT = "/api/cjqd/list.do"
JSON_PER_PAGE = 5
BROWSER_COLUMN = "/zt/jsbuild/index.html"


def _record(entry: Entry) -> str:
    return (
        f"<record><![CDATA[<li><a href='{entry.path}' title='{escape(entry.title)}' "
        f"target='_blank'>{escape(entry.title)}</a><span>{entry.day}</span></li>]]></record>"
    )


def _datastore(entries: list[Entry], total: int) -> str:
    nextgroup = (
        f'<a href="{DATAPROXY}?page=1&appid=1&appid=1&webid={HANWEB_PARAMS["webid"]}'
        f"&path=/&columnid={HANWEB_PARAMS['columnid']}&unitid={HANWEB_PARAMS['unitid']}"
        "&webname=%E6%9D%AD%E5%B7%9E%E5%B8%82%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD"
        '&permissiontype=0"></a>'
    )
    records = "\n".join(_record(e) for e in entries)
    return (
        f"<datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup>"
        f"<recordset>\n{records}\n</recordset><totalrecord>{total}</totalrecord></datastore>"
    )


class Columns(Pages):
    """Renderers of the script-driven columns (mixed into :class:`Site`)."""

    hanweb_entries: list[Entry]
    json_entries: list[Entry]
    browser_entries: list[Entry]

    def hanweb_column(self) -> Response:
        entries = self.hanweb_entries
        unit = HANWEB_PARAMS["unitid"]
        store = _datastore(entries[:HANWEB_GROUP], len(entries))
        body = (
            f'<h2>场景发布</h2><div id="{unit}"><script type="text/xml">{store}</script></div>'
            '<script language="javascript" src="/module/web/jpage/jpage.js"></script>'
            f"<script>$('#{unit}').jpage({{totalRecord:{len(entries)},"
            f"perPage:{HANWEB_PER_PAGE},groupSize:3,proxyUrl:'{DATAPROXY}'}});</script>"
        )
        return self.html("场景发布", body, "utf-8", header_charset="utf-8")

    def dataproxy(self, query: str, form: bytes) -> Response:
        args = {k: v[0] for k, v in parse_qs(query).items()}
        params = {k: v[0] for k, v in parse_qs(form.decode("utf-8", "replace")).items()}
        start, end = args.get("startrecord", ""), args.get("endrecord", "")
        entries = self.hanweb_entries
        if not (start.isdigit() and end.isdigit()) or any(
            params.get(k) != v for k, v in HANWEB_PARAMS.items()
        ):
            entries = []  # another column's (or no) parameters: an empty group
        chunk = entries[int(start or 1) - 1 : int(end or 0)] if entries else []
        text = '<?xml version="1.0" encoding="UTF-8"?>' + _datastore(chunk, len(entries))
        return 200, {"Content-Type": "text/xml; charset=UTF-8"}, text.encode("utf-8")

    def json_column(self) -> Response:
        body = (
            '<h2>场景清单</h2><ul id="scene-list" class="list"></ul><div id="pager"></div>'
            "<script>function loadList(pageNo) {"
            f'  $.ajax({{url: "{JSON_ENDPOINT}?pageNo=" + pageNo, type: "GET",'
            f"    data: {{pageSize: {JSON_PER_PAGE}}}, dataType: 'json',"
            "    success: function (res) { renderList(res.data.list); }});"
            "}\n$(function () { loadList(1); });</script>"
        )
        return self.html("场景清单", body, "utf-8", header_charset="utf-8")

    def json_list(self, query: str) -> Response:
        page_text = parse_qs(query).get("pageNo", ["1"])[0]
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        entries = self.json_entries
        chunk = entries[(page - 1) * JSON_PER_PAGE : page * JSON_PER_PAGE]
        data = {
            "code": 200,
            "msg": "success",
            "data": {
                "total": len(entries),
                "pageNo": page,
                "pageSize": JSON_PER_PAGE,
                "list": [
                    {"id": 6000 + i, "title": e.title, "url": e.path, "pubDate": e.day}
                    for i, e in enumerate(chunk, start=(page - 1) * JSON_PER_PAGE)
                ],
            },
        }
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return 200, {"Content-Type": "application/json;charset=UTF-8"}, body

    def browser_column(self) -> Response:
        rows = json.dumps([[e.path, e.title, e.day] for e in self.browser_entries])
        body = (
            '<h2>场景速览</h2><ul id="list" class="list"></ul><script>'
            f"var items = {rows};"
            'var ul = document.getElementById("list");'
            "items.forEach(function (it) {"
            '  var li = document.createElement("li"), a = document.createElement("a");'
            "  a.href = it[0]; a.textContent = it[1]; li.appendChild(a);"
            '  var s = document.createElement("span"); s.textContent = it[2];'
            "  li.appendChild(s); ul.appendChild(li); });</script>"
        )
        return self.html("场景速览", body, "utf-8", header_charset="utf-8")
