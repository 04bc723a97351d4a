"""Hugging Face routes: listings with ``Link`` cursors and ``expand``, repo info."""

from __future__ import annotations

import base64
import json

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from contrib.sample_hub.hf_shapes import EXPAND_FIELDS, full_object, select_fields
from contrib.sample_hub.state import Handler, HubState, error, next_link


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def hf_routes(state: HubState) -> list[Route]:
    hub = state.hub

    def listing(kind: str) -> Handler:
        async def handler(request: Request) -> Response:
            month = state.month(request)
            author = request.query_params.get("author", "").lower()
            if author in state.fault_accounts:
                return HTMLResponse("<html><body><h1>502 Bad Gateway</h1></body></html>")
            expand = request.query_params.getlist("expand")
            unknown = [e for e in expand if e not in EXPAND_FIELDS[kind]]
            if unknown:
                return error(400, f"invalid expand value(s): {', '.join(unknown)}")
            bases = [
                f.split(":")[-1]
                for f in request.query_params.getlist("filter")
                if f.startswith("base_model:")
            ]
            if bases:  # derivatives of one base, via the lineage index
                pool = sorted(hub.children.get(bases[0], []), key=lambda r: r.repo_id)
                if author:
                    pool = [r for r in pool if r.author.lower() == author]
            elif author:
                pool = hub.by_author.get((kind, author), [])
            else:
                pool = sorted(
                    (r for r in hub.repos.values() if r.kind == kind), key=lambda r: r.repo_id
                )
            repos = [r for r in pool if r.kind == kind and r.created <= month]
            limit = int(request.query_params.get("limit") or state.page_size)
            size = max(1, min(limit, state.page_size, 1000))
            cursor = request.query_params.get("cursor")
            try:
                offset = int(json.loads(base64.urlsafe_b64decode(cursor))["o"]) if cursor else 0
            except (ValueError, KeyError, TypeError):
                return error(400, "invalid cursor")
            body = [
                select_fields(full_object(hub, r, month), kind, expand)
                for r in repos[offset : offset + size]
            ]
            headers = {}
            if offset + size < len(repos):
                headers["Link"] = next_link(request, cursor=_cursor(offset + size))
            return JSONResponse(body, headers=headers)

        return handler

    def info(kind: str) -> Handler:
        async def handler(request: Request) -> Response:
            month = state.month(request)
            repo = hub.repos.get(f"{request.path_params['owner']}/{request.path_params['name']}")
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

    async def leaderboard(request: Request) -> Response:
        """``get_dataset_leaderboard``: hub-wide, ranked by value, ``verified`` server-side;
        by default only models without a declared base (``base_model=false`` for all)."""
        month = state.month(request)
        dataset = f"{request.path_params['owner']}/{request.path_params['name']}"
        base_only = request.query_params.get("base_model", "true").lower() != "false"
        entries = [
            (value, repo, verified)
            for repo in hub.repos.values()
            if repo.kind == "model" and repo.created <= month and not (base_only and repo.bases)
            for bench, value, verified in repo.evals
            if bench == dataset
        ]
        if not entries:
            return JSONResponse(
                {"error": f"Dataset {dataset} has no leaderboard"},
                status_code=404,
                headers={"X-Error-Code": "RepoNotFound"},
            )
        entries.sort(key=lambda e: (-e[0], e[1].repo_id))
        body = [
            {
                "rank": i + 1,
                "modelId": repo.repo_id,
                "value": value,
                "filename": f".eval_results/{dataset.split('/')[-1]}.yaml",
                "verified": verified,
                "source": {"url": f"https://huggingface.co/{repo.repo_id}", "isExternal": False},
                "author": {
                    "type": "org",
                    "name": repo.author,
                    "fullname": repo.author,
                    "avatarUrl": "",
                },
            }
            for i, (value, repo, verified) in enumerate(entries)
        ]
        return JSONResponse(body)

    routes = [Route("/api/datasets/{owner}/{name}/leaderboard", state.guarded(leaderboard))]
    for kind in ("model", "dataset", "kernel"):
        routes += [
            Route(f"/api/{kind}s", state.guarded(listing(kind))),
            Route(f"/api/{kind}s/{{owner}}/{{name}}", state.guarded(info(kind))),
        ]
    return routes
