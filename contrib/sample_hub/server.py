"""The sample hub's HTTP server (Starlette + uvicorn), one app for three hubs.

Every route exists at the root (the latest month) and under ``/as-of/YYYY-MM-DD`` (that
month), so ``HfApi(endpoint=f"{url}/as-of/2026-03-01")`` sees the hub as it was then.
Hugging Face listings page with ``Link`` cursors and honour ``expand`` (unknown value → 400);
``rate_limit_every=N`` answers every N-th request with 429 + ``Retry-After``;
``fault_accounts`` answer their listings with an HTML page, as a broken proxy would.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route

from contrib.sample_hub.data import SampleHub, generate
from contrib.sample_hub.github_events import month_events
from contrib.sample_hub.hf_shapes import EXPAND_FIELDS, full_object, select_fields

Handler = Callable[[Request], Awaitable[Response]]


def registry_path() -> Path:
    """The bundled registry of the sample enterprises (CSV)."""
    return Path(str(resources.files("contrib.sample_hub") / "registry.csv"))


@dataclass
class HubState:
    hub: SampleHub
    page_size: int = 500
    rate_limit_every: int = 0
    retry_after: int = 0
    fault_accounts: frozenset[str] = frozenset()
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def month(self, request: Request) -> int:
        day = request.path_params.get("day")
        return self.hub.months - 1 if day is None else self.hub.month_of(date.fromisoformat(day))


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "message": message}, status_code=status)


def _next_link(request: Request, **params: Any) -> str:
    return f'<{request.url.include_query_params(**params)}>; rel="next"'


def build_app(state: HubState) -> Starlette:
    hub = state.hub

    def guarded(handler: Handler) -> Handler:
        async def wrapped(request: Request) -> Response:
            with state.lock:
                state.requests += 1
                count = state.requests
            if state.rate_limit_every and count % state.rate_limit_every == 0:
                return JSONResponse(
                    {"error": "rate limited"},
                    status_code=429,
                    headers={
                        "Retry-After": str(state.retry_after),
                        "RateLimit": f'"api";r=0;t={state.retry_after}',
                        "RateLimit-Policy": '"fixed window";"api";q=500;w=300',
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": str(int(time.time()) + state.retry_after),
                    },
                )
            try:
                state.month(request)
            except (KeyError, ValueError) as exc:
                return _error(404, str(exc))
            return await handler(request)

        return wrapped

    def hf_listing(kind: str) -> Handler:
        async def handler(request: Request) -> Response:
            month = state.month(request)
            author = request.query_params.get("author", "")
            if author.lower() in state.fault_accounts:
                return HTMLResponse("<html><body><h1>502 Bad Gateway</h1></body></html>")
            expand = request.query_params.getlist("expand")
            unknown = [e for e in expand if e not in EXPAND_FIELDS[kind]]
            if unknown:
                return _error(400, f"invalid expand value(s): {', '.join(unknown)}")
            repos = [r for r in hub.by_author.get((kind, author.lower()), []) if r.created <= month]
            if not author:
                repos = sorted(
                    (r for r in hub.repos.values() if r.kind == kind and r.created <= month),
                    key=lambda r: r.repo_id,
                )
            for flt in request.query_params.getlist("filter"):
                if flt.startswith("base_model:"):
                    target = flt.split(":")[-1]
                    repos = [r for r in repos if any(b == target for b, _ in r.bases)]
            limit = int(request.query_params.get("limit") or state.page_size)
            size = max(1, min(limit, state.page_size, 1000))
            cursor = request.query_params.get("cursor")
            offset = json.loads(base64.urlsafe_b64decode(cursor))["o"] if cursor else 0
            page = repos[offset : offset + size]
            body = [select_fields(full_object(hub, r, month), kind, expand) for r in page]
            headers = {}
            if offset + size < len(repos):
                token = base64.urlsafe_b64encode(json.dumps({"o": offset + size}).encode()).decode()
                headers["Link"] = _next_link(request, cursor=token)
            return JSONResponse(body, headers=headers)

        return handler

    def hf_info(kind: str) -> Handler:
        async def handler(request: Request) -> Response:
            month = state.month(request)
            repo_id = f"{request.path_params['owner']}/{request.path_params['name']}"
            repo = hub.repos.get(repo_id)
            if repo is None or repo.kind != kind or repo.created > month:
                return JSONResponse(
                    {"error": "Repository not found"},
                    status_code=404,
                    headers={"X-Error-Code": "RepoNotFound"},
                )
            expand = request.query_params.getlist("expand")
            obj = full_object(hub, repo, month)
            return JSONResponse(select_fields(obj, kind, expand) if expand else obj)

        return handler

    async def ms_list(request: Request) -> Response:
        month = state.month(request)
        try:
            body = json.loads(await request.body())
            owner, number, size = str(body["Path"]), int(body["PageNumber"]), int(body["PageSize"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse(
                {"Code": 400, "Success": False, "Message": "bad request body"}, status_code=400
            )
        if owner.lower() in state.fault_accounts:
            return HTMLResponse("<html><body>maintenance</body></html>")
        repos = [
            r
            for r in hub.by_author.get(("model", owner.lower()), [])
            if r.on_modelscope and r.created <= month
        ]
        page = repos[(number - 1) * size : number * size]
        models = [_ms_model(r, month) for r in page]
        return JSONResponse(
            {
                "Code": 200,
                "Success": True,
                "Message": "success",
                "Data": {"Models": models, "TotalCount": len(repos)},
            }
        )

    def _ms_model(repo: Any, month: int) -> dict[str, Any]:
        obj = full_object(hub, repo, month)
        owner, name = repo.repo_id.split("/")
        return {
            "Id": int(obj["_id"][:6], 16),
            "Name": name,
            "Path": owner,
            "ChineseName": name,
            "Downloads": int(obj["downloadsAllTime"] * 0.4),
            "Stars": obj["likes"] // 2,
            "CreatedTime": 1_700_000_000 + repo.created * 2_592_000,
            "LastUpdatedTime": 1_700_000_000 + month * 2_592_000,
            "Tags": obj.get("tags", []),
            "Tasks": [{"Name": repo.pipeline}],
            "License": "Apache License 2.0",
        }

    async def ms_get(request: Request) -> Response:
        month = state.month(request)
        repo = hub.repos.get(f"{request.path_params['owner']}/{request.path_params['name']}")
        if repo is None or not repo.on_modelscope or repo.created > month:
            return JSONResponse(
                {"Code": 404, "Success": False, "Message": "model not found"}, status_code=404
            )
        return JSONResponse({"Code": 200, "Success": True, "Data": _ms_model(repo, month)})

    def _gh_page(request: Request, items: list[dict[str, Any]]) -> Response:
        per_page = min(100, int(request.query_params.get("per_page") or 30))
        number = int(request.query_params.get("page") or 1)
        page = items[(number - 1) * per_page : number * per_page]
        headers = {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4999"}
        if number * per_page < len(items):
            headers["Link"] = _next_link(request, page=number + 1)
        return JSONResponse(page, headers=headers)

    async def gh_repos(request: Request) -> Response:
        owner = request.path_params["owner"].lower()
        if owner in state.fault_accounts:
            return HTMLResponse("<html><body>unicorn</body></html>")
        repos = hub.github_by_owner.get(owner)
        if repos is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        return _gh_page(
            request,
            [
                {
                    "id": i,
                    "name": r.full_name.split("/")[1],
                    "full_name": r.full_name,
                    "private": False,
                    "fork": False,
                    "html_url": f"https://github.com/{r.full_name}",
                    "topics": list(r.topics),
                    "stargazers_count": r.stars,
                    "created_at": r.created,
                    "pushed_at": r.created,
                    "owner": {"login": r.full_name.split("/")[0], "type": "Organization"},
                }
                for i, r in enumerate(repos)
            ],
        )

    def gh_events(kind: str) -> Handler:
        async def handler(request: Request) -> Response:
            month = state.month(request)
            repo = hub.github.get(f"{request.path_params['owner']}/{request.path_params['name']}")
            if repo is None:
                return JSONResponse({"message": "Not Found"}, status_code=404)
            since = request.query_params.get("since", "")
            # month m covers [as_of(m) - 1 month, as_of(m)): a window starting k months
            # after the hub's start belongs to month k + 1
            lo = 0
            if since:
                lo = max(
                    0,
                    int(since[:4]) * 12
                    + int(since[5:7])
                    - (hub.start.year * 12 + hub.start.month)
                    + 1,
                )
            items: list[dict[str, Any]] = []
            for m in range(month, max(-1, lo - 1), -1):
                items += month_events(hub, repo, m)[kind]
            return _gh_page(request, items)

        return handler

    routes = [
        Route("/api/models", guarded(hf_listing("model"))),
        Route("/api/models/{owner}/{name}", guarded(hf_info("model"))),
        Route("/api/datasets", guarded(hf_listing("dataset"))),
        Route("/api/datasets/{owner}/{name}", guarded(hf_info("dataset"))),
        Route("/api/kernels", guarded(hf_listing("kernel"))),
        Route("/api/kernels/{owner}/{name}", guarded(hf_info("kernel"))),
        Route("/api/v1/models/", guarded(ms_list), methods=["PUT"]),
        Route("/api/v1/models/{owner}/{name}", guarded(ms_get)),
        Route("/orgs/{owner}/repos", guarded(gh_repos)),
        Route("/users/{owner}/repos", guarded(gh_repos)),
        Route("/repos/{owner}/{name}/issues", guarded(gh_events("issues"))),
        Route("/repos/{owner}/{name}/pulls", guarded(gh_events("pulls"))),
        Route("/repos/{owner}/{name}/issues/comments", guarded(gh_events("comments"))),
        Route("/repos/{owner}/{name}/pulls/comments", guarded(gh_events("review_comments"))),
        Route("/repos/{owner}/{name}/commits", guarded(gh_events("commits"))),
    ]
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
