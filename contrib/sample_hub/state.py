"""Shared state and helpers of the sample hub's routes: request counting, 429s, months."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from contrib.sample_hub.data import SampleHub

Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class HubState:
    hub: SampleHub
    page_size: int = 500
    rate_limit_every: int = 0
    retry_after: int = 0
    fault_accounts: frozenset[str] = frozenset()
    requests: int = 0
    #: the latest request paths, in order (tests check what a resumed pull fetched)
    paths: deque[str] = field(default_factory=lambda: deque(maxlen=100_000))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def month(self, request: Request) -> int:
        """The month a request addresses: ``/as-of/YYYY-MM-DD/…`` or the latest."""
        day = request.path_params.get("day")
        return self.hub.months - 1 if day is None else self.hub.month_of(date.fromisoformat(day))

    def guarded(self, handler: Handler) -> Handler:
        """Count the request, answer every N-th with 429, refuse unknown months."""

        async def wrapped(request: Request) -> Response:
            with self.lock:
                self.requests += 1
                self.paths.append(request.url.path)
                count = self.requests
            if self.rate_limit_every and count % self.rate_limit_every == 0:
                return JSONResponse(
                    {"error": "rate limited"},
                    status_code=429,
                    headers={
                        "Retry-After": str(self.retry_after),
                        "RateLimit": f'"api";r=0;t={self.retry_after}',
                        "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": str(int(time.time()) + self.retry_after),
                    },
                )
            try:
                self.month(request)
            except (KeyError, ValueError) as exc:
                return error(404, str(exc))
            return await handler(request)

        return wrapped


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "message": message}, status_code=status)


def next_link(request: Request, **params: Any) -> str:
    return f'<{request.url.include_query_params(**params)}>; rel="next"'
