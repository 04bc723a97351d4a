"""A local portal that misbehaves on purpose: 500s, 429 + Retry-After, slow and truncated
responses, a lying charset header, a 10 MB garbage "xlsx", a robots.txt ban."""

from __future__ import annotations

import io
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD_DETAILS = {
    "/d/ok.html": ("余杭区未来科技城智能巡检场景", "杭州市余杭区城市管理局"),
    "/d/e429.html": ("西湖区社区养老陪护机器人场景", "西湖区民政局"),
    "/d/wrongcs.html": ("滨江区政务大模型问答场景", "杭州高新区（滨江）数据资源管理局"),
}
BAD = {
    "/d/e500.html": "http_500",
    "/d/slow.html": "timeout",
    "/d/trunc.html": "truncated",
    "/d/secret.html": "robots",
    "/f/big.xlsx": "attachment_unreadable",
}
GOOD_XLSX_ROWS = (
    ("杭州灵足机器人有限公司", "四足机器人巡检"),
    ("杭州灵足机器人有限公司", "服务机器人"),
)


def _detail(title: str, org: str) -> str:
    return (
        "<html><head><meta charset='gbk'></head><body><h1>" + title + "</h1>"
        "<div class='TRS_Editor'><p>需求单位：" + org + "</p><p>所属领域：城市治理</p>"
        "<p>截止时间：2025年9月30日</p><p>预算：200万元</p></div></body></html>"
    )


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["能力清单（第三批）"])
    sheet.append(["公司名称", "场景能力", "类别"])
    for org, name in GOOD_XLSX_ROWS:
        sheet.append([org, name, "机器人"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class FaultServer:
    def __init__(self, slow_seconds: float = 6.0) -> None:
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.slow_seconds = slow_seconds
        self.xlsx = _xlsx()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def list_page(self) -> bytes:
        links = "".join(
            f"<li><a href='{path}'>{title}</a><span>2025-07-01</span></li>"
            for path, (title, _) in GOOD_DETAILS.items()
        )
        links += "".join(
            f"<li><a href='{path}'>故障测试页面{path}</a><span>2025-07-01</span></li>"
            for path in BAD
            if path.startswith("/d/")
        )
        files = "<a href='/f/big.xlsx'>大附件.xlsx</a> <a href='/f/good.xlsx'>能力清单.xlsx</a>"
        body = f"<html><head><meta charset='gbk'></head><body><ul>{links}</ul>{files}</body></html>"
        return body.encode("gbk")

    def _handler(self) -> Any:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def send(
                self,
                status: int,
                body: bytes,
                ctype: str = "text/html",
                extra: dict[str, str] | None = None,
                length: int | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path
                outer.hits[path].append(time.monotonic())
                if path == "/robots.txt":
                    self.send(200, b"User-agent: *\nDisallow: /d/secret.html\n", "text/plain")
                elif path == "/list.html":
                    self.send(200, outer.list_page())
                elif path in {"/d/ok.html", "/d/e429.html"}:
                    if path == "/d/e429.html" and len(outer.hits[path]) == 1:
                        self.send(429, b"slow down", extra={"Retry-After": "1"})
                        return
                    self.send(200, _detail(*GOOD_DETAILS[path]).encode("gbk"))
                elif path == "/d/wrongcs.html":
                    body = _detail(*GOOD_DETAILS[path]).replace("charset='gbk'", "")
                    self.send(200, body.encode("gbk"), "text/html; charset=utf-8")
                elif path == "/d/e500.html":
                    self.send(500, b"internal error")
                elif path == "/d/slow.html":
                    time.sleep(outer.slow_seconds)
                    self.send(200, _detail("慢页面", "某单位").encode("gbk"))
                elif path == "/d/trunc.html":
                    self.send(200, b"<html><body><h1>truncated", length=5000)
                    self.close_connection = True
                elif path == "/f/big.xlsx":
                    chunk = b"PK\x03\x04" + bytes(range(256)) * 4096
                    body = (chunk * (10 * 1024 * 1024 // len(chunk) + 1))[: 10 * 1024 * 1024]
                    self.send(200, body, "application/vnd.ms-excel")
                elif path == "/f/good.xlsx":
                    self.send(200, outer.xlsx, "application/octet-stream")
                else:
                    self.send(404, b"not found")

        return Handler
