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

from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import paginate

from contrib.errors import (
    HubBadResponse,
    HubError,
    HubForbidden,
    HubNotFound,
    HubRateLimited,
    HubServerError,
)
from contrib.types import BaseRef, Hub, RepoKind, RepoStat, lineage_from_tags

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


def raise_for_status(exc: BaseException, url: str | None = None) -> None:
    """The one place Hugging Face failures become :mod:`contrib.errors`; always raises."""
    if isinstance(exc, HfHubHTTPError):
        response = getattr(exc, "response", None)
        code = getattr(response, "status_code", 0)
        url = str(getattr(getattr(response, "request", None), "url", url) or url)
        text = str(exc).splitlines()[0]
        if code == 404:
            raise HubNotFound(text, hub=HUB, url=url) from exc
        if code in (401, 403):
            raise HubForbidden(text, hub=HUB, url=url) from exc
        if code == 429:
            raise HubRateLimited(text, hub=HUB, url=url) from exc
        if code >= 500:
            raise HubServerError(text, hub=HUB, url=url) from exc
        raise HubError(text, hub=HUB, url=url) from exc
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
    except (HfHubHTTPError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise_for_status(exc, url)


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


def model_stat(m: Any) -> RepoStat:
    """A ``ModelInfo`` as a snapshot row."""
    tags = list(m.tags or ())
    return RepoStat(
        hub=Hub.HF,
        kind=RepoKind.MODEL,
        repo_id=m.id,
        owner=m.author or m.id.split("/")[0],
        downloads_30d=m.downloads,
        downloads_all_time=m.downloads_all_time,
        likes=m.likes,
        trending_score=m.trending_score,
        children_count=m.children_model_count,
        created_at=_iso(m.created_at),
        last_modified=_iso(m.last_modified),
        tags=tuple(tags),
        base_models=_base_refs(tags, m.base_models),
        eval_results=_evals(m.eval_results),
        url=f"{PUBLIC}/{m.id}",
    )


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
            yield RepoStat(
                hub=Hub.HF,
                kind=RepoKind.DATASET,
                repo_id=d.id,
                owner=d.author or d.id.split("/")[0],
                downloads_30d=d.downloads,
                downloads_all_time=d.downloads_all_time,
                likes=d.likes,
                trending_score=d.trending_score,
                created_at=_iso(d.created_at),
                last_modified=_iso(d.last_modified),
                tags=tuple(d.tags or ()),
                url=f"{PUBLIC}/datasets/{d.id}",
            )

    def list_kernels(self, author: str) -> Iterator[RepoStat]:
        from huggingface_hub.hf_api import KernelInfo

        path = f"{self.endpoint}/api/kernels"
        headers = self.api._build_hf_headers(token=self.token)

        def items() -> Iterator[dict[str, Any]]:
            yield from paginate(path, params={"author": author}, headers=headers)

        for item in self._guard(f"{path}?author={author}", items):
            with _mapped(path):
                k = KernelInfo(**item)
            yield RepoStat(
                hub=Hub.HF,
                kind=RepoKind.KERNEL,
                repo_id=k.id,
                owner=k.author or k.id.split("/")[0],
                downloads_30d=k.downloads,
                downloads_all_time=item.get("downloadsAllTime"),
                likes=k.likes,
                last_modified=_iso(k.last_modified),
                tags=tuple(item.get("tags") or ()),
                url=f"{PUBLIC}/kernels/{k.id}",
            )

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
