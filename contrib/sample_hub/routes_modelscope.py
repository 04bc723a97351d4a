"""ModelScope routes (legacy ``/api/v1`` shapes, ``{Code, Success, Data}`` envelope)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from contrib.sample_hub.data import SampleHub, SampleRepo
from contrib.sample_hub.hf_shapes import full_object
from contrib.sample_hub.state import HubState

#: ModelScope's cumulative counter runs at a fraction of Hugging Face's in the sample world
MS_SHARE = 0.4


def ms_model(hub: SampleHub, repo: SampleRepo, month: int) -> dict[str, Any]:
    obj = full_object(hub, repo, month)
    owner, name = repo.repo_id.split("/")
    return {
        "Id": int(obj["_id"][:6], 16),
        "Name": name,
        "Path": owner,
        "ChineseName": name,
        "Downloads": int(obj["downloadsAllTime"] * MS_SHARE),
        "Stars": obj["likes"] // 2,
        "CreatedTime": 1_700_000_000 + repo.created * 2_592_000,
        "LastUpdatedTime": 1_700_000_000 + month * 2_592_000,
        "Tags": obj.get("tags", []),
        "Tasks": [{"Name": repo.pipeline}],
        "License": "Apache License 2.0",
    }


def modelscope_routes(state: HubState) -> list[Route]:
    hub = state.hub

    async def listing(request: Request) -> Response:
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
        models = [ms_model(hub, r, month) for r in repos[(number - 1) * size : number * size]]
        return JSONResponse(
            {
                "Code": 200,
                "Success": True,
                "Message": "success",
                "Data": {"Models": models, "TotalCount": len(repos)},
            }
        )

    async def detail(request: Request) -> Response:
        month = state.month(request)
        repo = hub.repos.get(f"{request.path_params['owner']}/{request.path_params['name']}")
        if repo is None or not repo.on_modelscope or repo.created > month:
            return JSONResponse(
                {"Code": 404, "Success": False, "Message": "model not found"}, status_code=404
            )
        return JSONResponse({"Code": 200, "Success": True, "Data": ms_model(hub, repo, month)})

    return [
        Route("/api/v1/models/", state.guarded(listing), methods=["PUT"]),
        Route("/api/v1/models/{owner}/{name}", state.guarded(detail)),
    ]
