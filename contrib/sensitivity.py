"""How each candidate's rank and tier move when any one weight moves ±20%.

Components are measured once; each variant re-scores with one weight of one category
changed and re-applies the cross-category cap, so a tier change anywhere is visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from contrib.ranking.awards import allocate
from contrib.ranking.components import REGISTRY
from contrib.ranking.config import AwardConfig, config_hash, load_config_text
from contrib.ranking.context import Shared
from contrib.ranking.inputs import load_inputs
from contrib.ranking.rank import CategoryMeasures, RankingRun, measure_category, score_category


@dataclass
class SensitivityTable:
    variants: list[str]
    #: (category, enterprise) → {"base": "rank/tier", variant: "rank/tier", ...}
    rows: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "variants": self.variants,
            "rows": [
                {"category": c, "enterprise": e, **cells}
                for (c, e), cells in sorted(self.rows.items())
            ],
        }

    def moved(self) -> list[tuple[str, str]]:
        """Candidates whose rank or tier changes under some variant."""
        return [
            key
            for key, cells in sorted(self.rows.items())
            if any(v != cells["base"] for k, v in cells.items() if k != "base")
        ]


def _cell(r: dict[str, Any]) -> str:
    return f"{r['rank'] if r['rank'] is not None else '–'}/{r['tier'] or '–'}"


def _scored(
    measures: list[CategoryMeasures],
    config: AwardConfig,
    digest: str,
    change: tuple[str, str, float] | None,
) -> list[RankingRun]:
    runs = []
    for cm in measures:
        weights = dict(config.categories[cm.name].weights)
        if change and change[0] == cm.name:
            weights[change[1]] *= change[2]
        runs.append(score_category(cm, weights, config, digest))
    allocate(runs, config)
    return runs


def sensitivity(
    engine: Engine,
    as_of: date | None = None,
    config_path: Path | None = None,
    *,
    delta: float = 0.2,
) -> SensitivityTable:
    config, text = load_config_text(config_path, REGISTRY)
    digest = config_hash(text)
    inputs = load_inputs(engine, as_of, config.window.months)
    shared = Shared()
    measures = [measure_category(inputs, name, config, shared) for name in config.categories]
    base = _scored(measures, config, digest, None)
    changes = [
        (cm.name, weight, factor)
        for cm in measures
        for weight in sorted(config.categories[cm.name].weights)
        for factor in (1 - delta, 1 + delta)
    ]
    table = SensitivityTable([f"{c}.{w} ×{f:g}" for c, w, f in changes])
    for run in base:
        for r in run.results:
            if r["eligible"]:
                table.rows[(run.category, r["enterprise"])] = {"base": _cell(r)}
    for label, change in zip(table.variants, changes, strict=True):
        for run in _scored(measures, config, digest, change):
            for r in run.results:
                if (run.category, r["enterprise"]) in table.rows:
                    table.rows[(run.category, r["enterprise"])][label] = _cell(r)
    return table
