"""Spider callbacks fed saved pages (GBK bytes untouched), as HtmlResponse objects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse, Request, Response

from crawlers.items import PageDone, RowItem
from crawlers.middlewares.encoding import EncodingMiddleware
from crawlers.spiders.list_detail import ListDetailSpider
from crawlers.state import PageState

DATA = Path(__file__).parents[1] / "data" / "crawlers"

LIST_URL = "http://jxj.hangzhou.gov.cn/col/col1229/index.html"
DETAIL_URL = "http://jxj.hangzhou.gov.cn/col/col1229/202506/t20250628_4409876.html"


def _response(url: str, name: str, meta: dict[str, Any] | None = None, **kw: Any) -> HtmlResponse:
    request = Request(url, meta=meta or {})
    return HtmlResponse(url, body=(DATA / name).read_bytes(), request=request, **kw)


def test_list_page_yields_detail_and_page_requests(make_spider: Any) -> None:
    spider = make_spider(ListDetailSpider, allowed_domains=("jxj.hangzhou.gov.cn",))
    output = list(spider.parse_list(_response(LIST_URL, "gbk_list.html")))
    requests = [o for o in output if isinstance(o, Request)]
    details = [r for r in requests if r.meta["role"] == "detail"]
    pages = [r for r in requests if r.meta["role"] == "list"]
    assert len(details) == 6
    assert details[1].url == DETAIL_URL
    assert details[1].meta["link_text"] == "杭州市第一人民医院门诊智能导诊场景需求"
    assert {r.url.rsplit("/", 1)[1] for r in pages} == {f"index_{n}.html" for n in range(1, 5)}
    assert not [o for o in output if isinstance(o, RowItem)]


def test_detail_page_gives_one_row_and_its_attachments(make_spider: Any) -> None:
    spider = make_spider(ListDetailSpider)
    response = _response(DETAIL_URL, "gbk_detail.html", {"role": "detail", "fingerprint": "f"})
    output = list(spider.parse_detail(response))
    items = [o for o in output if isinstance(o, RowItem)]
    attachments = [o for o in output if isinstance(o, Request)]
    done = [o for o in output if isinstance(o, PageDone)]
    assert len(items) == 1
    row = items[0].row
    assert row["标题"] == "杭州市第一人民医院门诊智能导诊场景需求"
    assert row["发布单位"] == "杭州市第一人民医院"
    assert row["截止时间"] == "7月15日"
    assert row["预算金额"] == "0.5亿元"
    assert row["发布时间"] == "2025-06-28"
    assert items[0].page_year == 2025
    assert len(attachments) == 5
    assert done[0].items == 1 and done[0].fingerprint == "f"
    # it links files: no hash or validators, so every crawl re-reads it and re-queues them
    assert (done[0].content_hash, done[0].etag, done[0].last_modified) == (None, None, None)


def test_gbk_page_served_with_a_wrong_charset_header_is_repaired(make_spider: Any) -> None:
    spider = make_spider()
    wrong = _response(
        DETAIL_URL, "gbk_detail.html", headers={"Content-Type": "text/html; charset=utf-8"}
    )
    assert "杭州" not in wrong.text  # what Scrapy alone would parse
    fixed = EncodingMiddleware().process_response(wrong.request, wrong, spider)  # type: ignore[arg-type]
    assert isinstance(fixed, HtmlResponse)
    assert "杭州市第一人民医院" in fixed.text
    assert spider.crawler.stats["scenehub/encoding/corrected"] == 1


def test_page_without_any_charset_is_detected_as_gbk(make_spider: Any) -> None:
    body = "<html><body><h1>场景机会清单</h1><p>发布单位：杭州市数据资源管理局</p></body></html>"
    response = HtmlResponse(
        "http://h/a.html", body=body.encode("gbk"), request=Request("http://h/a.html")
    )
    fixed = EncodingMiddleware().process_response(response.request, response, make_spider())  # type: ignore[arg-type]
    assert "杭州市数据资源管理局" in fixed.text  # type: ignore[attr-defined]


def test_key_value_table_detail(make_spider: Any) -> None:
    spider = make_spider()
    output = list(spider.parse_detail(_response("http://h/kv.html", "kv_detail.html")))
    items = [o for o in output if isinstance(o, RowItem)]
    assert len(items) == 1
    assert items[0].row["需求单位"] == "杭州钱塘新区管理委员会"
    assert items[0].row["预算(万元)"] == "300"
    assert items[0].row["标题"] == "钱塘区化工园区无人机巡检场景"


def test_unchanged_detail_is_not_requested_again(make_spider: Any) -> None:
    spider = make_spider(ListDetailSpider, allowed_domains=("jxj.hangzhou.gov.cn",))
    first = [
        o
        for o in spider.parse_list(_response(LIST_URL, "gbk_list.html"))
        if isinstance(o, Request) and o.meta["role"] == "detail"
    ]
    spider.page_states = {
        r.url: PageState(r.meta["fingerprint"], '"e"', None, "h", datetime.now(UTC)) for r in first
    }
    again = [
        o
        for o in spider.parse_list(_response(LIST_URL, "gbk_list.html"))
        if isinstance(o, Request) and o.meta["role"] == "detail"
    ]
    assert again == []
    assert spider.crawler.stats["scenehub/incremental/skipped/detail"] == 6


def test_changed_list_entry_is_fetched_with_conditional_headers(make_spider: Any) -> None:
    spider = make_spider()
    spider.page_states = {
        DETAIL_URL: PageState(
            "old-fingerprint", '"abc"', "Tue, 01 Jul 2025 08:00:00 GMT", "h", datetime.now(UTC)
        )
    }
    request = spider.leaf_request(DETAIL_URL, "detail", "新标题|2025-07-01", spider.parse_detail)
    assert request is not None
    assert request.headers[b"If-None-Match"] == b'"abc"'
    not_modified = Response(DETAIL_URL, status=304, request=request)
    output = list(spider.parse_detail(not_modified))
    assert len(output) == 1 and isinstance(output[0], PageDone) and output[0].content_hash == "h"


def test_unreadable_attachment_is_reported_not_raised(make_spider: Any) -> None:
    spider = make_spider()
    request = Request("http://h/list.xlsx", meta={"role": "attachment", "hinted": "xlsx"})
    response = Response("http://h/list.xlsx", body=b"PK\x03\x04" + b"\0" * 2000, request=request)
    assert list(spider.parse_attachment(response)) == []
    assert spider.failures[0]["reason"] == "attachment_unreadable"
    assert spider.failures[0]["url"] == "http://h/list.xlsx"


def test_attachments_may_sit_on_another_host(make_spider: Any) -> None:
    spider = make_spider(allowed_domains=("jxj.hangzhou.gov.cn",))
    request = spider.leaf_request(
        "https://file.zj.gov.cn/a.xlsx", "attachment", "清单.xlsx", spider.parse_attachment
    )
    assert request is not None and request.meta["allow_offsite"] is True
    detail = spider.leaf_request("https://other.cn/d.html", "detail", "x", spider.parse_detail)
    assert detail is not None and detail.meta["allow_offsite"] is False


def test_definition_list_detail(make_spider: Any) -> None:
    html = (
        "<html><body><h1>拱墅区运河沿线无人机巡河场景</h1><dl><dt>需求单位：</dt><dd>拱墅区林水局</dd>"
        "<dt>应用领域</dt><dd>低空经济</dd><dt>截止日期</dt><dd>2025-10-31</dd></dl></body></html>"
    )
    response = HtmlResponse(
        "http://h/dl.html",
        body=html.encode("utf-8"),
        encoding="utf-8",
        request=Request("http://h/dl.html"),
    )
    items = [o for o in make_spider().parse_detail(response) if isinstance(o, RowItem)]
    assert items[0].row["需求单位"] == "拱墅区林水局" and items[0].row["截止日期"] == "2025-10-31"


def test_a_detail_page_given_as_start_url_yields_its_item_and_attachments(
    make_spider: Any,
) -> None:
    spider = make_spider()
    output = list(spider.parse_list(_response(DETAIL_URL, "gbk_detail.html")))
    items = [o for o in output if isinstance(o, RowItem)]
    assert len(items) == 1 and items[0].row["发布单位"] == "杭州市第一人民医院"
    assert len([o for o in output if isinstance(o, Request)]) == 5


def test_entry_fingerprint_ignores_view_counters() -> None:
    from crawlers.spiders.incremental import entry_dates

    assert entry_dates("2025-06-28 浏览次数：312") == entry_dates("2025-06-28 浏览次数：313")
    assert entry_dates("发布：2025年6月28日") != entry_dates("发布：2025年7月1日")


def test_attachment_without_a_list_is_reported(make_spider: Any) -> None:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("关于征集人工智能应用场景的通知：请各单位于7月15日前报送。")
    buffer = io.BytesIO()
    document.save(buffer)
    spider = make_spider()
    request = Request("http://h/tongzhi.docx", meta={"role": "attachment", "hinted": "docx"})
    response = Response("http://h/tongzhi.docx", body=buffer.getvalue(), request=request)
    output = list(spider.parse_attachment(response))
    assert [type(o).__name__ for o in output] == ["PageDone"]  # remembered: not re-read
    assert spider.failures[0]["reason"] == "attachment_no_list"


def test_malformed_meta_charset_still_gives_gbk(make_spider: Any) -> None:
    """w3lib#155: ``httpequiv`` without the hyphen defeats Scrapy's own detection."""
    html = (
        '<html><head><meta httpequiv="Content-Type" content="text/html; charset=gbk"></head>'
        "<body><p>发布单位：杭州市萧山区经济和信息化局</p></body></html>"
    )
    response = HtmlResponse(
        "http://h/m.html", body=html.encode("gbk"), request=Request("http://h/m.html")
    )
    fixed = EncodingMiddleware().process_response(response.request, response, make_spider())  # type: ignore[arg-type]
    assert "萧山区经济和信息化局" in fixed.text  # type: ignore[attr-defined]
