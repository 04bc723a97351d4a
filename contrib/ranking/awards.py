"""The policy's cap across categories: at most ten firms in all, one award each (政策第四条).

Award positions are filled round by round: round r takes the firms ranked r in each
awardable category (categories in config order), skipping firms already awarded — a firm
strong in several categories takes one award, at its best placement. The tier is the one of
the award position (1–3 一档, 4–6 二档, 7–10 三档 by default).

Ties never inflate awards: firms tied for a category rank share the *lowest* tier of the
positions they jointly occupy (a tie at 3rd is paid 二档 to both, never 一档 to four firms),
and a tied group that would cross the cap is not awarded at all — it is flagged for the
committee, and the slot stays empty. If a budget is configured and the total would exceed
it, awards are dropped from the last position up. Every check is listed in the output.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from contrib.ranking.config import POLICY_MAX_AWARD, POLICY_MAX_FIRMS, POLICY_MIN_AWARD, AwardConfig
from contrib.ranking.rank import RankingRun


@dataclass
class AwardRun:
    categories: list[RankingRun]
    awards: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total_cny(self) -> int:
        return sum(a["amount_cny"] for a in self.awards)

    def category(self, name: str) -> RankingRun:
        for run in self.categories:
            if run.category == name:
                return run
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "categories": [run.as_dict() for run in self.categories],
            "awards": self.awards,
            "total_cny": self.total_cny,
            "checks": self.checks,
            "notes": self.notes,
        }


def allocate(runs: list[RankingRun], config: AwardConfig) -> AwardRun:
    """Fill tiers and amounts in ``runs`` (in place) and return the award list and checks."""
    out = AwardRun(runs)
    order = {run.category: i for i, run in enumerate(runs)}
    groups: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for run in runs:
        if not run.awardable:
            out.notes.append(str(run.note))
            continue
        for r in run.ranked():
            groups[(r["rank"], order[run.category])].append(r)
    awarded: set[str] = set()
    position = 0
    limit = config.awards.max_firms
    stopped = False
    for rank, cat_index in sorted(groups):
        category = runs[cat_index].category
        group = sorted(
            (r for r in groups[(rank, cat_index)] if r["enterprise"] not in awarded),
            key=lambda r: r["enterprise"],
        )
        if not group:
            continue
        if stopped:
            break
        last = position + len(group)
        if last > limit:
            for r in group:
                r["flags"].append(
                    {
                        "type": "tie_at_cap",
                        "detail": f"tied at {category} rank {rank} with "
                        f"{', '.join(x['enterprise'] for x in group if x is not r)}; the tie "
                        f"would take award positions {position + 1}–{last} of at most {limit}: "
                        "not awarded, for the committee to decide",
                        "evidence": [],
                    }
                )
            out.notes.append(
                f"{len(group)} firms tied at {category} rank {rank} would exceed the cap of "
                f"{limit}: positions {position + 1}–{limit} left open for the committee"
            )
            stopped = True
            continue
        tier = config.tier_at(last)  # the lowest tier the tied group occupies
        for offset, r in enumerate(group):
            assert tier is not None
            r["tier"], r["amount_cny"] = tier.name, tier.amount_cny
            r["award_position"] = position + offset + 1
            if len(group) > 1 and config.tier_at(position + offset + 1) != tier:
                r["flags"].append(
                    {
                        "type": "tie_across_tier",
                        "detail": f"tied at {category} rank {rank}: paid {tier.name}, the "
                        f"lowest tier of positions {position + 1}–{last}",
                        "evidence": [],
                    }
                )
            awarded.add(r["enterprise"])
            out.awards.append(
                {
                    "position": position + offset + 1,
                    "enterprise": r["enterprise"],
                    "category": category,
                    "category_rank": rank,
                    "tier": tier.name,
                    "amount_cny": tier.amount_cny,
                }
            )
        position = last
        if position >= limit:
            stopped = True
    _fit_budget(out, config)
    out.checks = cap_checks(out, config)
    return out


def _fit_budget(out: AwardRun, config: AwardConfig) -> None:
    budget = config.awards.budget_cny
    if budget is None:
        return
    while out.awards and out.total_cny > budget:
        dropped = out.awards.pop()
        for run in out.categories:
            for r in run.results:
                if r["enterprise"] == dropped["enterprise"] and r["tier"] is not None:
                    r["tier"] = r["amount_cny"] = r["award_position"] = None
                    r["flags"].append(
                        {
                            "type": "over_budget",
                            "detail": f"position {dropped['position']} dropped: the total "
                            f"would exceed the budget of ¥{budget:,}",
                            "evidence": [],
                        }
                    )
        out.notes.append(f"award position {dropped['position']} dropped to fit the budget")


def cap_checks(out: AwardRun, config: AwardConfig) -> list[dict[str, Any]]:
    """The checks the committee signs off, each with its numbers."""
    firms = [a["enterprise"] for a in out.awards]
    amounts = [a["amount_cny"] for a in out.awards]
    budget = config.awards.budget_cny
    checks = [
        {
            "check": f"at most {POLICY_MAX_FIRMS} firms in all (政策第四条)",
            "ok": len(firms) <= min(POLICY_MAX_FIRMS, config.awards.max_firms),
            "detail": f"{len(firms)} firms awarded",
        },
        {
            "check": "one award per firm",
            "ok": len(set(firms)) == len(firms),
            "detail": f"{len(set(firms))} distinct firms, {len(firms)} awards",
        },
        {
            "check": "each award within ¥200,000–¥1,000,000",
            "ok": all(POLICY_MIN_AWARD <= a <= POLICY_MAX_AWARD for a in amounts),
            "detail": f"amounts {sorted(set(amounts), reverse=True)}",
        },
        {
            "check": "total within the budget",
            "ok": budget is None or out.total_cny <= budget,
            "detail": f"total ¥{out.total_cny:,}"
            + (f" of ¥{budget:,}" if budget is not None else " (no budget configured)"),
        },
    ]
    return checks
