"""The fusion sweep that chose the default: every setting scored on dev and test halves.

Selection rule (fixed before reading the test column): the best dev nDCG@10, except that
any setting within ``TOLERANCE`` of it counts as tied (the dev half has ~27 scenes: one
reordered scene moves nDCG@10 by about that much), and among ties the one with the
fewest knobs wins: no facet prior, equal weights, then convex before RRF.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.evaluation.gold import LegRuns, subset
from matching.evaluation.metrics import evaluate
from matching.fusion import FusionConfig

TOLERANCE = 0.005


@dataclass
class SweepRow:
    config: FusionConfig
    dev: float
    test: float

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


def sweep(runs: LegRuns, qrels: dict[str, dict[str, int]]) -> tuple[list[SweepRow], SweepRow]:
    dev, test = subset(qrels, "dev"), subset(qrels, "test")
    rows = []
    for config in candidates():
        ranking = runs.fused(config, ("bm25", "dense"))
        rows.append(
            SweepRow(config, evaluate(ranking, dev)["nDCG@10"], evaluate(ranking, test)["nDCG@10"])
        )
    rows.sort(key=lambda row: -row.dev)
    best = rows[0].dev
    tied = [row for row in rows if row.dev >= best - TOLERANCE]
    chosen = min(tied, key=lambda row: (row.knobs, -row.dev))
    return rows, chosen
