"""Integrity flags: shown next to the score, never silently applied to it.

* download spike — robust z-score (median/MAD, Iglewicz–Hoaglin 0.6745 factor) of each
  repo's month-to-month change in 30-day downloads;
* derivative spam — one account publishing many derivatives whose names differ only in
  digits (``…-Q4_K_M-v01``, ``-v02`` …), and the share of derivative credit they bring;
* bot-like contributors — OpenDigger's rules (``[bot]`` suffix, account type Bot,
  ``-bot`` logins, more than 300 repos a month);
* one signal dominating — a single component bringing most of the score.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from contrib.graphs.contribution import edge_activity
from contrib.ranking.config import AwardConfig, Category
from contrib.ranking.inputs import RankingInputs
from contrib.types import Hub, RepoKind

Flag = dict[str, Any]


def robust_z(values: Sequence[float]) -> list[float]:
    """0.6745·(x − median)/MAD; with MAD 0, the mean absolute deviation ×1.2533 stands in."""
    if len(values) < 3:
        return [0.0] * len(values)
    median = statistics.median(values)
    deviations = [abs(v - median) for v in values]
    mad = statistics.median(deviations)
    if mad == 0:
        mean_ad = sum(deviations) / len(deviations)
        return [0.0 if mean_ad == 0 else (v - median) / (1.2533 * mean_ad) for v in values]
    return [0.6745 * (v - median) / mad for v in values]


def download_spikes(
    inputs: RankingInputs, category: Category, config: AwardConfig
) -> dict[str, list[Flag]]:
    kinds = {RepoKind(k) for k in category.kinds}
    series: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for index, month in enumerate(inputs.months):
        for repo in month.stats:
            if repo.kind in kinds and repo.downloads_30d is not None:
                series[(repo.repo_id, repo.url)][index] = repo.downloads_30d
    out: dict[str, list[Flag]] = defaultdict(list)
    for (repo_id, url), points in sorted(series.items()):
        months = sorted(points)
        deltas = [points[b] - points[a] for a, b in itertools.pairwise(months)]
        for (month_index, delta), z in zip(
            zip(months[1:], deltas, strict=True), robust_z(deltas), strict=True
        ):
            before = points[months[months.index(month_index) - 1]]
            if (
                z > config.integrity.spike_z
                and delta >= config.integrity.spike_min_delta
                and delta >= config.integrity.spike_min_ratio * max(before, 1)
            ):
                enterprise = inputs.accounts.enterprise_of_model(repo_id)
                if enterprise:
                    out[enterprise].append(
                        {
                            "type": "download_spike",
                            "detail": f"{repo_id}: 30-day downloads +{delta:,} in "
                            f"{inputs.months[month_index].month} (robust z {z:.1f})",
                            "evidence": [url],
                        }
                    )
    return dict(out)


def name_stem(repo_id: str) -> str:
    return re.sub(r"\d+", "#", repo_id.split("/")[-1].lower())


def derivative_spam(
    inputs: RankingInputs, credit: dict[str, Any], config: AwardConfig
) -> dict[str, list[Flag]]:
    names: dict[str, set[str]] = defaultdict(set)
    for repo in inputs.latest.stats:
        if repo.kind is RepoKind.DERIVATIVE:
            names[repo.owner].add(repo.repo_id)
    spam = {
        account
        for account, repos in names.items()
        if len(repos) >= config.integrity.spam_min_derivatives
        and len({name_stem(r) for r in repos}) <= config.integrity.spam_max_stems
    }
    out: dict[str, list[Flag]] = {}
    for enterprise, entry in sorted(credit.items()):
        total = entry.credit
        spammy = {a: v for a, v in entry.by_account.items() if a in spam}
        share = sum(v[1] for v in spammy.values()) / total if total else 0.0
        if spammy and share > config.integrity.spam_share:
            accounts = ", ".join(
                f"{a} ({int(v[0])} near-identical derivatives)" for a, v in sorted(spammy.items())
            )
            out[enterprise] = [
                {
                    "type": "derivative_spam",
                    "detail": f"{share:.0%} of derivative credit comes from {accounts}",
                    "evidence": [f"https://huggingface.co/{a}" for a in sorted(spammy)],
                }
            ]
    return out


def bot_contributors(
    inputs: RankingInputs, bots: dict[str, str], excluded: bool, min_share: float
) -> dict[str, list[Flag]]:
    total: dict[str, float] = defaultdict(float)
    by_bot: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for a in inputs.latest.activity:
        enterprise = inputs.accounts.enterprise_of(Hub.GITHUB, a.repo_id.split("/")[0])
        if enterprise is None:
            continue
        weight = edge_activity(a)
        total[enterprise] += weight
        if a.developer in bots:
            by_bot[enterprise][a.developer] += weight
    out: dict[str, list[Flag]] = {}
    for enterprise, found in sorted(by_bot.items()):
        share = sum(found.values()) / total[enterprise] if total[enterprise] else 0.0
        if share <= min_share:
            continue
        who = ", ".join(f"{b} ({bots[b]})" for b in sorted(found))
        action = (
            "excluded from the community score" if excluded else "included in the community score"
        )
        out[enterprise] = [
            {
                "type": "bot_contributors",
                "detail": f"{share:.0%} of latest-month activity by bot-like accounts, "
                f"{action}: {who}",
                "evidence": [
                    f"https://github.com/{b.removesuffix('[bot]')}" for b in sorted(found)
                ],
            }
        ]
    return out


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
