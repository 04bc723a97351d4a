"""Ranking pieces on hand-made inputs: caps, derivative credit, ties, tiers, flags, config."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from contrib.clients.hf import bad_response
from contrib.errors import ConfigError, HubBadResponse
from contrib.graphs.accounts import AccountMap
from contrib.graphs.lineage import derivative_credit
from contrib.integrity import dominant_signal, growth_z, name_stem
from contrib.ranking.components import REGISTRY
from contrib.ranking.config import default_config_path, load_config
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


def test_growth_z_finds_the_spike_and_ignores_noise() -> None:
    z = dict(growth_z([1000, 1100, 950, 1050, 200_000, 1000], 0.35))
    assert z[4] > 3.5 and all(v < 3.5 for t, v in z.items() if t != 4)
    assert growth_z([5, 5, 5], 0.35) == [(1, 0.0), (2, 0.0)]


def test_name_stems_collapse_numbered_copies() -> None:
    assert name_stem("spam/Base-GGUF-Q4_K_M-v01") == name_stem("spam/Base-GGUF-Q4_K_M-v59")
    assert name_stem("dev/Base-SFT") != name_stem("dev/Other-LoRA")


def test_dominant_signal_flag() -> None:
    components = {"downloads_30d": {"contribution": 0.5}, "community": {"contribution": 0.1}}
    assert [f["detail"] for f in dominant_signal(components, 0.6, 0.6)] == [
        "downloads_30d brings 83% of the score"
    ]
    assert dominant_signal(components, 0.0, 0.6) == []


def test_config_is_versioned_and_validated(tmp_path: Path) -> None:
    config, digest = load_config()
    assert config.version and len(digest) == 64 and config.awards.max_firms == 10
    assert [t.amount_cny for t in config.awards.tiers] == [1_000_000, 500_000, 200_000]
    text = default_config_path().read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    for old, new, message in (
        ("max_firms: 10", "max_firms: 12", "max_firms"),  # the policy's cap is 10 in all
        ("amount_cny: 1000000", "amount_cny: 1500000", "amount_cny"),  # 20万–100万 per firm
        ("positions: [7, 10]", "positions: [7, 9]", "cover award positions"),
        ("{downloads: 3,", "{downloads_typo: 3,", "unknown component"),
        ("months: 6 ", "months: 13 ", "months"),
    ):
        assert old in text, old
        bad.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(bad, REGISTRY)
    bad.write_text("version: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_hf_garbage_shapes_become_bad_responses() -> None:
    with pytest.raises(HubBadResponse, match="unexpected JSON shape"):
        bad_response(TypeError("ModelInfo() argument after ** must be a mapping"), "http://x")
    import json

    with pytest.raises(HubBadResponse, match="expected JSON"):
        bad_response(json.JSONDecodeError("Expecting value", "<html>", 0), "http://x")


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
