"""The fusion sweep that chose the default: every setting scored on each gold set's halves.

Selection rule (docs/matching.md, committed before any test-half figure of ``gold_real``):
the objective is the mean of the dev-half nDCG@10 values of all gold sets given; a setting is
eligible only if, on every dev half, it beats both single legs; settings within
``TOLERANCE`` of the best eligible objective count as tied (one reordered scene in a ~30-scene
half moves nDCG@10 by about that much), and among ties the one with the fewest knobs wins:
no facet prior, equal weights, then convex before RRF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean

from matching.evaluation.gold import GoldSet, LegRuns
from matching.evaluation.metrics import evaluate
from matching.fusion import FusionConfig

TOLERANCE = 0.005
LEGS = ("bm25", "dense")


@dataclass
class SweepRow:
    config: FusionConfig
    dev: dict[str, float]  # gold set name -> dev-half nDCG@10
    test: dict[str, float]
    eligible: bool = True

    @property
    def objective(self) -> float:
        return fmean(self.dev.values())

    @property
    def knobs(self) -> tuple[int, int, int]:
        weights = set(self.config.weights.values())
        return (
            int(self.config.facet_weight > 0),
            int(len(weights) > 1),
            int(self.config.method != "convex"),
        )


def candidates() -> list[FusionConfig]:
    out = []
    for facet in (0.0, 0.1, 0.25, 0.5):
        for k in (2.0, 10.0, 30.0, 60.0):
            for dense in (0.5, 0.75, 1.0, 1.5, 2.0):
                out.append(FusionConfig("rrf", {"bm25": 1.0, "dense": dense}, k, facet))
        for alpha in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            out.append(
                FusionConfig(
                    "convex", {"bm25": round(1 - alpha, 2), "dense": alpha}, facet_weight=facet
                )
            )
    return out


def leg_scores(runs: LegRuns, gold: GoldSet, part: str) -> dict[str, float]:
    """nDCG@10 of each single leg on one half."""
    return {leg: evaluate(runs.ranking(leg), gold.part(part))["nDCG@10"] for leg in LEGS}


def sweep(sets: Mapping[str, tuple[LegRuns, GoldSet]]) -> tuple[list[SweepRow], SweepRow]:
    """Every candidate scored on each set's halves (sorted by objective), and the chosen one."""
    floor = {
        name: max(leg_scores(runs, gold, "dev").values()) for name, (runs, gold) in sets.items()
    }
    rows = []
    for config in candidates():
        dev: dict[str, float] = {}
        test: dict[str, float] = {}
        for name, (runs, gold) in sets.items():
            ranking = runs.fused(config, LEGS)
            dev[name] = evaluate(ranking, gold.part("dev"))["nDCG@10"]
            test[name] = evaluate(ranking, gold.part("test"))["nDCG@10"]
        eligible = all(dev[name] > floor[name] for name in sets)
        rows.append(SweepRow(config, dev, test, eligible))
    rows.sort(key=lambda row: -row.objective)
    pool = [row for row in rows if row.eligible] or rows
    best = max(row.objective for row in pool)
    tied = [row for row in pool if row.objective >= best - TOLERANCE]
    chosen = min(tied, key=lambda row: (row.knobs, -row.objective))
    return rows, chosen
