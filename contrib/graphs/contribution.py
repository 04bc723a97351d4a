"""The developer ↔ repo contribution graph, OpenDigger activity, and monthly OpenRank.

Activity per developer (the statistical index)::

    A_u = sqrt(0.5252·issue_comment + 2.2235·open_issue + 4.0679·open_pull
               + 0.7427·review_comment + 2.0339·merged_pull)

Edge weights for OpenRank (×10, not square-rooted)::

    22.235·open_issue + 5.252·issue_comment + 9.712·closed_issue + 7.427·review_comment
    + 40.679·open_pull + 14.695·push

REST has no push events, so commits stand in for pushes and closed issues count 0.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from contrib.openrank import DEFAULT_PARAMS, OpenRankParams, bipartite_openrank, user_initial
from contrib.types import Activity

BOT_SUFFIXES = re.compile(r"(\[bot\]|[-_]bot)$", re.IGNORECASE)
#: OpenDigger drops users linked to more than this many repos in one month
MAX_REPOS_PER_MONTH = 300


def developer_activity(a: Activity) -> float:
    """OpenDigger's statistical activity (square root of the AHP-weighted counts)."""
    return math.sqrt(
        0.5252 * a.issue_comment
        + 2.2235 * a.open_issue
        + 4.0679 * a.open_pull
        + 0.7427 * a.review_comment
        + 2.0339 * a.merged_pull
    )


def edge_activity(a: Activity) -> float:
    return (
        22.235 * a.open_issue
        + 5.252 * a.issue_comment
        + 7.427 * a.review_comment
        + 40.679 * a.open_pull
        + 14.695 * a.commits
    )


def bot_reasons(activities: list[Activity]) -> dict[str, str]:
    """Developer → why OpenDigger's rules call it a bot."""
    repos: dict[str, set[str]] = defaultdict(set)
    reasons: dict[str, str] = {}
    for a in activities:
        repos[a.developer].add(a.repo_id)
        if a.is_bot:
            reasons[a.developer] = "account type Bot"
        elif BOT_SUFFIXES.search(a.developer):
            reasons.setdefault(a.developer, "login ends in bot")
    for developer, linked in repos.items():
        if len(linked) > MAX_REPOS_PER_MONTH:
            reasons.setdefault(
                developer, f"{len(linked)} repos in one month (> {MAX_REPOS_PER_MONTH})"
            )
    return reasons


@dataclass
class MonthlyOpenRank:
    repos: dict[str, float]
    users: dict[str, float]
    iterations: int


def month_openrank(
    activities: list[Activity],
    *,
    excluded: set[str],
    previous: dict[str, tuple[float, int]] | None = None,
    params: OpenRankParams = DEFAULT_PARAMS,
) -> MonthlyOpenRank:
    """One month's OpenRank. ``previous`` maps node → (value, months since seen)."""
    previous = previous or {}
    rows = [a for a in activities if a.developer not in excluded and edge_activity(a) > 0]
    users = sorted({a.developer for a in rows})
    repos = sorted({a.repo_id for a in rows})
    if not rows:
        return MonthlyOpenRank({}, {}, 0)
    u_index = {u: i for i, u in enumerate(users)}
    r_index = {r: i for i, r in enumerate(repos)}
    u = np.array([u_index[a.developer] for a in rows], dtype=np.int64)
    r = np.array([r_index[a.repo_id] for a in rows], dtype=np.int64)
    act = np.array([edge_activity(a) for a in rows])
    stat = np.zeros(len(users))
    for a in rows:
        stat[u_index[a.developer]] += developer_activity(a)

    def carried(key: str) -> float:
        value, gap = previous.get(key, (0.0, 0))
        return value * params.decay**gap

    user_init = user_initial(stat, params) + np.array([carried("u:" + x) for x in users])
    repo_init = np.array([carried("r:" + x) for x in repos])
    result = bipartite_openrank(
        u, r, act, len(users), len(repos), user_init=user_init, repo_init=repo_init, params=params
    )
    return MonthlyOpenRank(
        repos={x: float(v) for x, v in zip(repos, result.repos, strict=True)},
        users={x: float(v) for x, v in zip(users, result.users, strict=True)},
        iterations=result.iterations,
    )


def openrank_history(
    months: list[list[Activity]], *, excluded: set[str], params: OpenRankParams = DEFAULT_PARAMS
) -> list[MonthlyOpenRank]:
    """Month after month, each starting from the last (decayed by months unseen)."""
    carried: dict[str, tuple[float, int]] = {}
    out = []
    for activities in months:
        result = month_openrank(activities, excluded=excluded, previous=carried, params=params)
        carried = {k: (v, gap + 1) for k, (v, gap) in carried.items()}
        carried |= {f"r:{k}": (v, 1) for k, v in result.repos.items()}
        carried |= {f"u:{k}": (v, 1) for k, v in result.users.items()}
        out.append(result)
    return out
