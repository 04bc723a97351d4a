"""Integrity checks: what an interested party would do to the numbers, and the rule that fires.

* download spike — robust z of the *log growth* month on month, against the series' other
  growths, with a scale that never drops below ``spike_min_scale``: a flat or short history
  cannot hide a jump (the old MAD fallback capped z at (n−1)/1.2533), and a repo needs only
  two observed months to be tested; each growth is judged against the earlier ones.
  Tested per repo and per firm, so inflation spread over many repos, each under the
  per-repo minimum, is caught at the firm's level;
* sock-puppet contributors — a cohort of GitHub accounts first seen in one month, active
  only on one firm's repos, large and heavy enough: excluded from OpenRank and flagged;
* derivative spam — one account publishing many derivatives whose names differ only in
  digits, and the share of derivative credit they bring;
* own copies — a firm's lineage families with several copies (counted once, flagged);
* bot-like contributors — OpenDigger's rules; one signal dominating the score.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from contrib.graphs.contribution import edge_activity
from contrib.ranking.config import AwardConfig
from contrib.ranking.inputs import RankingInputs
from contrib.types import Hub, RepoKind

if TYPE_CHECKING:
    from contrib.ranking.context import Context

Flag = dict[str, Any]


@dataclass(frozen=True)
class Cohort:
    month: str
    accounts: list[str]
    detail: str
    evidence: list[str]


def growth_z(series: Sequence[float | None], min_scale: float) -> list[tuple[int, float]]:
    """(month index, z) for every month whose previous month is observed.

    ``z = (g − median(earlier)) / max(1.4826·MAD(earlier), min_scale)`` with
    ``g = ln((x_t + 1) / (x_{t−1} + 1))``, against the *earlier* growths only (the fall
    after a spike must not excuse it); with no earlier growth the median is 0.

    >>> [round(z, 1) for _, z in growth_z([1000, 1000, 1000, 200_000], 0.35)]
    [0.0, 0.0, 15.1]
    """
    growths: list[tuple[int, float]] = []
    for t in range(1, len(series)):
        before, now = series[t - 1], series[t]
        if before is not None and now is not None:
            growths.append((t, math.log((now + 1) / (before + 1))))
    out = []
    for i, (t, g) in enumerate(growths):
        others = [x for _, x in growths[:i]]
        median = statistics.median(others) if others else 0.0
        mad = statistics.median(abs(x - median) for x in others) if others else 0.0
        out.append((t, (g - median) / max(1.4826 * mad, min_scale)))
    return out


def _spikes(series: Sequence[float | None], config: AwardConfig) -> list[tuple[int, float, float]]:
    rules = config.integrity
    found = []
    for t, z in growth_z(series, rules.spike_min_scale):
        delta = (series[t] or 0) - (series[t - 1] or 0)
        if z > rules.spike_z and delta >= rules.spike_min_delta:
            found.append((t, z, delta))
    return found


def download_spikes(ctx: Context) -> None:
    """Flag per-repo and per-firm jumps in monthly downloads (shown beside the score; the
    trailing mean already limits what a one-month jump can buy)."""
    window = ctx.inputs.window
    for firm, repos in sorted(ctx.repos_by_firm.items()):
        for key, repo in sorted(repos.items()):
            for t, z, delta in _spikes(ctx.repo_series.get(key, []), ctx.config):
                ctx.flag(
                    firm,
                    "download_spike",
                    f"{repo.repo_id}: monthly downloads +{delta:,.0f} in {window[t]} "
                    f"(robust z {z:.1f})",
                    [repo.url],
                )
    for firm, series in sorted(ctx.firm_series.items()):
        for t, z, delta in _spikes(series, ctx.config):
            ctx.flag(
                firm,
                "firm_download_spike",
                f"all {ctx.category_name} repos together: +{delta:,.0f} in {window[t]} "
                f"(robust z {z:.1f})",
                [],
            )


def own_copies(ctx: Context) -> None:
    """Flag families with several copies, and list every copy as excluded (counted at the
    copy discount)."""
    rules = ctx.config.families
    for firm, families in sorted(ctx.families.items()):
        repos = ctx.repos_by_firm[firm]
        for family in families:
            if len(family) - 1 < rules.flag_min_copies:
                continue
            ids = [repos[k].repo_id for k in family]
            ctx.flag(
                firm,
                "own_copies",
                f"{len(family) - 1} copies of {ids[0]} counted as one family "
                f"(copies at {rules.copy_discount:.0%}, together at most {rules.cap:g}× the best)",
                [repos[k].url for k in family[:3]],
            )
            for key in family[1:]:
                ctx.excluded[firm].append(
                    {"kind": "own_copy", "repo": repos[key].repo_id, "family": ids[0]}
                )


def sock_puppet_cohorts(
    inputs: RankingInputs, config: AwardConfig, excluded: set[str]
) -> dict[str, Cohort]:
    """Firm → the cohort of new single-firm accounts that would inflate its OpenRank."""
    rules = config.community
    seen: set[str] = set()
    out: dict[str, Cohort] = {}
    for index, month in enumerate(inputs.by_month()):
        if month is None:
            continue
        firms_of: dict[str, set[str | None]] = defaultdict(set)
        weight: dict[str, float] = defaultdict(float)
        firm_total: dict[str, float] = defaultdict(float)
        for a in month.activity:
            firm = month.accounts.enterprise_of(Hub.GITHUB, a.repo_id.split("/")[0])
            firms_of[a.developer].add(firm)
            weight[a.developer] += edge_activity(a)
            if firm and a.developer not in excluded:
                firm_total[firm] += edge_activity(a)
        if index > 0 and seen:
            cohorts: dict[str, list[str]] = defaultdict(list)
            for dev, firms in sorted(firms_of.items()):
                (firm,) = firms if len(firms) == 1 else (None,)
                if firm and dev not in seen and dev not in excluded:
                    cohorts[firm].append(dev)
            for firm, devs in sorted(cohorts.items()):
                share = math.fsum(weight[d] for d in devs) / firm_total[firm]
                if len(devs) >= rules.cohort_min and share > rules.cohort_share:
                    out[firm] = Cohort(
                        month.month,
                        devs,
                        f"{len(devs)} accounts first seen in {month.month}, active only on "
                        f"this firm's repos, did {share:.0%} of its activity: excluded from "
                        "OpenRank as sock puppets",
                        [f"https://github.com/{d}" for d in devs[:5]],
                    )
        seen |= set(firms_of)
    return out


def name_stem(repo_id: str) -> str:
    return re.sub(r"\d+", "#", repo_id.split("/")[-1].lower())


def derivative_spam(ctx: Context, credit: dict[str, Any]) -> None:
    rules = ctx.config.integrity
    names: dict[str, set[str]] = defaultdict(set)
    for repo in ctx.inputs.latest.stats:
        if repo.kind is RepoKind.DERIVATIVE:
            names[repo.owner].add(repo.repo_id)
    spam = {
        account
        for account, repos in names.items()
        if len(repos) >= rules.spam_min_derivatives
        and len({name_stem(r) for r in repos}) <= rules.spam_max_stems
    }
    for enterprise, entry in sorted(credit.items()):
        total = entry.credit
        spammy = {a: v for a, v in entry.by_account.items() if a in spam}
        share = sum(v[1] for v in spammy.values()) / total if total else 0.0
        if spammy and share > rules.spam_share:
            accounts = ", ".join(
                f"{a} ({int(v[0])} near-identical derivatives)" for a, v in sorted(spammy.items())
            )
            ctx.flag(
                enterprise,
                "derivative_spam",
                f"{share:.0%} of derivative credit comes from {accounts}",
                [f"https://huggingface.co/{a}" for a in sorted(spammy)],
            )


def bot_contributors(ctx: Context, bots: dict[str, str]) -> None:
    excluded = ctx.config.community.exclude_bots
    total: dict[str, float] = defaultdict(float)
    by_bot: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for a in ctx.inputs.latest.activity:
        enterprise = ctx.inputs.accounts.enterprise_of(Hub.GITHUB, a.repo_id.split("/")[0])
        if enterprise is None:
            continue
        weight = edge_activity(a)
        total[enterprise] += weight
        if a.developer in bots:
            by_bot[enterprise][a.developer] += weight
    for enterprise, found in sorted(by_bot.items()):
        share = sum(found.values()) / total[enterprise] if total[enterprise] else 0.0
        if share <= ctx.config.integrity.bot_share:
            continue
        who = ", ".join(f"{b} ({bots[b]})" for b in sorted(found))
        action = "excluded from" if excluded else "included in"
        ctx.flag(
            enterprise,
            "bot_contributors",
            f"{share:.0%} of latest-month activity by bot-like accounts, "
            f"{action} the community score: {who}",
            [f"https://github.com/{b.removesuffix('[bot]')}" for b in sorted(found)],
        )
        for b in sorted(found):
            ctx.excluded[enterprise].append({"kind": "bot", "account": b, "reason": bots[b]})


def dominant_signal(
    components: dict[str, dict[str, Any]], score: float, threshold: float
) -> list[Flag]:
    if score <= 0:
        return []
    flags = []
    for name, c in sorted(components.items()):
        share = c["contribution"] / score
        if share > threshold:
            flags.append(
                {
                    "type": "dominant_signal",
                    "detail": f"{name} brings {share:.0%} of the score",
                    "evidence": [],
                }
            )
    return flags
