"""End-to-end: a GBK list/detail portal, three list pages of eight items, many titled the way
a ministry's scene list names its items (four or five characters). Every detail page must
be fetched and every item stored; the report says what the list pages left out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from portal_helpers import crawl_env, run_crawl

pytestmark = pytest.mark.slow

TITLES = [
    # page 1
    "智慧水务", "无人配送", "杭州市第一人民医院门诊智能导诊场景需求", "数字孪生",
    "城市大脑", "地铁隧道智能巡检场景需求", "AI导诊", "具身智能",
    # page 2
    "车路协同", "关于征集2025年第二批人工智能应用场景需求的通知", "智慧养老", "低空物流",
    "城市内涝风险预警场景需求发布", "智能客服", "数字人直播", "无人零售",
    # page 3
    "智慧工地", "12345热线工单智能分派场景需求", "智能质检", "柔性产线",
    "四足巡检", "智慧停车", "一网统管", "影像辅诊",
]  # fmt: skip
PER_PAGE = 8


def _page(title: str, body: str) -> bytes:
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{title}</title></head><body><div class='nav'><a href='/'>首页</a> "
        "<a href='/col/col1229/index.html'>通知公告</a> <a href='/col/col1230/index.html'>"
        f"政策文件</a></div>{body}<div class='footer'><a href='/wzdt.html'>网站地图</a>"
        "</div></body></html>"
    ).encode("gbk")


def _list(n: int) -> bytes:
    entries = "".join(
        f"<li><a href='./202506/t202506{i + 1:02d}_{4400 + i}.html' target='_blank'>{t}</a>"
        f"<span class='date'>2025-06-{i + 1:02d}</span></li>"
        for i, t in enumerate(TITLES)
        if i // PER_PAGE == n
    )
    pages = len(TITLES) // PER_PAGE
    script = f'<script>createPageHTML({pages}, {n}, "index", "html");</script>'
    return _page("通知公告", f"<ul class='list'>{entries}</ul><div class='page'>{script}</div>")


def _detail(i: int) -> bytes:
    body = (
        f"<h1>{TITLES[i]}</h1><div class='TRS_Editor'><p>发布单位：杭州市第{i + 1}需求单位</p>"
        "<p>所属领域：城市治理</p><p>截止时间：2025年9月30日</p>"
        "<p>需求描述：希望引入人工智能技术提升效率。</p></div>"
    )
    return _page(TITLES[i], body)


class GbkPortal:
    def __init__(self) -> None:
        routes = {"/col/col1229/index.html": _list(0)}
        for n in range(1, len(TITLES) // PER_PAGE):
            routes[f"/col/col1229/index_{n}.html"] = _list(n)
        for i in range(len(TITLES)):
            routes[f"/col/col1229/202506/t202506{i + 1:02d}_{4400 + i}.html"] = _detail(i)
        self.hits: dict[str, int] = {}
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits[self.path] = hits.get(self.path, 0) + 1
                body = routes.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html")  # no charset: GBK to be found
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal() -> Iterator[GbkPortal]:
    running = GbkPortal()
    yield running
    running.stop()


def test_every_short_titled_item_is_fetched_and_stored(portal: GbkPortal, tmp_path: Path) -> None:
    from core.records import derive_record_id
    from core.store import RecordStore

    url = f"sqlite:///{tmp_path / 'store.db'}"
    env = crawl_env(tmp_path / "home", url)
    start = f"{portal.url}/col/col1229/index.html"
    report = run_crawl(env, "--url", start, "--kind", "scene", "--fast")
    details = [path for path in portal.hits if "/202506/" in path]
    assert len(details) == 24  # all of them, not the 15 with long titles
    assert report["list_pages"] == 3 and report["detail_pages"] == 24
    assert report["items_new"] == 24 and report["failure_count"] == 0, report["failures"]
    assert report["item_links"] == 24 and report["list_pages_empty"] == 0
    # what each list page left out is said: its navigation and its pagination, nothing else
    assert set(report["links_skipped"]) <= {"navigation", "pagination"}
    assert report["links_skipped"]["navigation"] == 3 * 4  # 首页, two columns, 网站地图
    store = RecordStore.from_url(url)
    try:
        for i, title in enumerate(TITLES):
            record = store.get(derive_record_id("scene", f"杭州市第{i + 1}需求单位", title))
            assert record.title == title
    finally:
        store.engine.dispose()
