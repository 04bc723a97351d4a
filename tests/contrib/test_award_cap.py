"""政策第四条: at most ten firms in all, one award each; ties and budgets never inflate awards."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from contrib.ranking.awards import allocate
from contrib.ranking.rank import RankingRun
from tests.contrib.award_fixtures import CONFIG, config


def _run(category: str, ranks: list[tuple[str, int]], awardable: bool = True) -> RankingRun:
    results: list[dict[str, Any]] = [
        {
            "enterprise": name,
            "eligible": True,
            "rank": rank,
            "tie": sum(1 for _, r in ranks if r == rank) > 1,
            "score": 1.0 - rank / 100,
            "tier": None,
            "amount_cny": None,
            "award_position": None,
            "flags": [],
        }
        for name, rank in ranks
    ]
    return RankingRun(
        category,
        date(2026, 12, 1),
        [1],
        "h",
        "v",
        "c",
        results,
        awardable=awardable,
        note=None if awardable else f"{category}: too few entrants",
    )


def _ranks(names: list[str]) -> list[tuple[str, int]]:
    return [(n, i + 1) for i, n in enumerate(names)]


def test_ten_firms_in_all_one_award_each_across_categories() -> None:
    # the old per-category cap paid 13+ firms and gave one firm three first-tier awards
    models = _run("models", _ranks(["A", "B", "C"] + [f"M{i}" for i in range(7)]))
    operators = _run("operators", _ranks(["A", "B"] + [f"O{i}" for i in range(8)]))
    datasets = _run("datasets", _ranks(["A"] + [f"D{i}" for i in range(9)]))
    award = allocate([models, operators, datasets], CONFIG)
    firms = [a["enterprise"] for a in award.awards]
    assert len(firms) == 10 and len(set(firms)) == 10
    assert firms.count("A") == 1 and award.awards[0]["enterprise"] == "A"
    tiers = Counter(a["tier"] for a in award.awards)
    assert tiers == {"一档": 3, "二档": 3, "三档": 4}
    assert award.total_cny == 3 * 1_000_000 + 3 * 500_000 + 4 * 200_000
    assert all(c["ok"] for c in award.checks), award.checks
    # every award is also written beside the firm's row in its category
    paid = [r for run in award.categories for r in run.results if r["tier"]]
    assert len(paid) == 10


def test_a_tie_across_a_tier_boundary_is_paid_the_lower_tier() -> None:
    run = _run("models", [("A", 1), ("B", 2), ("C", 3), ("D", 3), ("E", 5), ("F", 6)])
    award = allocate([run], CONFIG)
    tiers = {a["enterprise"]: a["tier"] for a in award.awards}
    assert list(tiers.values()).count("一档") == 2  # never four first-tier awards
    assert tiers["C"] == tiers["D"] == "二档"
    c = next(r for r in run.results if r["enterprise"] == "C")
    assert any(f["type"] == "tie_across_tier" for f in c["flags"])


def test_a_tie_across_the_cap_is_not_awarded_and_flagged() -> None:
    ranks = [*_ranks([f"F{i}" for i in range(9)]), ("X", 10), ("Y", 10)]
    run = _run("models", ranks)
    award = allocate([run], CONFIG)
    assert len(award.awards) == 9
    flagged = [
        r["enterprise"] for r in run.results for f in r["flags"] if f["type"] == "tie_at_cap"
    ]
    assert flagged == ["X", "Y"] and any("left open" in n for n in award.notes)


def test_the_budget_drops_awards_from_the_bottom() -> None:
    awards = CONFIG.awards.model_copy(update={"budget_cny": 3_500_000})
    run = _run("models", _ranks([f"F{i}" for i in range(10)]))
    award = allocate([run], config(awards=awards.model_dump()))
    assert award.total_cny <= 3_500_000 and len(award.awards) == 4
    assert all(c["ok"] for c in award.checks)
    dropped = next(r for r in run.results if r["enterprise"] == "F4")
    assert dropped["tier"] is None and dropped["flags"][0]["type"] == "over_budget"


def test_a_tiny_category_makes_no_awards_and_says_so() -> None:
    tiny = _run("operators", _ranks(["A", "B", "C"]), awardable=False)
    models = _run("models", _ranks(["M1", "M2"]))
    award = allocate([models, tiny], CONFIG)
    assert [a["enterprise"] for a in award.awards] == ["M1", "M2"]
    assert award.notes == ["operators: too few entrants"]
