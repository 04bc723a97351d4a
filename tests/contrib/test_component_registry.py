"""Adding a component is one class and one config line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contrib.errors import ConfigError, RankingError
from contrib.ranking.components import REGISTRY, Component, Measure, register
from contrib.ranking.config import default_config_path, parse_config
from contrib.ranking.context import Context
from contrib.ranking.rank import rank_category
from contrib.registry import Registry
from tests.contrib.award_fixtures import firm, model, world


@pytest.fixture
def likes_component() -> Iterator[type[Component]]:
    @register
    class Likes(Component):
        name = "likes_test"
        short = "♥"
        label = "likes"

        def measure(self, ctx: Context) -> dict[str, Measure]:
            return {f: Measure(7.0, 0.5, "seven likes") for f in sorted(ctx.firm_series)}

    yield Likes
    del REGISTRY["likes_test"]


def _config_text(weights: str) -> str:
    text = default_config_path().read_text(encoding="utf-8")
    return text.replace("weights: {downloads: 3,", f"weights: {{{weights}downloads: 3,", 1)


def test_one_class_and_one_config_line(likes_component: type[Component]) -> None:
    config = parse_config(_config_text("likes_test: 1, "))
    registry = Registry((firm("甲", 1), firm("乙", 2)))
    inputs = world(registry, [[model("firm1/M", 1_000), model("firm2/M", 500)]] * 3)
    run = rank_category(inputs, "models", config, "h")
    row = run.results[0]
    assert row["components"]["likes_test"]["detail"] == "seven likes"
    assert row["components"]["likes_test"]["weight"] == 1


def test_an_unregistered_component_in_the_config_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"unknown component.*likes_test"):
        parse_config(_config_text("likes_test: 1, "), components=REGISTRY)


def test_ranking_refuses_a_config_naming_an_unregistered_component() -> None:
    config = parse_config(_config_text("likes_test: 1, "))  # parsed without the names
    registry = Registry((firm("甲", 1), firm("乙", 2)))
    inputs = world(registry, [[model("firm1/M", 1_000), model("firm2/M", 500)]] * 3)
    with pytest.raises(RankingError, match=r"unknown component.*likes_test"):
        rank_category(inputs, "models", config, "h")
