"""Ranking pieces on hand-made inputs: caps, derivative credit, ties, tiers, flags, config."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from contrib.clients.hf import raise_for_status
from contrib.errors import ConfigError, HubBadResponse
from contrib.graphs.accounts import AccountMap
from contrib.graphs.lineage import derivative_credit
from contrib.integrity import dominant_signal, name_stem, robust_z
from contrib.ranking.components import log_cap
from contrib.ranking.config import default_config_path, load_config
from contrib.ranking.rank import _assign_ranks
from contrib.registry import Enterprise, Registry
from contrib.types import BaseRef, Hub, RepoKind, RepoStat

CONFIG, _ = load_config()


def _registry() -> Registry:
    return Registry(
        (
            Enterprise("甲", accounts={Hub.HF: ("a-org",)}),
            Enterprise("乙", accounts={Hub.HF: ("b-org",)}),
        )
    )


def _model(repo_id: str, downloads: int, *bases: tuple[str, str]) -> RepoStat:
    return RepoStat(
        Hub.HF,
        RepoKind.DERIVATIVE if bases else RepoKind.MODEL,
        repo_id,
        repo_id.split("/")[0],
        downloads_30d=downloads,
        base_models=tuple(BaseRef(b, r) for b, r in bases),
        url=f"https://huggingface.co/{repo_id}",
    )


def test_log_cap_is_criticality_score_normalisation() -> None:
    assert log_cap(0, 100) == 0.0
    assert log_cap(99, 99) == pytest.approx(1.0)
    assert log_cap(9, 99) == pytest.approx(math.log(10) / math.log(100))
    assert log_cap(10**9, 99) == 1.0  # capped


def test_derivative_credit_discounts_splits_merges_and_skips_self_derivatives() -> None:
    stats = [
        _model("a-org/base", 1000),
        _model("b-org/base", 1000),
        _model("x/ft", 100, ("a-org/base", "finetune")),
        _model("y/q", 100, ("a-org/base", "quantized")),
        _model("z/merge", 100, ("a-org/base", "merge"), ("b-org/base", "merge")),
        _model("a-org/own-ft", 1000, ("a-org/base", "finetune")),  # self-derivative: no credit
    ]
    credit = derivative_credit(stats, AccountMap(_registry()), CONFIG.derivative_discount)
    assert credit["甲"].credit == pytest.approx(100 * 0.5 + 100 * 0.2 + 100 * 0.3 / 2)
    assert credit["乙"].credit == pytest.approx(100 * 0.3 / 2)
    assert credit["甲"].derivatives == 3
    assert credit["甲"].top[0] == (50.0, "https://huggingface.co/x/ft")


def test_robust_z_finds_the_spike_and_ignores_noise() -> None:
    z = robust_z([100, -80, 120, 90, 40000, -110])
    assert z[4] > 3.5 and all(abs(v) < 3.5 for i, v in enumerate(z) if i != 4)
    assert robust_z([5, 5, 5]) == [0.0, 0.0, 0.0]


def test_name_stems_collapse_numbered_copies() -> None:
    assert name_stem("spam/Base-GGUF-Q4_K_M-v01") == name_stem("spam/Base-GGUF-Q4_K_M-v59")
    assert name_stem("dev/Base-SFT") != name_stem("dev/Other-LoRA")


def _result(name: str, key: tuple[float, int, int], eligible: bool = True) -> dict[str, Any]:
    return {
        "enterprise": name,
        "eligible": eligible,
        "rank": None,
        "tie": False,
        "tier": None,
        "amount_cny": None,
        "flags": [],
        "_key": key,
        "score": key[0],
    }


def test_ties_share_a_rank_and_tiers_follow_ranks() -> None:
    results = [
        _result("A", (0.9, 10, 1)),
        _result("B", (0.8, 5, 1)),
        _result("C", (0.8, 5, 1)),
        _result("D", (0.8, 4, 1)),
        _result("E", (0.95, 1, 1), eligible=False),
    ]
    _assign_ranks(results, CONFIG)
    ranks = {r["enterprise"]: (r["rank"], r["tie"], r["tier"]) for r in results}
    assert ranks == {
        "A": (1, False, "一档"),
        "B": (2, True, "一档"),
        "C": (2, True, "一档"),
        "D": (4, False, "二档"),
        "E": (None, False, None),
    }


def test_at_most_ten_and_a_tie_at_the_cutoff_is_flagged() -> None:
    results = [_result(f"E{i:02d}", (1.0 - i / 100, 0, 0)) for i in range(10)]
    results.append(_result("E99", results[-1]["_key"]))  # tied with the 10th
    _assign_ranks(results, CONFIG)
    ranked = [r for r in results if r["rank"] is not None]
    assert len(ranked) == 10
    loser = next(r for r in results if r["rank"] is None)
    assert loser["enterprise"] == "E99" and loser["flags"][0]["type"] == "tie_at_cutoff"
    assert ranked[-1]["tier"] == "三档" and ranked[-1]["amount_cny"] == 200_000


def test_dominant_signal_flag() -> None:
    components = {"downloads_30d": {"contribution": 0.5}, "community": {"contribution": 0.1}}
    assert [f["detail"] for f in dominant_signal(components, 0.6, 0.6)] == [
        "downloads_30d brings 83% of the score"
    ]
    assert dominant_signal(components, 0.0, 0.6) == []


def test_config_is_versioned_and_validated(tmp_path: Path) -> None:
    config, digest = load_config()
    assert config.version and len(digest) == 64 and config.max_per_category == 10
    assert [t.amount_cny for t in config.tiers] == [1_000_000, 500_000, 200_000]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        default_config_path()
        .read_text(encoding="utf-8")
        .replace("max_per_category: 10", "max_per_category: 12"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="max_per_category"):
        load_config(bad)
    bad.write_text("version: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_hf_garbage_shapes_become_bad_responses() -> None:
    with pytest.raises(HubBadResponse, match="unexpected JSON shape"):
        raise_for_status(TypeError("ModelInfo() argument after ** must be a mapping"), "http://x")
    import json

    with pytest.raises(HubBadResponse, match="expected JSON"):
        raise_for_status(json.JSONDecodeError("Expecting value", "<html>", 0), "http://x")


def test_snapshot_month_mapping_of_the_sample_hub() -> None:
    from contrib.sample_hub.data import generate

    hub = generate(300)
    assert hub.as_of(0) == date(2026, 1, 1) and hub.month_of("2026-12-01") == 11
    with pytest.raises(KeyError):
        hub.month_of(date(2025, 1, 1))


def test_hub_without_kernel_listing_gives_an_empty_part() -> None:
    from contrib.pull import _hf_kernels

    class NoKernels:
        endpoint = "http://hub.test"

        def list_kernels(self, author: str) -> Any:
            from contrib.errors import HubNotFound

            raise HubNotFound("not found", hub="hf", url=f"{self.endpoint}/api/kernels")

    assert _hf_kernels(NoKernels(), "someone") == ([], [])  # type: ignore[arg-type]


def test_accounts_graph_links_each_account_to_one_enterprise() -> None:
    from contrib.graphs.accounts import accounts_graph

    graph = accounts_graph(_registry())
    assert set(graph.neighbors(("account", "hf", "a-org"))) == {("enterprise", "甲")}
    assert graph.number_of_nodes() == 4


def test_benchmark_standing_must_be_sustained_over_months() -> None:
    from contrib.ranking.components import benchmark_over_months
    from contrib.ranking.inputs import MonthData, RankingInputs
    from contrib.snapshots import SnapshotInfo

    def evaluated(repo_id: str, value: float, verified: bool = True) -> RepoStat:
        stat = _model(repo_id, 10)
        stat.eval_results = (
            {"dataset": "b/c-eval", "task": "default", "value": value, "verified": verified},
        )
        return stat

    registry = _registry()
    months = [
        MonthData(
            SnapshotInfo(1, date(2026, 1, 1), "complete", registry, "h", {}),
            [evaluated("b-org/m", 80.0), evaluated("a-org/m", 90.0, verified=False)],
            [],
            AccountMap(registry),
        ),
        MonthData(
            SnapshotInfo(2, date(2026, 2, 1), "complete", registry, "h", {}),
            [evaluated("b-org/m", 80.0), evaluated("a-org/m", 90.0)],
            [],
            AccountMap(registry),
        ),
    ]
    standing = benchmark_over_months(RankingInputs(months, AccountMap(registry)))
    assert standing["甲"][:2] == (0.5, 1)  # first of two in month 2 only: (1.0 + 0) / 2
    assert standing["乙"][:2] == (0.75, 2)  # first alone in month 1, second of two in month 2


def test_each_month_is_read_with_the_registry_of_its_snapshot() -> None:
    from contrib.ranking.components import benchmark_over_months
    from contrib.ranking.inputs import MonthData, RankingInputs
    from contrib.snapshots import SnapshotInfo

    def evaluated(repo_id: str, value: float) -> RepoStat:
        stat = _model(repo_id, 10)
        stat.eval_results = ({"dataset": "d", "task": "t", "value": value, "verified": True},)
        return stat

    before = _registry()  # a-org belongs to 甲
    after = Registry(  # a-org moved to 乙 in month 2
        (Enterprise("甲", accounts={}), Enterprise("乙", accounts={Hub.HF: ("a-org", "b-org")}))
    )
    months = [
        MonthData(
            SnapshotInfo(1, date(2026, 1, 1), "complete", before, "h1", {}),
            [evaluated("a-org/m", 90.0)],
            [],
            AccountMap(before),
        ),
        MonthData(
            SnapshotInfo(2, date(2026, 2, 1), "complete", after, "h2", {}),
            [evaluated("a-org/m", 90.0)],
            [],
            AccountMap(after),
        ),
    ]
    standing = benchmark_over_months(RankingInputs(months, AccountMap(after)))
    # month 1 still credits 甲, who owned a-org then; 乙 only from month 2
    assert standing["甲"][:2] == (0.5, 1)
    assert standing["乙"][:2] == (0.5, 1)
