"""GitHub REST routes: org/user repos and per-repo events, ``page``/``per_page`` + ``Link``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from contrib.sample_hub.github_events import month_events
from contrib.sample_hub.state import Handler, HubState, next_link

EVENT_PATHS = {
    "issues": "issues",
    "pulls": "pulls",
    "issues/comments": "comments",
    "pulls/comments": "review_comments",
    "commits": "commits",
}


def _page(request: Request, items: list[dict[str, Any]]) -> Response:
    per_page = min(100, int(request.query_params.get("per_page") or 30))
    number = int(request.query_params.get("page") or 1)
    headers = {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4999"}
    if number * per_page < len(items):
        headers["Link"] = next_link(request, page=number + 1)
    return JSONResponse(items[(number - 1) * per_page : number * per_page], headers=headers)


def github_routes(state: HubState) -> list[Route]:
    hub = state.hub

    async def repos(request: Request) -> Response:
        owner = request.path_params["owner"].lower()
        if owner in state.fault_accounts:
            return HTMLResponse("<html><body>unicorn</body></html>")
        found = hub.github_by_owner.get(owner)
        if found is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        return _page(
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
                for i, r in enumerate(found)
            ],
        )

    def events(kind: str) -> Handler:
        async def handler(request: Request) -> Response:
            month = state.month(request)
            full_name = f"{request.path_params['owner']}/{request.path_params['name']}"
            if full_name.lower() in state.fault_accounts:
                return HTMLResponse("<html><body>unicorn</body></html>")
            repo = hub.github.get(full_name)
            if repo is None:
                return JSONResponse({"message": "Not Found"}, status_code=404)
            since = request.query_params.get("since", "")
            # month m covers [as_of(m) - 1 month, as_of(m)): a window starting k months
            # after the hub's start belongs to month k + 1
            first = 0
            if since:
                first = max(
                    0,
                    int(since[:4]) * 12
                    + int(since[5:7])
                    - (hub.start.year * 12 + hub.start.month)
                    + 1,
                )
            items: list[dict[str, Any]] = []
            for m in range(month, first - 1, -1):
                items += month_events(hub, repo, m)[kind]
            return _page(request, items)

        return handler

    async def contributors(request: Request) -> Response:
        month = state.month(request)
        repo = hub.github.get(f"{request.path_params['owner']}/{request.path_params['name']}")
        if repo is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        commits: dict[str, int] = {}
        for m in range(month + 1):
            for c in month_events(hub, repo, m)["commits"]:
                commits[c["author"]["login"]] = commits.get(c["author"]["login"], 0) + 1
        kinds = {login: is_bot for login, is_bot, _ in repo.developers}
        ordered = sorted(commits.items(), key=lambda kv: (-kv[1], kv[0]))
        return _page(
            request,
            [
                {"login": login, "type": "Bot" if kinds.get(login) else "User", "contributions": n}
                for login, n in ordered
            ],
        )

    routes = [
        Route("/repos/{owner}/{name}/contributors", state.guarded(contributors)),
        Route("/orgs/{owner}/repos", state.guarded(repos)),
        Route("/users/{owner}/repos", state.guarded(repos)),
    ]
    routes += [
        Route(f"/repos/{{owner}}/{{name}}/{path}", state.guarded(events(kind)))
        for path, kind in EVENT_PATHS.items()
    ]
    return routes
