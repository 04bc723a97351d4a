"""The sample hub's HTTP server (Starlette + uvicorn), one app for three hubs.

Every route exists at the root (the latest month) and under ``/as-of/YYYY-MM-DD`` (that
month), so ``HfApi(endpoint=f"{url}/as-of/2026-03-01")`` sees the hub as it was then.
Hugging Face listings page with ``Link`` cursors and honour ``expand`` (unknown value → 400);
``rate_limit_every=N`` answers every N-th request with 429 + ``Retry-After``;
``fault_accounts`` (accounts, or ``owner/repo`` for GitHub events) answer with an HTML
page, as a broken proxy would.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from contrib.sample_hub.data import SampleHub, generate
from contrib.sample_hub.routes_github import github_routes
from contrib.sample_hub.routes_hf import hf_routes
from contrib.sample_hub.routes_modelscope import modelscope_routes
from contrib.sample_hub.state import HubState


def registry_path() -> Path:
    """The bundled registry of the sample enterprises (CSV)."""
    return Path(str(resources.files("contrib.sample_hub") / "registry.csv"))


def build_app(state: HubState) -> Starlette:
    routes = [*hf_routes(state), *modelscope_routes(state), *github_routes(state)]
    return Starlette(routes=[Mount("/as-of/{day}", routes=list(routes)), *routes])


@dataclass
class SampleHubHandle:
    url: str
    state: HubState
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def hub(self) -> SampleHub:
        return self.state.hub

    def endpoint(self, as_of: date | None = None) -> str:
        """Base URL of the hub as it was at ``as_of`` (default: the latest month)."""
        return self.url if as_of is None else f"{self.url}/as-of/{as_of.isoformat()}"

    def as_of_dates(self) -> list[date]:
        return [self.hub.as_of(m) for m in range(self.hub.months)]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve_in_thread(
    hub: SampleHub | None = None,
    *,
    port: int = 0,
    page_size: int = 500,
    rate_limit_every: int = 0,
    retry_after: int = 0,
    fault_accounts: frozenset[str] = frozenset(),
) -> SampleHubHandle:
    """Start the sample hub on 127.0.0.1 in a daemon thread; ``port=0`` picks a free one."""
    state = HubState(
        hub or generate(),
        page_size,
        rate_limit_every,
        retry_after,
        frozenset(a.lower() for a in fault_accounts),
    )
    config = uvicorn.Config(
        build_app(state),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="sample-hub", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"sample hub did not start on 127.0.0.1:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return SampleHubHandle(f"http://127.0.0.1:{bound}", state, server, thread)
