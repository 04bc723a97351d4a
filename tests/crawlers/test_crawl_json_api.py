"""The JSON-API shape: items at a dotted path, pagination until an empty page."""

from __future__ import annotations

import json
from typing import Any

from scrapy.http import Request, TextResponse

from crawlers.extraction.json_lists import dig
from crawlers.items import RowItem
from crawlers.spiders.json_api import JsonApiSpider

URL = "http://platform.example.cn/api/scene/list?type=1&pageNo=1"


def _response(url: str, payload: object) -> TextResponse:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return TextResponse(url, body=body, encoding="utf-8", request=Request(url))


def test_items_and_next_page(make_spider: Any) -> None:
    spider = make_spider(JsonApiSpider, json_items="data.records", kind="scene")
    payload = {
        "code": 0,
        "data": {
            "records": [
                {
                    "sceneName": "城市内涝风险预警",
                    "需求单位": "杭州市城市管理局",
                    "tags": ["治理", "应急"],
                },
                {"sceneName": "智能导诊", "需求单位": "杭州市第一人民医院"},
            ]
        },
    }
    output = list(spider.parse_list(_response(URL, payload)))
    rows = [o for o in output if isinstance(o, RowItem)]
    pages = [o for o in output if isinstance(o, Request)]
    assert [r.row["需求单位"] for r in rows] == ["杭州市城市管理局", "杭州市第一人民医院"]
    assert rows[0].row["tags"] == '["治理", "应急"]'
    assert rows[1].location == URL + "#1"
    assert [p.url for p in pages] == ["http://platform.example.cn/api/scene/list?type=1&pageNo=2"]


def test_empty_page_ends_and_bad_payloads_are_reported(make_spider: Any) -> None:
    spider = make_spider(JsonApiSpider, json_items="data.records")
    assert list(spider.parse_list(_response(URL, {"data": {"records": []}}))) == []
    assert list(spider.parse_list(_response(URL, {"error": "login required"}))) == []
    bad = TextResponse(URL, body=b"<html>WAF</html>", encoding="utf-8", request=Request(URL))
    assert list(spider.parse_list(bad)) == []
    assert [f["reason"] for f in spider.failures] == ["not_json", "not_json"]


def test_dig() -> None:
    assert dig({"a": [{"b": 1}]}, "a.0.b") == 1
    assert dig({"a": 1}, "a.b") is None
    assert dig([1], None) == [1]
