"""Hugging Face through the real ``huggingface_hub.HfApi(endpoint=…)``.

The library already follows ``Link`` cursors lazily and sleeps through 429s using
``Retry-After`` / ``RateLimit`` headers (``http_backoff``); this wrapper asks only for the
``expand`` fields the ranking needs, turns ``ModelInfo``/``DatasetInfo``/``KernelInfo`` into
:class:`RepoStat`, and maps the library's errors onto ours in one ``raise_for_status``.
Kernels have ``kernel_info`` but no listing method in the installed version, so the listing
goes through the library's own ``paginate`` helper on ``/api/kernels?author=``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

import httpx  # the library's responses are httpx2's; both share the attributes read here
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import paginate

from contrib.clients.http import status_error
from contrib.errors import HubBadResponse, HubError
from contrib.types import BaseRef, Hub, LeaderboardEntry, RepoKind, RepoStat, lineage_from_tags

HUB = "hf"
#: evidence links point at the public hub, whatever mirror or sample endpoint was pulled
PUBLIC = "https://huggingface.co"
MODEL_EXPAND: list[Any] = [
    "author",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "createdAt",
    "lastModified",
    "tags",
    "baseModels",
    "childrenModelCount",
    "evalResults",
]
DATASET_EXPAND: list[Any] = [
    "author",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "createdAt",
    "lastModified",
    "tags",
]
T = TypeVar("T")


def raise_for_status(response: httpx.Response | Any) -> None:
    """The one place Hugging Face HTTP statuses become :mod:`contrib.errors` (the same
    signature as the ModelScope and GitHub clients')."""
    message = response.headers.get("x-error-message", "")
    status_error(response, HUB, message)


def bad_response(exc: BaseException, url: str | None = None) -> None:
    """A non-HTTP failure while reading an answer: always raises."""
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
        raise HubBadResponse(
            f"expected JSON, got something else ({exc})", hub=HUB, url=url
        ) from exc
    if isinstance(exc, KeyError | TypeError | AttributeError):
        raise HubBadResponse(f"unexpected JSON shape ({exc!r})", hub=HUB, url=url) from exc
    raise HubError(f"request failed: {exc}", hub=HUB, url=url) from exc


@contextmanager
def _mapped(url: str) -> Iterator[None]:
    try:
        yield
    except HfHubHTTPError as exc:
        response = getattr(exc, "response", None)
        if response is not None and hasattr(response, "status_code"):
            try:
                raise_for_status(response)
            except HubError as mapped:
                raise mapped from exc
        raise HubError(str(exc).splitlines()[0], hub=HUB, url=url) from exc
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        bad_response(exc, url)


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return str(value) if value else None


def _base_refs(tags: list[str] | None, base_models: Any) -> tuple[BaseRef, ...]:
    """Lineage from ``base_model:`` tags, completed by the ``baseModels`` expand field."""
    refs = {ref.repo_id: ref for ref in lineage_from_tags(tags)}
    if isinstance(base_models, dict):
        relation = str(base_models.get("relation") or "finetune")
        for model in base_models.get("models") or ():
            repo_id = model.get("id") if isinstance(model, dict) else None
            if isinstance(repo_id, str):
                refs.setdefault(repo_id, BaseRef(repo_id, relation))
    return tuple(refs[k] for k in sorted(refs))


def _evals(entries: Any) -> tuple[dict[str, Any], ...]:
    out = []
    for e in entries or ():
        value = getattr(e, "value", None)
        if isinstance(value, int | float):
            out.append(
                {
                    "dataset": e.dataset_id,
                    "task": e.task_id,
                    "value": float(value),
                    "verified": bool(getattr(e, "verify_token", None)),
                    "source": getattr(e, "source_url", None),
                }
            )
    return tuple(sorted(out, key=lambda d: (d["dataset"], d["task"])))


_URL_PREFIX = {RepoKind.MODEL: "", RepoKind.DATASET: "datasets/", RepoKind.KERNEL: "kernels/"}


def repo_stat(kind: RepoKind, info: Any, raw: dict[str, Any] | None = None) -> RepoStat:
    """A ``ModelInfo`` / ``DatasetInfo`` / ``KernelInfo`` as a snapshot row: the one place
    the library's objects become :class:`RepoStat`. ``raw`` holds fields the info class
    does not keep (kernels' ``downloadsAllTime`` and ``tags``)."""
    raw = raw or {}

    def field(name: str, raw_name: str | None = None) -> Any:
        value = getattr(info, name, None)
        return raw.get(raw_name) if value is None and raw_name else value

    tags = list(field("tags", "tags") or ())
    repo_id = info.id
    return RepoStat(
        hub=Hub.HF,
        kind=kind,
        repo_id=repo_id,
        owner=field("author") or repo_id.split("/")[0],
        downloads_30d=field("downloads"),
        downloads_all_time=field("downloads_all_time", "downloadsAllTime"),
        likes=field("likes"),
        trending_score=field("trending_score"),
        children_count=field("children_model_count"),
        created_at=_iso(field("created_at")),
        last_modified=_iso(field("last_modified")),
        tags=tuple(tags),
        base_models=_base_refs(tags, field("base_models")),
        eval_results=_evals(field("eval_results")),
        url=f"{PUBLIC}/{_URL_PREFIX.get(kind, '')}{repo_id}",
    )


def model_stat(m: Any) -> RepoStat:
    """A ``ModelInfo`` as a snapshot row."""
    return repo_stat(RepoKind.MODEL, m)


def _no_side_requests() -> None:
    """Keep every request on the configured endpoint.

    With telemetry on, huggingface_hub ≥ 2 builds its user agent by fetching an "agent
    harness" registry from huggingface.co. A pull against a mirror or the offline sample hub
    must not talk to anything else, so telemetry is switched off for this process.
    """
    from huggingface_hub import constants

    constants.HF_HUB_DISABLE_TELEMETRY = True


class HfClient:
    def __init__(
        self, endpoint: str = "https://huggingface.co", *, token: str | bool | None = False
    ) -> None:
        _no_side_requests()
        self.endpoint = endpoint.rstrip("/")
        self.api = HfApi(endpoint=self.endpoint, token=token)
        self.token = token

    def _guard(self, url: str, items: Callable[[], Iterator[T]]) -> Iterator[T]:
        with _mapped(url):
            yield from items()

    def list_models(self, author: str) -> Iterator[RepoStat]:
        url = f"{self.endpoint}/api/models?author={author}"
        for m in self._guard(
            url, lambda: iter(self.api.list_models(author=author, expand=MODEL_EXPAND))
        ):
            yield model_stat(m)

    def list_datasets(self, author: str) -> Iterator[RepoStat]:
        url = f"{self.endpoint}/api/datasets?author={author}"
        for d in self._guard(
            url, lambda: iter(self.api.list_datasets(author=author, expand=DATASET_EXPAND))
        ):
            yield repo_stat(RepoKind.DATASET, d)

    def list_kernels(self, author: str) -> Iterator[RepoStat]:
        from huggingface_hub.hf_api import KernelInfo

        path = f"{self.endpoint}/api/kernels"
        headers = self.api._build_hf_headers(token=self.token)

        def items() -> Iterator[dict[str, Any]]:
            yield from paginate(path, params={"author": author}, headers=headers)

        for item in self._guard(f"{path}?author={author}", items):
            with _mapped(path):
                k = KernelInfo(**item)
            yield repo_stat(RepoKind.KERNEL, k, item)

    def leaderboard(self, dataset: str) -> list[LeaderboardEntry]:
        """The hub-wide leaderboard of a benchmark dataset (``get_dataset_leaderboard``);
        ``verified`` is the hub's server-side flag."""
        with _mapped(f"{self.endpoint}/api/datasets/{dataset}/leaderboard"):
            entries = self.api.get_dataset_leaderboard(dataset, token=self.token)
            return [
                LeaderboardEntry(
                    dataset=dataset,
                    model_id=e.model_id,
                    hub_rank=int(e.rank),
                    value=float(e.value),
                    verified=bool(e.verified),
                    author=str(getattr(e.author, "name", None) or e.model_id.split("/")[0]),
                    source_url=(e.source or {}).get("url"),
                )
                for e in entries
            ]

    def model_info(self, repo_id: str) -> RepoStat:
        with _mapped(f"{self.endpoint}/api/models/{repo_id}"):
            m = self.api.model_info(repo_id, expand=MODEL_EXPAND)
        return model_stat(m)


def _children(api: HfApi, repo_id: str) -> Iterator[Any]:
    return iter(api.list_models(filter=f"base_model:{repo_id}", expand=MODEL_EXPAND))


def derivative_stats(client: HfClient, bases: list[RepoStat]) -> Iterator[RepoStat]:
    """Models deriving from ``bases`` (one hop), via ``filter=base_model:<id>``, lazily."""
    for base in bases:
        if not base.children_count:
            continue
        url = f"{client.endpoint}/api/models?filter=base_model:{base.repo_id}"
        for m in client._guard(url, partial(_children, client.api, base.repo_id)):
            stat = model_stat(m)
            stat.kind = RepoKind.DERIVATIVE
            yield stat
