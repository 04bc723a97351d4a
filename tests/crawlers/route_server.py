"""A tiny loopback HTTP server answering fixed routes (path → status, headers, body), counting
hits; routes may be callables of the query string. For the netguard, outcome and limit tests."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Answer = tuple[int, dict[str, str], bytes]
Route = Answer | Callable[[str], Answer]


def html(body: str, status: int = 200) -> Answer:
    return status, {"Content-Type": "text/html; charset=utf-8"}, body.encode("utf-8")


def redirect(location: str) -> Answer:
    return 302, {"Location": location}, b""


def detail_page(title: str, org: str) -> str:
    return (
        f"<html><body><h1>{title}</h1><div><p>需求单位：{org}</p><p>所属领域：城市治理</p>"
        "<p>截止时间：2025年9月30日</p><p>预算：200万元</p></div></body></html>"
    )


class RouteServer:
    def __init__(self, routes: dict[str, Route], delay: float = 0.0) -> None:
        self.routes = routes
        self.delay = delay
        self.hits: Counter[str] = Counter()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RouteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> Any:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                outer.hits[parts.path] += 1
                if outer.delay and parts.path != "/robots.txt":
                    time.sleep(outer.delay)
                route = outer.routes.get(parts.path)
                if route is None:
                    status, headers, body = html("not found", 404)
                elif callable(route):
                    status, headers, body = route(parts.query)
                else:
                    status, headers, body = route
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
