"""The versioned award config (weights, caps, tiers, eligibility), validated on load."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from contrib.errors import ConfigError
from core.schedule import ScheduleError, parse_schedule

Component = Literal[
    "downloads_30d",
    "downloads_all_time",
    "consistency",
    "derivative_influence",
    "community",
    "benchmark",
]
COMPONENTS: tuple[str, ...] = (
    "downloads_30d",
    "downloads_all_time",
    "consistency",
    "derivative_influence",
    "community",
    "benchmark",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Eligibility(_Strict):
    types: list[str] = ["enterprise"]
    cities: list[str] = ["杭州"]


class Tier(_Strict):
    name: str
    amount_cny: int = Field(ge=0)
    ranks: tuple[int, int]


class Consistency(_Strict):
    top_k: int = Field(default=10, ge=1)
    min_months: int = Field(default=2, ge=1)


class Community(_Strict):
    exclude_bots: bool = True


class Integrity(_Strict):
    spike_z: float = 3.5
    spike_min_delta: int = 5000
    spike_min_ratio: float = 1.0
    bot_share: float = 0.1
    spam_min_derivatives: int = 20
    spam_max_stems: int = 3
    spam_share: float = 0.2
    dominant_share: float = 0.6


class Category(_Strict):
    kinds: list[Literal["model", "dataset", "kernel"]]
    weights: dict[Component, float]
    caps: dict[Component, float] = {}


class AwardConfig(_Strict):
    version: str
    #: when `scenehub scheduler` pulls every hub (core.schedule grammar); rankings read
    #: monthly snapshots, so the pull runs on a fixed day of each month
    pull_schedule: str = "monthly 1 03:00"
    eligibility: Eligibility = Eligibility()
    max_per_category: int = Field(default=10, ge=1, le=10)
    tiers: list[Tier]
    consistency: Consistency = Consistency()
    derivative_discount: dict[str, float]
    community: Community = Community()
    integrity: Integrity = Integrity()
    categories: dict[str, Category]

    @model_validator(mode="after")
    def _check(self) -> AwardConfig:
        try:
            parse_schedule(self.pull_schedule)
        except ScheduleError as exc:
            raise ValueError(f"pull_schedule: {exc}") from exc
        for name, category in self.categories.items():
            if not category.weights or any(w < 0 for w in category.weights.values()):
                raise ValueError(f"category {name}: weights must be present and non-negative")
        return self


def default_config_path() -> Path:
    return Path(str(resources.files("contrib.ranking") / "award_config.yaml"))


def load_config(path: Path | None = None) -> tuple[AwardConfig, str]:
    """The config and the SHA-256 of the file's bytes (what a run records)."""
    path = path or default_config_path()
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
        return AwardConfig.model_validate(data), hashlib.sha256(raw).hexdigest()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: invalid award config: {problems}") from exc
