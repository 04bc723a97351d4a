"""ModelScope REST (legacy ``/api/v1`` shapes the SDK uses) through httpx.

Listing is ``PUT /api/v1/models/`` with ``{"Path", "PageNumber", "PageSize"}`` and answers
``Data.Models`` + ``Data.TotalCount``; one model is ``GET /api/v1/models/{owner}/{name}``.
Every answer is wrapped in ``{"Code", "Success", "Data", "Message"}``. ``Downloads`` is
cumulative (all time); ModelScope has no 30-day figure, so ``downloads_30d`` stays missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from contrib.clients.http import HubHTTP, RetryPolicy, parse_json, status_error
from contrib.errors import HubBadResponse, HubError, HubNotFound
from contrib.types import Hub, RepoKind, RepoStat, lineage_from_tags

HUB = "modelscope"


def raise_for_status(response: httpx.Response) -> None:
    """The one place ModelScope HTTP statuses become exceptions (envelopes: :func:`unwrap`)."""
    message = ""
    if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
        try:
            body = response.json()
            message = str(body.get("Message", "")) if isinstance(body, dict) else ""
        except ValueError:
            message = ""
    status_error(response, HUB, message)


def unwrap(response: httpx.Response) -> dict[str, Any]:
    """``Data`` of a successful envelope; a failed envelope is an error even with HTTP 200."""
    body = parse_json(response, HUB)
    url = str(response.request.url)
    if not isinstance(body, dict) or "Code" not in body:
        raise HubBadResponse("expected a {Code, Success, Data} envelope", hub=HUB, url=url)
    if body.get("Code") != 200 or not body.get("Success"):
        message = str(body.get("Message") or "")
        if body.get("Code") == 404:
            raise HubNotFound(message or "not found", hub=HUB, url=url)
        raise HubError(f"envelope Code={body.get('Code')} {message}".strip(), hub=HUB, url=url)
    data = body.get("Data")
    if not isinstance(data, dict):
        raise HubBadResponse("envelope without a Data object", hub=HUB, url=url)
    return data


def _time(value: Any) -> str | None:
    if isinstance(value, int | float) and value > 0:
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value) if value else None


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class ModelScopeClient:
    def __init__(
        self,
        endpoint: str = "https://www.modelscope.cn",
        *,
        page_size: int = 100,
        client: httpx.Client | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.page_size = page_size
        self.http = HubHTTP(client or httpx.Client(timeout=30.0), HUB, raise_for_status, policy)

    @property
    def requests(self) -> int:
        return self.http.requests

    def _stat(self, owner: str, item: dict[str, Any]) -> RepoStat:
        name = str(item.get("Name") or "")
        path = str(item.get("Path") or owner)
        repo_id = f"{path}/{name}"
        tags = [str(t) for t in item.get("Tags") or () if isinstance(t, str)]
        return RepoStat(
            hub=Hub.MODELSCOPE,
            kind=RepoKind.MODEL,
            repo_id=repo_id,
            owner=path,
            downloads_all_time=_int(item.get("Downloads")),
            likes=_int(item.get("Stars", item.get("Likes"))),
            created_at=_time(item.get("CreatedTime")),
            last_modified=_time(item.get("LastUpdatedTime")),
            tags=tuple(tags),
            base_models=lineage_from_tags(tags),
            url=f"https://www.modelscope.cn/models/{repo_id}",
        )

    def list_models(self, owner: str) -> Iterator[RepoStat]:
        """All models of ``owner``, page by page, lazily."""
        page = 1
        while True:
            response = self.http.request(
                "PUT",
                f"{self.endpoint}/api/v1/models/",
                json={"Path": owner, "PageNumber": page, "PageSize": self.page_size},
            )
            data = unwrap(response)
            models, total = data.get("Models"), data.get("TotalCount")
            if not isinstance(models, list) or not isinstance(total, int):
                raise HubBadResponse(
                    "listing without Models/TotalCount", hub=HUB, url=str(response.request.url)
                )
            for item in models:
                if isinstance(item, dict):
                    yield self._stat(owner, item)
            if not models or page * self.page_size >= total:
                return
            page += 1

    def get_model(self, owner: str, name: str) -> RepoStat:
        response = self.http.request("GET", f"{self.endpoint}/api/v1/models/{owner}/{name}")
        return self._stat(owner, unwrap(response))

    def close(self) -> None:
        self.http.client.close()
