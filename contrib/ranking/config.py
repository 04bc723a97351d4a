"""The versioned award config (weights, tiers, cap, eligibility, method knobs), validated on load.

A ranking run stores the config *text* it used (not only its hash), so a published table can
be replayed from the database alone. Component names are checked against the component
registry (:mod:`contrib.ranking.components`), so a typo is refused rather than scored 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from contrib.errors import ConfigError
from core.schedule import ScheduleError, parse_schedule

#: 政策第四条: "每家20万元—100万元的分档奖励"
POLICY_MIN_AWARD = 200_000
POLICY_MAX_AWARD = 1_000_000
#: 政策第四条: "择优选择不超过10家企业"
POLICY_MAX_FIRMS = 10


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Eligibility(_Strict):
    types: list[str] = ["enterprise"]
    cities: list[str] = ["杭州"]
    #: the administrative-division prefix a USCC of an eligible firm must carry (GB 32100:
    #: characters 3–8 are the registering authority's division code; 3301xx is Hangzhou)
    uscc_region_prefixes: list[str] = ["3301"]
    #: every hub account must have a recorded ownership confirmation
    require_confirmation: bool = True


class Tier(_Strict):
    name: str
    amount_cny: int = Field(ge=POLICY_MIN_AWARD, le=POLICY_MAX_AWARD)
    #: award positions (1-based, across all categories) paid at this tier
    positions: tuple[int, int]


class Awards(_Strict):
    max_firms: int = Field(default=POLICY_MAX_FIRMS, ge=1, le=POLICY_MAX_FIRMS)
    #: total money available, if the programme has one; ``None``: not configured
    budget_cny: int | None = Field(default=None, ge=0)
    tiers: list[Tier]


class Window(_Strict):
    months: int = Field(default=6, ge=1, le=12)
    #: trailing average length for downloads and community (a burst before the snapshot
    #: moves the score by 1/trailing of its size)
    trailing: int = Field(default=3, ge=1, le=12)


class Consistency(_Strict):
    top_k: int = Field(default=10, ge=1)


class Scale(_Strict):
    #: relative log scale: ``log(1 + (b−1)·v/leader) / log(b)``; the leader scores 1
    base: float = Field(default=10.0, gt=1.0)


class Families(_Strict):
    #: a family (a firm's own model and its own copies) counts its best member in full and
    #: the rest at this rate, at most ``cap`` × the best member
    copy_discount: float = Field(default=0.2, ge=0, le=1)
    cap: float = Field(default=1.0, ge=0)
    flag_min_copies: int = Field(default=3, ge=1)


class Benchmark(_Strict):
    dataset: str
    direction: Literal["higher", "lower"] = "higher"


class Performance(_Strict):
    benchmarks: list[Benchmark] = []
    min_board_size: int = Field(default=5, ge=1)
    top_positions: int = Field(default=3, ge=1)


class Community(_Strict):
    exclude_bots: bool = True
    #: a cohort of accounts first seen this month, active only on one firm's repos, is
    #: excluded as sock puppets when it is at least this large and brings this share
    cohort_min: int = Field(default=8, ge=2)
    cohort_share: float = Field(default=0.4, ge=0, le=1)


class Integrity(_Strict):
    #: growth test: robust z of log month-on-month growth; the scale never drops below
    #: ``spike_min_scale`` (a flat history cannot hide a jump)
    spike_z: float = 3.5
    spike_min_scale: float = 0.35
    spike_min_delta: int = 5000
    bot_share: float = 0.1
    spam_min_derivatives: int = 20
    spam_max_stems: int = 3
    spam_share: float = 0.2
    #: an account with at least this many derivatives, this share of them on one firm's
    #: models, is that firm's sock puppet: its derivatives earn nothing
    patron_min_derivatives: int = Field(default=10, ge=2)
    patron_share: float = Field(default=0.9, gt=0, le=1)
    dominant_share: float = 0.6


class Category(_Strict):
    kinds: list[Literal["model", "dataset", "kernel"]]
    weights: dict[str, float]
    #: fewer eligible firms with data than this: the category makes no awards
    min_population: int = Field(default=10, ge=1)


class AwardConfig(_Strict):
    version: str
    #: when `scenehub scheduler` pulls every hub (core.schedule grammar); rankings read
    #: monthly snapshots, so the pull runs on a fixed day of each month
    pull_schedule: str = "monthly 1 03:00"
    eligibility: Eligibility = Eligibility()
    awards: Awards
    window: Window = Window()
    scale: Scale = Scale()
    consistency: Consistency = Consistency()
    families: Families = Families()
    performance: Performance = Performance()
    derivative_discount: dict[str, float]
    community: Community = Community()
    integrity: Integrity = Integrity()
    categories: dict[str, Category]

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> AwardConfig:
        try:
            parse_schedule(self.pull_schedule)
        except ScheduleError as exc:
            raise ValueError(f"pull_schedule: {exc}") from exc
        for name, category in self.categories.items():
            if not category.weights or any(w < 0 for w in category.weights.values()):
                raise ValueError(f"category {name}: weights must be present and non-negative")
        components = (info.context or {}).get("components")
        if components is not None:
            problem = self.unknown_components(components)
            if problem:
                raise ValueError(problem)
        covered: list[int] = []
        for tier in self.awards.tiers:
            low, high = tier.positions
            if low > high:
                raise ValueError(f"tier {tier.name}: positions {low}..{high} are reversed")
            covered += range(low, high + 1)
        if sorted(covered) != list(range(1, self.awards.max_firms + 1)):
            raise ValueError(
                f"tiers must cover award positions 1..{self.awards.max_firms} exactly once"
            )
        if self.window.trailing > self.window.months:
            raise ValueError("window.trailing cannot exceed window.months")
        return self

    def unknown_components(self, components: Collection[str]) -> str | None:
        """Why a category names a component outside ``components`` (the registry's names,
        passed in by the caller so this module needs no import of the components), or None."""
        for name, category in self.categories.items():
            unknown = sorted(set(category.weights) - set(components))
            if unknown:
                return (
                    f"category {name}: unknown component(s) {', '.join(unknown)}; "
                    f"known: {', '.join(sorted(components))}"
                )
        return None

    def tier_at(self, position: int) -> Tier | None:
        for tier in self.awards.tiers:
            if tier.positions[0] <= position <= tier.positions[1]:
                return tier
        return None


def default_config_path() -> Path:
    return Path(str(resources.files("contrib.ranking") / "award_config.yaml"))


def parse_config(
    text: str, source: str = "award config", components: Collection[str] | None = None
) -> AwardConfig:
    """Parse and validate; with ``components`` (the registry's names) a category weighting
    an unregistered component is refused here rather than when ranking."""
    try:
        data = yaml.safe_load(text)
        return AwardConfig.model_validate(data, context={"components": components})
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{source}: invalid award config: {problems}") from exc


def load_config_text(
    path: Path | None = None, components: Collection[str] | None = None
) -> tuple[AwardConfig, str]:
    """The config and the exact text it was read from (what a run stores)."""
    path = path or default_config_path()
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc
    return parse_config(text, str(path), components), text


def config_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_config(
    path: Path | None = None, components: Collection[str] | None = None
) -> tuple[AwardConfig, str]:
    """The config and the SHA-256 of its text."""
    config, text = load_config_text(path, components)
    return config, config_hash(text)
