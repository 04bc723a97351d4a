"""Serve the sample portal over HTTP on loopback, with ETag / Last-Modified (304s).

``serve_in_thread()`` is what the demo and the tests call; ``python -m
crawlers.sample_portal --port 8750 --scale 1`` (or ``scenehub sample-portal serve``) runs it
in the foreground.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from crawlers.sample_portal.site import Site

LAST_MODIFIED = "Tue, 01 Jul 2025 08:00:00 GMT"
DEFAULT_PORT = 8750


def _handler(site: Site, lock: threading.Lock, hits: Counter[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "SamplePortal/1.0"

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._respond(send_body=True, form=self.rfile.read(min(length, 1 << 20)))

        def _respond(self, send_body: bool, form: bytes | None = None) -> None:
            with lock:  # rendering touches shared caches
                hits[self.path] += 1
                if form is None:
                    status, headers, body = site.get(self.path)
                else:
                    status, headers, body = site.post(self.path, form)
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status == 200:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@dataclass
class RunningPortal:
    """A portal served by a background thread: ``url`` to crawl, ``stop()`` when done."""

    url: str
    server: ThreadingHTTPServer
    thread: threading.Thread
    site: Site
    hits: Counter[str]  # requests per path, for tests

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> RunningPortal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_server(
    host: str = "127.0.0.1", port: int = 0, scale: int = 1, revision: int = 0
) -> ThreadingHTTPServer:
    site = Site(scale, revision)
    hits: Counter[str] = Counter()
    server = ThreadingHTTPServer((host, port), _handler(site, threading.Lock(), hits))
    server.daemon_threads = True
    server.site = site  # type: ignore[attr-defined]
    server.hits = hits  # type: ignore[attr-defined]
    return server


def serve_until_interrupted(server: ThreadingHTTPServer) -> None:
    """Serve in the foreground until Ctrl-C, then close the socket: the one serve loop of
    ``python -m crawlers.sample_portal`` and ``scenehub sample-portal serve``."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_in_thread(
    port: int = 0, scale: int = 1, host: str = "127.0.0.1", revision: int = 0
) -> RunningPortal:
    """Start the portal on ``host:port`` (0: any free port) and return its base URL."""
    server = make_server(host, port, scale, revision)
    thread = threading.Thread(target=server.serve_forever, name="sample-portal", daemon=True)
    thread.start()
    url = f"http://{host}:{server.server_address[1]}"
    return RunningPortal(url, server, thread, server.site, server.hits)  # type: ignore[attr-defined]
