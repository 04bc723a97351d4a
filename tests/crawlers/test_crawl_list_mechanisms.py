"""List mechanisms of the CMSs government portals run on, as pure functions and as spider
callbacks fed saved pages: Hanweb jpage datastores and their dataproxy groups, JSON
endpoints behind script-rendered columns, and the list page that yields nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from parsel import Selector
from scrapy.http import FormRequest, HtmlResponse, Request, TextResponse, XmlResponse

from crawlers.extraction.jpage import group_requests, read_datastore, records_html
from crawlers.extraction.json_lists import json_records, json_total, script_endpoints
from crawlers.items import RowItem
from crawlers.spiders.list_detail import ListDetailSpider

DATA = Path(__file__).parents[1] / "data" / "crawlers"
COLUMN = "http://jxj.hangzhou.gov.cn/col/col1229/index.html"
PROXY = "http://jxj.hangzhou.gov.cn/module/web/jpage/dataproxy.jsp"


def _column() -> HtmlResponse:
    body = (DATA / "hanweb_column.html").read_bytes()
    return HtmlResponse(COLUMN, body=body, encoding="utf-8", request=Request(COLUMN))


def _group_answer(url: str, records: list[tuple[str, str]], meta: dict[str, Any]) -> XmlResponse:
    items = "".join(
        f"<record><![CDATA[<li><a href='{href}' title='{title}'>{title}</a>"
        f"<span>2025-05-01</span></li>]]></record>"
        for href, title in records
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?><datastore><nextgroup><![CDATA[<a href="'
        '/module/web/jpage/dataproxy.jsp?page=1&webid=3187&columnid=1229&unitid=4960112">'
        f"</a>]]></nextgroup><recordset>{items}</recordset></datastore>"
    )
    return XmlResponse(url, body=text.encode("utf-8"), request=Request(url, meta=meta))


# -- Hanweb jpage ------------------------------------------------------------------


def test_datastore_records_and_the_columns_parameters() -> None:
    store = read_datastore(_column().text, COLUMN)
    assert store is not None
    assert len(store.records) == 6 and store.total == 14 and store.per_page == 2
    assert store.proxy_url == PROXY
    params = dict(store.params)
    assert params["columnid"] == "1229" and params["unitid"] == "4960112"
    assert params["webid"] == "3187" and params["col"] == "1"
    assert params["webname"] == "杭州市经济和信息化局"
    assert "page" not in params  # paging is ours to set


def test_groups_cover_the_total_in_steps_of_the_first_group() -> None:
    store = read_datastore(_column().text, COLUMN)
    assert store is not None
    groups = group_requests(store, start=1)
    assert [(g.start, g.size) for g in groups] == [(7, 6), (13, 6)]
    assert groups[0].url == f"{PROXY}?startrecord=7&endrecord=12&perpage=2"
    assert groups[0].formdata["columnid"] == "1229"


def test_without_a_total_the_next_group_only_after_a_full_one() -> None:
    text = _column().text.replace("totalRecord:14, ", "")
    store = read_datastore(text, COLUMN)
    assert store is not None and store.total is None
    assert [g.start for g in group_requests(store, start=1)] == [7]
    short = read_datastore(text.replace("<record>", "<x>", 1), COLUMN)  # a short group: the end
    assert short is not None and group_requests(short, start=1, size=6) == []


def test_records_read_with_the_ordinary_item_rule() -> None:
    from crawlers.extraction.links import item_links

    store = read_datastore(_column().text, COLUMN)
    assert store is not None
    links = item_links(Selector(text=records_html(store.records)), COLUMN)
    assert [link.text for link in links][:2] == ["智慧水务", "无人配送"]
    assert len(links) == 6 and links[0].context == "2025-07-02"
    rows = records_html(("<tr><td><a href='/a/1.html'>甲</a></td></tr>",))
    assert Selector(text=rows).css("table tr a")  # table rows keep their tags


def test_a_page_without_a_datastore() -> None:
    assert read_datastore((DATA / "gbk_list.html").read_bytes().decode("gb18030"), COLUMN) is None


def test_jpage_column_callback_yields_entries_and_dataproxy_posts(make_spider: Any) -> None:
    spider = make_spider(ListDetailSpider, allowed_domains=("jxj.hangzhou.gov.cn",))
    output = list(spider.parse_list(_column()))
    details = [o for o in output if isinstance(o, Request) and o.meta["role"] == "detail"]
    groups = [o for o in output if isinstance(o, FormRequest)]
    assert [d.meta["link_text"] for d in details][:2] == ["智慧水务", "无人配送"]
    assert len(details) == 5  # the zj.gov.cn reprint is off the source's domain
    assert spider.crawler.stats["scenehub/links/skipped/offsite"] == 1
    assert [g.url for g in groups] == [
        f"{PROXY}?startrecord=7&endrecord=12&perpage=2",
        f"{PROXY}?startrecord=13&endrecord=18&perpage=2",
    ]
    assert groups[0].method == "POST"
    body = {k: v[0] for k, v in parse_qs(groups[0].body.decode()).items()}
    assert body["columnid"] == "1229" and body["unitid"] == "4960112"
    assert spider.crawler.stats["scenehub/list_pages/empty"] == 0


def test_dataproxy_answer_callback(make_spider: Any) -> None:
    spider = make_spider(ListDetailSpider, allowed_domains=("jxj.hangzhou.gov.cn",))
    url = f"{PROXY}?startrecord=7&endrecord=12&perpage=2"
    meta = {"role": "list", "jpage_start": 7, "jpage_size": 6, "jpage_expected": True}
    answer = _group_answer(url, [("/art/2025/5/1/art_1229_1.html", "智能客服")], meta)
    output = list(spider.parse_list(answer))
    assert [o.meta["link_text"] for o in output if isinstance(o, Request)] == ["智能客服"]
    assert spider.failures == []
    # a group that was expected (the total said so) but came back empty is reported
    empty = list(spider.parse_list(_group_answer(url.replace("7", "13"), [], meta)))
    assert empty == []
    assert spider.crawler.stats["scenehub/list_pages/empty"] == 1
    assert spider.failures[-1]["reason"] == "list_empty"


# -- JSON endpoints behind script-rendered columns ------------------------------------

SCRIPT_COLUMN = """<html><body><ul id="list"></ul><script src="/js/jquery.js"></script>
<script>
function load(pageNo) {
  $.ajax({url: "/api/cjqd/list.do?pageNo=" + pageNo, data: {pageSize: 2}, dataType: 'json',
          success: function (res) { render(res.data.rows); }});
}
var logo = "/images/logo.png", page = "/zt/about.html", other = "http://tongji.example.com/api/x.do";
$(function () { load(1); });
</script></body></html>"""


def test_script_endpoints_find_the_list_url() -> None:
    base = "http://h/zt/cjqd/index.html"
    assert script_endpoints(Selector(text=SCRIPT_COLUMN), base) == [
        "http://h/api/cjqd/list.do?pageNo=1"
    ]


def test_json_records_and_total_found_anywhere() -> None:
    answer = {"code": 0, "data": {"page": {"totalCount": 5}, "rows": [{"a": 1}, {"a": 2}]}}
    assert json_records(answer) == [{"a": 1}, {"a": 2}]
    assert json_total(answer) == 5
    assert json_records({"data": {"list": "none"}}) is None
    assert json_total({"total": True}) is None  # a flag, not a count


def test_script_column_callbacks_follow_the_endpoint_and_its_pages(make_spider: Any) -> None:
    spider = make_spider(ListDetailSpider, allowed_domains=("h",))
    page = HtmlResponse(
        "http://h/zt/cjqd/index.html",
        body=SCRIPT_COLUMN.encode(),
        encoding="utf-8",
        request=Request("http://h/zt/cjqd/index.html"),
    )
    [request] = list(spider.parse_list(page))
    assert request.url == "http://h/api/cjqd/list.do?pageNo=1"
    assert spider.crawler.stats["scenehub/list_pages/empty"] == 0
    data = {
        "data": {
            "total": 3,
            "rows": [
                {"title": "智慧水务", "url": "/zt/cjqd/d/1.html"},
                {"title": "数字孪生", "url": "/zt/cjqd/d/2.html"},
            ],
        }
    }
    answer = TextResponse(
        request.url, body=json.dumps(data).encode(), encoding="utf-8", request=request
    )
    output = list(spider.parse_json_list(answer))
    details = [o for o in output if o.meta["role"] == "detail"]
    assert [d.meta["link_text"] for d in details] == ["智慧水务", "数字孪生"]
    [next_page] = [o for o in output if o.meta["role"] == "list"]
    assert (
        next_page.url == "http://h/api/cjqd/list.do?pageNo=2" and next_page.meta["json_seen"] == 2
    )
    last = {"data": {"total": 3, "rows": [{"title": "城市大脑", "url": "/zt/cjqd/d/3.html"}]}}
    final = TextResponse(
        next_page.url, body=json.dumps(last).encode(), encoding="utf-8", request=next_page
    )
    output = list(spider.parse_json_list(final))
    assert [o.meta["role"] for o in output] == ["detail"]  # 3 of 3 seen: no page 4


def test_json_records_without_links_are_rows(make_spider: Any) -> None:
    spider = make_spider(ListDetailSpider)
    data = {"rows": [{"场景名称": "智慧水务", "需求单位": "杭州市林业水利局"}]}
    request = Request("http://h/api/list.do", meta={"json_seen": 0})
    answer = TextResponse(
        request.url, body=json.dumps(data).encode(), encoding="utf-8", request=request
    )
    [item] = list(spider.parse_json_list(answer))
    assert isinstance(item, RowItem) and item.row["场景名称"] == "智慧水务"


def test_a_list_page_that_yields_nothing_says_so(make_spider: Any) -> None:
    """Links the rule cannot place (no list shape) are counted and the page is flagged."""
    spider = make_spider(ListDetailSpider, allowed_domains=("h",))
    html = (
        "<html><body><div class='nav'><a href='/'>首页</a><a href='/about.html'>关于我们</a></div>"
        "<div class='box'><a href='javascript:openDetail(101)'>智慧水务</a>"
        "<a href='javascript:openDetail(102)'>无人配送</a></div></body></html>"
    )
    page = HtmlResponse(
        "http://h/col/index.html",
        body=html.encode(),
        encoding="utf-8",
        request=Request("http://h/col/index.html"),
    )
    assert list(spider.parse_list(page)) == []
    stats = spider.crawler.stats
    assert stats["scenehub/list_pages/empty"] == 1
    assert stats["scenehub/links/skipped/script_link"] == 2
    assert stats["scenehub/links/skipped/navigation"] == 2
    failure = spider.failures[-1]
    assert failure["reason"] == "list_empty" and "script_link 2" in failure["detail"]
