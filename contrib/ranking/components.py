"""The ranking's components, one registry: a component is one class here and one weight line
in the award config.

Each component measures every enterprise it can and returns, per enterprise, a
:class:`Measure`: the raw value, the score in [0, 1], a one-line detail and evidence URLs.
An enterprise it cannot measure is *missing* (shown, contributes 0), never silently 0.
Components report flags and exclusions through the :class:`~contrib.ranking.context.Context`.

To add a component: subclass :class:`Component`, set ``name``/``short``/``label``, implement
``measure`` and decorate with :func:`register`; then give it a weight in the config.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import ClassVar

from contrib.graphs.contribution import bot_reasons, openrank_history
from contrib.graphs.lineage import derivative_credit, sock_puppet_accounts
from contrib.integrity import Cohort, bot_contributors, derivative_spam, sock_puppet_cohorts
from contrib.ranking.context import Context
from contrib.ranking.leaderboards import performance_standing
from contrib.types import Hub, RepoKind


@dataclass(frozen=True)
class Measure:
    value: float
    score: float
    detail: str
    evidence: list[str] = field(default_factory=list)


class Component:
    name: ClassVar[str]
    short: ClassVar[str]
    label: ClassVar[str]

    def measure(self, ctx: Context) -> dict[str, Measure]:
        raise NotImplementedError


REGISTRY: dict[str, type[Component]] = {}


def register(cls: type[Component]) -> type[Component]:
    if cls.name in REGISTRY:
        raise ValueError(f"component {cls.name!r} registered twice")
    REGISTRY[cls.name] = cls
    return cls


def _top_repos(ctx: Context, firm: str, limit: int = 3) -> list[str]:
    repos = ctx.repos_by_firm.get(firm, {})
    ranked = sorted(
        repos.items(), key=lambda kv: (-(ctx.repo_series.get(kv[0], [None])[-1] or 0), kv[0])
    )
    return [repo.url for _, repo in ranked[:limit]]


@register
class Downloads(Component):
    """Monthly downloads, trailing mean, each lineage family counted once."""

    name = "downloads"
    short = "dl"
    label = "monthly downloads (trailing mean)"

    def measure(self, ctx: Context) -> dict[str, Measure]:
        values = {firm: ctx.trailing(series) for firm, series in ctx.firm_series.items()}
        leader = max(values.values(), default=0.0)
        n = ctx.config.window.trailing
        return {
            firm: Measure(
                value,
                ctx.scale(value, leader),
                f"{value:,.0f}/month over the last {n} months "
                f"({len(ctx.families.get(firm, []))} model families); leader {leader:,.0f}",
                _top_repos(ctx, firm),
            )
            for firm, value in sorted(values.items())
        }


@register
class Consistency(Component):
    """Months leading the category: in the top k by monthly downloads, over every window
    month (a missing month or a month without data counts as not leading)."""

    name = "consistency"
    short = "lead"
    label = "months in the category's top k"

    def measure(self, ctx: Context) -> dict[str, Measure]:
        width = len(ctx.inputs.window)
        top_k = ctx.config.consistency.top_k
        leading: dict[str, int] = defaultdict(int)
        for m in range(width):
            ordered = sorted(
                (
                    (v, firm)
                    for firm, series in ctx.firm_series.items()
                    if (v := series[m] or 0) > 0
                ),
                key=lambda x: (-x[0], x[1]),
            )
            for _, firm in ordered[:top_k]:
                leading[firm] += 1
        return {
            firm: Measure(
                leading[firm],
                leading[firm] / width,
                f"top {top_k} in {leading[firm]} of {width} months",
            )
            for firm in sorted(ctx.firm_series)
        }


@register
class DerivativeInfluence(Component):
    """Others' derivatives of the firm's models, discounted by relation; sock-puppet
    accounts' derivatives earn nothing."""

    name = "derivative_influence"
    short = "deriv"
    label = "others' derivatives (discounted 30-day downloads)"

    def measure(self, ctx: Context) -> dict[str, Measure]:
        latest = ctx.inputs.latest
        rules = ctx.config.integrity
        puppets = sock_puppet_accounts(
            latest.stats, latest.accounts, rules.patron_min_derivatives, rules.patron_share
        )
        by_firm: dict[str, list[str]] = defaultdict(list)
        published: dict[str, list[str]] = defaultdict(list)
        for repo in latest.stats:
            if repo.kind is RepoKind.DERIVATIVE and repo.owner in puppets:
                published[repo.owner].append(repo.repo_id)
        for account, (firm, count, total) in puppets.items():
            by_firm[firm].append(account)
            ctx.excluded[firm].append(
                {
                    "kind": "sock_puppet_derivatives",
                    "account": account,
                    "detail": f"{count} of its {total} derivatives are of this firm's models",
                    "repos": sorted(set(published[account])),
                }
            )
        for firm, names in sorted(by_firm.items()):
            ctx.flag(
                firm,
                "sock_puppet_derivatives",
                f"derivatives by {', '.join(sorted(names))} excluded: "
                f"≥{rules.patron_share:.0%} of each account's derivatives are of this firm",
                [f"https://huggingface.co/{a}" for a in sorted(names)],
            )
        credit = derivative_credit(
            latest.stats, latest.accounts, ctx.config.derivative_discount, frozenset(puppets)
        )
        derivative_spam(ctx, credit)
        ctx.shared.values["derivative_credit"] = credit
        leader = max((c.credit for c in credit.values()), default=0.0)
        return {
            firm: Measure(
                c.credit,
                ctx.scale(c.credit, leader),
                f"{c.derivatives} derivatives by others, discounted 30-day downloads",
                [url for _, url in c.top[:2]],
            )
            for firm, c in sorted(credit.items())
        }


OpenRankByMonth = tuple[list[dict[str, float]], dict[str, str], dict[str, Cohort]]


def _openrank(ctx: Context) -> OpenRankByMonth:
    """Per window month, enterprise → Σ OpenRank of its repos; the bots; the cohorts."""
    cached = ctx.shared.values.get("openrank")
    if cached is not None:
        return cached
    months = ctx.inputs.by_month()
    bots: dict[str, str] = {}
    for month in ctx.inputs.months:
        bots |= bot_reasons(month.activity)
    excluded = set(bots) if ctx.config.community.exclude_bots else set()
    cohorts = sock_puppet_cohorts(ctx.inputs, ctx.config, excluded)
    for found in cohorts.values():
        excluded |= set(found.accounts)
    history = openrank_history([m.activity if m else [] for m in months], excluded=excluded)
    per_month: list[dict[str, float]] = []
    for maybe, result in zip(months, history, strict=True):
        sums: dict[str, list[float]] = defaultdict(list)
        accounts = maybe.accounts if maybe else ctx.inputs.accounts
        for repo_id in sorted(result.repos):
            firm = accounts.enterprise_of(Hub.GITHUB, repo_id.split("/")[0])
            if firm:
                sums[firm].append(result.repos[repo_id])
        per_month.append({firm: math.fsum(v) for firm, v in sorted(sums.items())})
    value = (per_month, bots, cohorts)
    ctx.shared.values["openrank"] = value
    return value


@register
class Community(Component):
    """GitHub OpenRank of the firm's repos, trailing mean; bots and sock-puppet cohorts
    excluded from the graph."""

    name = "community"
    short = "OR"
    label = "OpenRank (trailing mean)"

    def measure(self, ctx: Context) -> dict[str, Measure]:
        per_month, bots, cohorts = _openrank(ctx)
        bot_contributors(ctx, bots)
        for firm, found in sorted(cohorts.items()):
            ctx.flag(firm, "sock_puppet_contributors", found.detail, found.evidence)
            ctx.excluded[firm].append(
                {
                    "kind": "sock_puppet_contributors",
                    "month": found.month,
                    "accounts": found.accounts,
                }
            )
        has_github = {
            e.name for e in ctx.inputs.accounts.registry.enterprises if e.accounts.get(Hub.GITHUB)
        }
        values = {
            firm: ctx.trailing([month.get(firm, 0.0) for month in per_month])
            for firm in sorted(has_github)
        }
        leader = max(values.values(), default=0.0)
        n = ctx.config.window.trailing
        return {
            firm: Measure(value, ctx.scale(value, leader), f"OpenRank, mean of last {n} months")
            for firm, value in values.items()
        }


@register
class Performance(Component):
    """Hub leaderboards of allow-listed benchmarks: months the firm's best verified model
    stayed in the top positions, over every board and every window month."""

    name = "performance"
    short = "perf"
    label = "months in leaderboard top positions"

    def measure(self, ctx: Context) -> dict[str, Measure]:
        standing = performance_standing(ctx.inputs, ctx.config.performance)
        return {
            firm: Measure(s.months_in_top, s.score, s.detail, s.evidence)
            for firm, s in sorted(standing.items())
        }


def component(name: str) -> Component:
    return REGISTRY[name]()
