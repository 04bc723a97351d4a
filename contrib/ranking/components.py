"""Score components per enterprise and category; each keeps its raw value and evidence.

Download-like signals are normalised as OpenSSF criticality_score does:
``log(1+S) / log(1+max(S, T))`` with a cap ``T`` per signal, so no single signal can be
pushed past 1 and every extra order of magnitude is worth less. ``None`` means missing
(no data), which the table shows; it is never silently turned into a value.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from contrib.graphs.accounts import AccountMap
from contrib.graphs.contribution import bot_reasons, openrank_history
from contrib.ranking.config import AwardConfig, Category
from contrib.ranking.inputs import MonthData, RankingInputs
from contrib.types import Hub, RepoKind, RepoStat


def log_cap(value: float, cap: float) -> float:
    if value <= 0:
        return 0.0
    return math.log1p(value) / math.log1p(max(value, cap))


@dataclass
class Totals:
    downloads_30d: int | None = None
    downloads_all_time: int | None = None
    repos: list[tuple[int, str]] = field(default_factory=list)  # (downloads, url)


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def category_totals(
    month: MonthData, inputs: RankingInputs, category: Category
) -> dict[str, Totals]:
    kinds = {RepoKind(k) for k in category.kinds}
    out: dict[str, Totals] = defaultdict(Totals)
    for repo in month.stats:
        if repo.kind not in kinds:
            continue
        enterprise = month.accounts.enterprise_of_repo(repo)
        if enterprise is None:
            continue
        t = out[enterprise]
        t.downloads_30d = _add(t.downloads_30d, repo.downloads_30d)
        t.downloads_all_time = _add(t.downloads_all_time, repo.downloads_all_time)
        t.repos.append((repo.downloads_all_time or repo.downloads_30d or 0, repo.url))
    return dict(out)


def consistency(
    inputs: RankingInputs, category: Category, config: AwardConfig
) -> dict[str, tuple[int, int]]:
    """Enterprise → (months in the top k by 30-day downloads, months observed)."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for month in inputs.months:
        totals = category_totals(month, inputs, category)
        ordered = sorted(
            ((t.downloads_30d or 0, name) for name, t in totals.items()),
            key=lambda x: (-x[0], x[1]),
        )
        leaders = {name for _, name in ordered[: config.consistency.top_k]}
        for name in totals:
            out[name][1] += 1
            out[name][0] += name in leaders
    return {k: (v[0], v[1]) for k, v in out.items()}


def benchmark_standing(
    stats: list[RepoStat], accounts: AccountMap
) -> dict[str, tuple[float, list[str]]]:
    """Enterprise → (mean best percentile over verified benchmarks, evidence URLs)."""
    boards: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for repo in stats:
        if repo.kind is not RepoKind.MODEL or repo.hub is not Hub.HF:
            continue
        enterprise = accounts.enterprise_of_repo(repo)
        for entry in repo.eval_results:
            if entry.get("verified") and enterprise:
                boards[f"{entry['dataset']}/{entry.get('task')}"].append(
                    (float(entry["value"]), enterprise, repo.url)
                )
    best: dict[str, list[float]] = defaultdict(list)
    evidence: dict[str, list[str]] = defaultdict(list)
    for board in sorted(boards):
        ordered = sorted(boards[board], key=lambda x: (-x[0], x[1], x[2]))
        seen: set[str] = set()
        for position, (_, enterprise, url) in enumerate(ordered):
            if enterprise in seen:
                continue
            seen.add(enterprise)
            best[enterprise].append(1.0 - position / len(ordered))
            evidence[enterprise].append(url)
    return {k: (sum(v) / len(v), evidence[k][:3]) for k, v in best.items()}


def benchmark_over_months(inputs: RankingInputs) -> dict[str, tuple[float, int, list[str]]]:
    """Enterprise → (standing averaged over all months, months with results, evidence).

    "模型性能排名持续领先": a month without a verified result counts as 0, so only
    sustained standing scores high.
    """
    monthly = [benchmark_standing(m.stats, m.accounts) for m in inputs.months]
    names = sorted({name for month in monthly for name in month})
    out = {}
    for name in names:
        present = [month[name][0] for month in monthly if name in month]
        evidence = next((month[name][1] for month in reversed(monthly) if name in month), [])
        out[name] = (sum(present) / len(monthly), len(present), evidence)
    return out


def community_openrank(
    inputs: RankingInputs, exclude_bots: bool
) -> tuple[dict[str, float], dict[str, str]]:
    """Enterprise → Σ OpenRank of its GitHub repos in the latest month; and the bots found."""
    bots: dict[str, str] = {}
    for month in inputs.months:
        bots |= bot_reasons(month.activity)
    excluded = set(bots) if exclude_bots else set()
    history = openrank_history([m.activity for m in inputs.months], excluded=excluded)
    out: dict[str, float] = defaultdict(float)
    for repo_id, value in sorted(history[-1].repos.items() if history else []):
        enterprise = inputs.accounts.enterprise_of(Hub.GITHUB, repo_id.split("/")[0])
        if enterprise:
            out[enterprise] += value
    return dict(out), bots
