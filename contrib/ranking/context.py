"""What every component reads: the inputs, the config, one category, and shared series.

Series are computed once per run (per category where they depend on it) and cached, so the
ranking of three categories reads the snapshots once. Components report flags and the
things they excluded here, so the evidence pack shows every exclusion with its numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from contrib.graphs.lineage import family_value, own_families
from contrib.ranking.config import AwardConfig, Category
from contrib.ranking.inputs import RankingInputs
from contrib.types import Hub, RepoKind, RepoStat

Flag = dict[str, Any]


@dataclass
class Shared:
    """Per-run caches that do not depend on the category (OpenRank history)."""

    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    inputs: RankingInputs
    config: AwardConfig
    category_name: str
    category: Category
    shared: Shared = field(default_factory=Shared)
    flags: dict[str, list[Flag]] = field(default_factory=lambda: defaultdict(list))
    #: enterprise → excluded items (copies, bots, sock puppets, derivatives) with numbers
    excluded: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def flag(self, enterprise: str, kind: str, detail: str, evidence: list[str]) -> None:
        self.flags[enterprise].append({"type": kind, "detail": detail, "evidence": evidence})

    @property
    def kinds(self) -> set[RepoKind]:
        return {RepoKind(k) for k in self.category.kinds}

    @cached_property
    def repo_series(self) -> dict[tuple[str, str], list[int | None]]:
        """(hub, repo id) → monthly downloads per window month.

        Hugging Face reports a 30-day figure; where a hub gives only all-time totals
        (ModelScope), the month is the difference of consecutive totals. ``None``: not
        observable (missing snapshot, no previous total, or a total that went down).
        """
        months = self.inputs.by_month()
        totals: list[dict[tuple[str, str], int | None]] = []
        out: dict[tuple[str, str], list[int | None]] = {}
        for index, month in enumerate(months):
            current: dict[tuple[str, str], int | None] = {}
            for repo in month.stats if month else ():
                if repo.kind not in self.kinds:
                    continue
                key = (repo.hub.value, repo.repo_id)
                current[key] = repo.downloads_all_time
                series = out.setdefault(key, [None] * len(months))
                if repo.downloads_30d is not None:
                    series[index] = repo.downloads_30d
                else:
                    before = totals[-1].get(key) if totals and months[index - 1] else None
                    now = repo.downloads_all_time
                    if before is not None and now is not None and now >= before:
                        series[index] = now - before
            totals.append(current)
        return out

    @cached_property
    def repos_by_firm(self) -> dict[str, dict[tuple[str, str], RepoStat]]:
        """Enterprise → its own repos of this category (the latest listing of each)."""
        out: dict[str, dict[tuple[str, str], RepoStat]] = defaultdict(dict)
        for month in self.inputs.months:
            for repo in month.stats:
                if repo.kind not in self.kinds:
                    continue
                firm = month.accounts.enterprise_of_repo(repo)
                if firm is not None:
                    out[firm][(repo.hub.value, repo.repo_id)] = repo
        return dict(out)

    @cached_property
    def families(self) -> dict[str, list[list[tuple[str, str]]]]:
        """Enterprise → its lineage families (lists of repo keys; the first is the root)."""
        return {
            firm: own_families(list(repos.values()))
            for firm, repos in sorted(self.repos_by_firm.items())
        }

    @cached_property
    def firm_series(self) -> dict[str, list[float | None]]:
        """Enterprise → monthly downloads per window month, each family counted once
        (best member in full, copies discounted and capped); ``None`` for a month without
        a snapshot."""
        rules = self.config.families
        present = [m is not None for m in self.inputs.by_month()]
        width = len(present)
        out: dict[str, list[float | None]] = {}
        for firm, families in self.families.items():
            series: list[float | None] = [0.0 if p else None for p in present]
            for family in families:
                for m in range(width):
                    if not present[m]:
                        continue
                    values = [
                        float(self.repo_series.get(k, [None] * width)[m] or 0) for k in family
                    ]
                    series[m] = (series[m] or 0.0) + family_value(
                        values, rules.copy_discount, rules.cap
                    )
            out[firm] = series
        return out

    def trailing(self, series: list[float | None] | list[float]) -> float:
        """Mean of the last ``window.trailing`` months; a missing month counts as 0."""
        n = self.config.window.trailing
        return math.fsum(v or 0.0 for v in series[-n:]) / n

    def scale(self, value: float, leader: float) -> float:
        """Relative log scale: 0 → 0, the leader → 1, half the leader → 0.74 (base 10)."""
        if value <= 0 or leader <= 0:
            return 0.0
        base = self.config.scale.base
        return math.log1p((base - 1) * min(value, leader) / leader) / math.log(base)

    def firm_of_account(self, hub: Hub, account: str) -> str | None:
        return self.inputs.accounts.enterprise_of(hub, account)
