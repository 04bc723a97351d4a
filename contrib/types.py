"""Tolerant internal records for what hubs tell us: every field may be missing (``None``).

Clients turn hub JSON into these; snapshots store them; graphs and rankings read them.
Missing is kept distinct from zero all the way to the award table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Hub(StrEnum):
    HF = "hf"
    MODELSCOPE = "modelscope"
    GITHUB = "github"


class RepoKind(StrEnum):
    MODEL = "model"
    DATASET = "dataset"
    KERNEL = "kernel"
    CODE = "code"
    #: someone else's model derived from a pulled account's model (listed via base_model:)
    DERIVATIVE = "derivative"


RELATIONS = ("finetune", "adapter", "quantized", "merge")


@dataclass(frozen=True, slots=True)
class BaseRef:
    """A lineage edge: this repo derives from ``repo_id`` by ``relation``."""

    repo_id: str
    relation: str = "finetune"


@dataclass(slots=True)
class RepoStat:
    """One repo's numbers at one moment (a snapshot row)."""

    hub: Hub
    kind: RepoKind
    repo_id: str
    owner: str
    downloads_30d: int | None = None
    downloads_all_time: int | None = None
    likes: int | None = None
    trending_score: float | None = None
    children_count: int | None = None
    created_at: str | None = None
    last_modified: str | None = None
    tags: tuple[str, ...] = ()
    base_models: tuple[BaseRef, ...] = ()
    eval_results: tuple[dict[str, Any], ...] = ()
    url: str = ""


@dataclass(slots=True)
class Activity:
    """One developer's activity on one code repo (OpenDigger's event counts)."""

    hub: Hub
    repo_id: str
    developer: str
    open_issue: int = 0
    issue_comment: int = 0
    open_pull: int = 0
    review_comment: int = 0
    merged_pull: int = 0
    commits: int = 0
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    """One hub leaderboard entry; ``verified`` is the hub's server-side flag."""

    dataset: str
    model_id: str
    hub_rank: int
    value: float
    verified: bool
    author: str
    source_url: str | None = None


def lineage_from_tags(tags: list[str] | tuple[str, ...] | None) -> tuple[BaseRef, ...]:
    """Parse ``base_model:<id>`` and ``base_model:<relation>:<id>`` tags (the Hub's lineage).

    The relation-qualified form wins; a bare tag defaults to ``finetune`` as the Hub infers.
    """
    found: dict[str, str] = {}
    for tag in tags or ():
        if not tag.startswith("base_model:"):
            continue
        rest = tag[len("base_model:") :]
        head, _, tail = rest.partition(":")
        if tail and head in RELATIONS:
            found[tail] = head
        elif rest not in found:
            found[rest] = "finetune"
    return tuple(BaseRef(repo_id, relation) for repo_id, relation in sorted(found.items()))
