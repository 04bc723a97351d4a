"""Every gaming vector of issue 9, planted in a hand-built world, and the rule that fires."""

from __future__ import annotations

import pytest

from contrib.integrity import growth_z
from contrib.ranking.rank import measure_category, rank_category
from contrib.registry import Registry
from contrib.types import Activity, Hub, LeaderboardEntry, RepoKind
from tests.contrib.award_fixtures import CONFIG, firm, model, world

A, B, C = "甲公司", "乙公司", "丙公司"


def _registry(*extra: object) -> Registry:
    return Registry((firm(A, 1, github=True), firm(B, 2, github=True), firm(C, 3), *extra))  # type: ignore[arg-type]


def _flags(run_results: list[dict[str, object]], name: str) -> dict[str, list[str]]:
    row = next(r for r in run_results if r["enterprise"] == name)
    out: dict[str, list[str]] = {}
    for f in row["flags"]:  # type: ignore[attr-defined]
        out.setdefault(f["type"], []).append(f["detail"])
    return out


def test_own_copies_count_as_one_family_and_are_flagged() -> None:
    # 甲: one 20k model and 30 quantised / renamed / re-uploaded copies at 20k each
    copies = [model(f"firm1/Chat-7B-GGUF-v{i}", 20_000) for i in range(10)]
    copies += [model(f"firm1/Chat-7B-AWQ-copy{i}", 20_000) for i in range(10)]
    copies += [
        model(f"firm1/renamed-{i}", 20_000, ("firm1/Chat-7B", "quantized"), kind=RepoKind.MODEL)
        for i in range(10)
    ]
    stats = [model("firm1/Chat-7B", 20_000), *copies, model("firm2/Big", 300_000)]
    run = rank_category(world(_registry(), [stats] * 3), "models", CONFIG, "h")
    by_name = {r["enterprise"]: r for r in run.results}
    # old method: 31 × 20k = 620k beat the 300k firm; now the family is worth ≤ 2 × 20k
    assert by_name[A]["components"]["downloads"]["value"] == pytest.approx(40_000)
    assert by_name[B]["components"]["downloads"]["value"] == pytest.approx(300_000)
    assert by_name[B]["rank"] < by_name[A]["rank"]
    assert "30 copies of firm1/Chat-7B" in _flags(run.results, A)["own_copies"][0]
    assert sum(1 for e in by_name[A]["excluded"] if e["kind"] == "own_copy") == 30


def test_sock_puppet_derivatives_earn_nothing_and_are_flagged() -> None:
    base = model("firm1/Base", 50_000)
    puppets = [
        model(f"fan{k}/{name}-{i}", 5_000, ("firm1/Base", "finetune"))
        for k in range(3)
        for i, name in enumerate(["Chat", "Coder", "Law", "Med", "Poem", "Math", "Tutor"] * 3)
        if i < 19
    ]
    community = [
        model(f"dev{i}/ft-{i}", 1_000, (base_id, "finetune"))
        for i, base_id in enumerate(["firm1/Base", "firm2/Base", "firm3/Base"] * 4)
    ]
    stats = [base, model("firm2/Base", 50_000), model("firm3/Base", 50_000), *puppets, *community]
    cm = measure_category(world(_registry(), [stats] * 3), "models", CONFIG)
    credit = cm.measures["derivative_influence"]
    # 3 accounts × 19 varied names: under the spam rule, caught by the sock-puppet rule
    assert credit[A].value == pytest.approx(4 * 1_000 * 0.5)  # only the real developers
    assert credit[A].value == pytest.approx(credit[B].value)
    assert "fan0, fan1, fan2" in cm.ctx.flags[A][0]["detail"]
    assert {e["account"] for e in cm.ctx.excluded[A]} == {"fan0", "fan1", "fan2"}
    assert all(len(e["repos"]) == 19 for e in cm.ctx.excluded[A])  # every one listed


def _activity(repo: str, dev: str, pulls: int = 2) -> Activity:
    return Activity(Hub.GITHUB, repo, dev, open_pull=pulls, commits=pulls, issue_comment=1)


def test_github_sock_puppets_are_excluded_from_openrank_and_flagged() -> None:
    team = [f"coder{i}" for i in range(4)]
    steady = [
        [_activity("firm1-oss/core", d) for d in team]
        + [_activity("firm2-oss/core", f"dev{i}") for i in range(4)]
    ] * 6
    stats = [[model("firm1/M", 1000), model("firm2/M", 1000)]] * 6
    honest = rank_category(world(_registry(), stats, activity=steady), "models", CONFIG, "h")
    # 20 human-named accounts appear in the last month, only on 甲's repo
    puppets = [_activity("firm1-oss/core", f"zhang-wei-{i}", pulls=6) for i in range(20)]
    gamed_activity = [*steady[:-1], steady[-1] + puppets]
    gamed = rank_category(world(_registry(), stats, activity=gamed_activity), "models", CONFIG, "h")

    def community(run: object) -> float:
        row = next(r for r in run.results if r["enterprise"] == A)  # type: ignore[attr-defined]
        return float(row["components"]["community"]["value"])

    assert community(gamed) == pytest.approx(community(honest), rel=0.05)
    assert (
        "20 accounts first seen in 2026-12"
        in _flags(gamed.results, A)["sock_puppet_contributors"][0]
    )


def test_a_burst_before_the_snapshot_buys_only_its_trailing_share() -> None:
    months = [[model("firm1/M", 100_000), model("firm2/M", 300_000)] for _ in range(5)]
    months.append([model("firm1/M", 900_000), model("firm2/M", 300_000)])
    cm = measure_category(world(_registry(), months), "models", CONFIG)
    downloads = cm.measures["downloads"]
    assert downloads[A].value == pytest.approx((100_000 + 100_000 + 900_000) / 3)
    assert downloads[A].value < 900_000 / 2  # the latest month alone would have read 900k
    assert any(f["type"] == "download_spike" for f in cm.ctx.flags[A])


def test_a_jump_in_a_flat_or_short_history_is_flagged() -> None:
    # the old MAD fallback capped z at (n−1)/1.2533 = 2.39 for four months: never flagged
    assert dict(growth_z([1000, 1000, 1000, 200_000], 0.35))[3] > CONFIG.integrity.spike_z
    young = [[model("firm2/Other", 5_000)]] * 4 + [
        [model("firm1/New", 1_000), model("firm2/Other", 5_000)],
        [model("firm1/New", 200_000), model("firm2/Other", 5_000)],
    ]
    cm = measure_category(world(_registry(), young), "models", CONFIG)
    assert any("firm1/New" in f["detail"] for f in cm.ctx.flags[A] if f["type"] == "download_spike")


def test_inflation_spread_over_many_repos_is_caught_at_firm_level() -> None:
    flat = [model(f"firm1/m{i}", 100) for i in range(50)]
    jumped = [model(f"firm1/m{i}", 4_000) for i in range(50)]  # each +3,900 < 5,000
    months = [[*flat, model("firm2/M", 9000)]] * 5 + [[*jumped, model("firm2/M", 9000)]]
    cm = measure_category(world(_registry(), months), "models", CONFIG)
    kinds = {f["type"] for f in cm.ctx.flags[A]}
    assert "download_spike" not in kinds and "firm_download_spike" in kinds


def test_modelscope_monthly_downloads_come_from_consecutive_totals() -> None:
    totals = [1_000_000, 1_200_000, 1_450_000, 1_700_000, 2_000_000, 2_300_000]
    months = [
        [
            model("firm3/Only-On-ModelScope", None, hub=Hub.MODELSCOPE, all_time=t),
            model("firm2/M", 200_000),
        ]
        for t in totals
    ]
    cm = measure_category(world(_registry(), months), "models", CONFIG)
    downloads = cm.measures["downloads"]
    assert downloads[C].value == pytest.approx((250_000 + 300_000 + 300_000) / 3)
    assert downloads[C].score == 1.0 and downloads[B].score < 1.0  # can lead the category
    assert cm.measures["consistency"][C].score > 0


def test_the_scale_separates_the_top_and_pays_nothing_for_cheap_inflation() -> None:
    months = [[model("firm1/M", 10_000_000), model("firm2/M", 6_000_000), model("firm3/M", 1_000)]]
    downloads = measure_category(world(_registry(), months * 3), "models", CONFIG).measures[
        "downloads"
    ]
    assert downloads[A].score == 1.0 and 0.7 < downloads[B].score < 0.85
    assert downloads[C].score < 0.001  # the old log cap gave 1,000 downloads 0.45


def test_consistency_divides_by_every_window_month() -> None:
    months = [[model("firm2/M", 1_000)]] * 4 + [
        [model("firm1/M", 9_000), model("firm2/M", 1_000)]
    ] * 2
    cm = measure_category(world(_registry(), months), "models", CONFIG)
    assert cm.measures["consistency"][A].score == pytest.approx(2 / 6)  # not 2 of 2 seen


def test_missing_months_are_detected_and_the_window_is_bounded() -> None:
    months = [[model("firm1/M", 1_000)]] * 6
    inputs = world(_registry(), months, skip=(1, 3))
    assert inputs.missing == ["2026-08", "2026-10"] and len(inputs.window) == 6
    run = rank_category(inputs, "models", CONFIG, "h")
    assert run.missing_months == ["2026-08", "2026-10"]


def _entry(dataset: str, model_id: str, value: float, verified: bool = True) -> LeaderboardEntry:
    return LeaderboardEntry(dataset, model_id, 0, value, verified, model_id.split("/")[0])


def test_performance_uses_hub_boards_verified_only_with_rivals_and_minimum_size() -> None:
    board = "bench/c-eval"
    rivals = [_entry(board, f"outsider{i}/m", 80.0 - i) for i in range(5)]  # not registered
    entries = [
        _entry(board, "firm1/a", 90.0, verified=False),  # self-claimed top: not verified
        _entry(board, "firm1/b", 70.0),
        *[_entry(board, f"firm2/copy{i}", 85.0) for i in range(5)],  # own copies: one place
        *rivals,
    ]
    small = [_entry("bench/mmlu-zh", "firm1/a", 99.0), _entry("bench/mmlu-zh", "x/y", 1.0)]
    boards = [{board: entries, "bench/mmlu-zh": small}] * 6
    stats = [[model("firm1/a", 1, evals=({"dataset": board, "value": 99.0},)), model("firm2/m", 1)]]
    cm = measure_category(world(_registry(), stats * 6, boards=boards), "models", CONFIG)
    perf = cm.measures["performance"]
    assert perf[B].value == 6  # first on c-eval every month
    assert perf[A].value == 0  # 70.0 is 7th among competitors; 99 self-reported never scores
    # all allow-listed boards × all months in the denominator; mmlu-zh too small to score
    assert perf[B].score == pytest.approx(6 / (len(CONFIG.performance.benchmarks) * 6))
    assert "mmlu-zh" in perf[B].detail and "not scored" in perf[B].detail


def test_a_tiny_category_is_not_awardable() -> None:
    stats = [[model("firm1/M", 1_000), model("firm2/M", 2_000)]] * 3
    run = rank_category(world(_registry(), stats), "models", CONFIG, "h")
    assert not run.awardable and "below the minimum of 10" in str(run.note)
