"""uvicorn's HTTP protocol with ``TCP_NODELAY`` on every connection.

With ``--workers N`` uvicorn binds the listening socket itself with protocol number 0, and
asyncio only switches Nagle's algorithm off for sockets whose protocol is ``IPPROTO_TCP``. A
small response written in two parts (headers, then body) then waits for the client's delayed
ACK: ~40 ms on every request, measured by ``benchmarks/bench_api.py`` (a record GET took 48 ms
with two workers and 7 ms with one). Setting the option per connection removes the wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)  # type: ignore[arg-type]
