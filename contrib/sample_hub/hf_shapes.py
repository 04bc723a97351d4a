"""Hugging Face JSON shapes of the sample hub: full objects, default fields, ``expand``."""

from __future__ import annotations

import hashlib
from typing import Any

from contrib.sample_hub.data import SampleHub, SampleRepo, add_months

#: exactly the values huggingface_hub's ``ExpandModelProperty_T`` / dataset literal accept
MODEL_EXPAND = frozenset(
    (
        "author",
        "baseModels",
        "cardData",
        "childrenModelCount",
        "config",
        "createdAt",
        "disabled",
        "downloads",
        "downloadsAllTime",
        "evalResults",
        "gated",
        "gguf",
        "inference",
        "inferenceProviderMapping",
        "lastModified",
        "library_name",
        "likes",
        "mask_token",
        "model-index",
        "pipeline_tag",
        "private",
        "resourceGroup",
        "safetensors",
        "sha",
        "siblings",
        "spaces",
        "tags",
        "transformersInfo",
        "trendingScore",
        "usedStorage",
        "widgetData",
    )
)
DATASET_EXPAND = frozenset(
    (
        "author",
        "cardData",
        "citation",
        "createdAt",
        "description",
        "disabled",
        "downloads",
        "downloadsAllTime",
        "gated",
        "lastModified",
        "likes",
        "mainSize",
        "paperswithcode_id",
        "private",
        "resourceGroup",
        "sha",
        "siblings",
        "tags",
        "trendingScore",
        "usedStorage",
    )
)
KERNEL_EXPAND = frozenset(
    (
        "author",
        "downloads",
        "downloadsAllTime",
        "likes",
        "lastModified",
        "gated",
        "private",
        "sha",
        "tags",
    )
)
MODEL_DEFAULT = (
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
)
DATASET_DEFAULT = (
    "author",
    "createdAt",
    "downloads",
    "likes",
    "tags",
    "trendingScore",
    "private",
    "lastModified",
    "gated",
    "disabled",
    "sha",
)
EXPAND_FIELDS = {"model": MODEL_EXPAND, "dataset": DATASET_EXPAND, "kernel": KERNEL_EXPAND}
DEFAULT_FIELDS = {
    "model": MODEL_DEFAULT,
    "dataset": DATASET_DEFAULT,
    "kernel": tuple(KERNEL_EXPAND),
}


def _digest(text: str, n: int) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:n]


def _date(hub: SampleHub, month: int, offset: int) -> str:
    """A moment inside the calendar month before ``as_of(month)``."""
    day = add_months(hub.start, month - 1)
    clock = f"{offset % 24:02d}:{offset % 60:02d}:00.000Z"
    return f"{day.year:04d}-{day.month:02d}-{1 + offset % 27:02d}T{clock}"


def full_object(hub: SampleHub, repo: SampleRepo, month: int) -> dict[str, Any]:
    """Every field we can answer for ``repo`` as seen at the end of ``month``."""
    seed = int(_digest(repo.repo_id, 6), 16)
    d30 = repo.downloads[month]
    previous = repo.downloads[month - 1] if month > 0 else d30
    obj: dict[str, Any] = {
        "_id": _digest(repo.repo_id, 24),
        "id": repo.repo_id,
        "author": repo.author,
        "downloads": d30,
        "downloadsAllTime": repo.all_time(month),
        "likes": repo.likes[month],
        "trendingScore": round(max(0.0, (d30 - previous) / 1000 + repo.likes[month] / 100), 3),
        "createdAt": _date(hub, repo.created, seed),
        "lastModified": _date(hub, max(repo.created, month - seed % 4), seed + 7),
        "private": False,
        "gated": False,
        "disabled": False,
        "sha": _digest(f"{repo.repo_id}@{month}", 40),
    }
    if repo.kind == "model":
        tags = ["transformers", "safetensors", repo.pipeline, "license:apache-2.0"]
        for base, relation in repo.bases:
            tags += [f"base_model:{base}", f"base_model:{relation}:{base}"]
        children = [c for c in hub.children.get(repo.repo_id, ()) if c.created <= month]
        obj |= {
            "modelId": repo.repo_id,
            "tags": tags,
            "pipeline_tag": repo.pipeline,
            "library_name": "transformers",
            "childrenModelCount": len(children),
            "usedStorage": 1_000_000 + seed,
        }
        if repo.bases:
            obj["baseModels"] = {
                "relation": repo.bases[0][1],
                "models": [{"id": b} for b, _ in repo.bases],
            }
        if repo.evals:
            obj["evalResults"] = [
                {
                    "dataset": {"id": b, "task_id": "default"},
                    "value": v,
                    **({"verifyToken": _digest(f"{repo.repo_id}{b}", 16)} if verified else {}),
                    "source": {
                        "url": f"https://huggingface.co/datasets/{b}",
                        "name": "leaderboard",
                    },
                }
                for b, v, verified in repo.evals
            ]
    else:
        obj["tags"] = (
            [f"{repo.kind}", "license:cc-by-4.0"] if repo.kind == "dataset" else ["kernel", "cuda"]
        )
    return obj


def select_fields(obj: dict[str, Any], kind: str, expand: list[str] | None) -> dict[str, Any]:
    """Default fields, or — with ``expand`` — only ``_id``, ``id`` and what was asked."""
    wanted = expand if expand else DEFAULT_FIELDS[kind]
    out = {"_id": obj["_id"], "id": obj["id"]}
    for key in wanted:
        if key in obj:
            out[key] = obj[key]
    return out
