"""Hand-built worlds for the award-method tests: months of repo stats, activity, boards."""

from __future__ import annotations

from datetime import date
from typing import Any

from contrib.graphs.accounts import AccountMap
from contrib.ranking.config import AwardConfig, load_config
from contrib.ranking.inputs import MonthData, RankingInputs, months_back
from contrib.registry import Enterprise, Registry
from contrib.snapshots import SnapshotInfo
from contrib.types import Activity, BaseRef, Hub, LeaderboardEntry, RepoKind, RepoStat

CONFIG, _ = load_config()
HANGZHOU = "913301{:02d}MA2AAAAA{:02d}"


def firm(name: str, index: int, *, github: bool = False, **overrides: Any) -> Enterprise:
    slug = f"firm{index}"
    accounts = {Hub.HF: (slug,), Hub.MODELSCOPE: (slug,)}
    if github:
        accounts[Hub.GITHUB] = (f"{slug}-oss",)
    confirmed = {(hub, a.lower()): "signed letter" for hub, accs in accounts.items() for a in accs}
    values: dict[str, Any] = {
        "name": name,
        "city": "杭州",
        "uscc": HANGZHOU.format(index % 100, index % 100),
        "accounts": accounts,
        "confirmed": confirmed,
    }
    values.update(overrides)
    return Enterprise(**values)


def model(
    repo_id: str,
    downloads: int | None,
    *bases: tuple[str, str],
    hub: Hub = Hub.HF,
    all_time: int | None = None,
    kind: RepoKind | None = None,
    evals: tuple[dict[str, Any], ...] = (),
) -> RepoStat:
    return RepoStat(
        hub,
        kind or (RepoKind.DERIVATIVE if bases else RepoKind.MODEL),
        repo_id,
        repo_id.split("/")[0],
        downloads_30d=downloads,
        downloads_all_time=all_time,
        base_models=tuple(BaseRef(b, r) for b, r in bases),
        eval_results=evals,
        url=f"https://huggingface.co/{repo_id}",
    )


def world(
    registry: Registry,
    months: list[list[RepoStat]],
    *,
    activity: list[list[Activity]] | None = None,
    boards: list[dict[str, list[LeaderboardEntry]]] | None = None,
    end: date = date(2026, 12, 1),
    window: int = 6,
    skip: tuple[int, ...] = (),
) -> RankingInputs:
    """``months`` oldest first, ending at ``end``'s month; indexes in ``skip`` have no
    snapshot (missing months)."""
    labels = months_back(end, len(months))
    data = []
    accounts = AccountMap(registry)
    for i, stats in enumerate(months):
        if i in skip:
            continue
        year, month = map(int, labels[i].split("-"))
        info = SnapshotInfo(i + 1, date(year, month, 1), "complete", registry, "h", {})
        data.append(
            MonthData(
                info,
                stats,
                (activity or [[]] * len(months))[i],
                accounts,
                (boards or [{}] * len(months))[i],
            )
        )
    return RankingInputs(data, accounts, months_back(end, window))


def config(**changes: Any) -> AwardConfig:
    """The bundled config with top-level sections replaced (validated again)."""
    data = CONFIG.model_dump()
    data.update(changes)
    return AwardConfig.model_validate(data)
