"""Rank fusion of the lexical and dense legs.

Two families, as in the engines surveyed in research/matching.md: weighted reciprocal
rank fusion (``w / (k + rank)``, 1-based ranks) and a convex combination of min-max
normalised scores. Which one, and with which weights, was decided on the dev halves of
the gold sets (``scenehub eval --sweep``; numbers in docs/matching.md). Fused scores are
divided by the best score attainable, so they lie in [0, 1] whatever the method: that is
what thresholds (subscription alerts) compare against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

#: one leg's ranked candidates: (row, raw score), best first
Ranked = Sequence[tuple[int, float]]


@dataclass(frozen=True)
class FusionConfig:
    method: str = "rrf"  # "rrf" | "convex"
    weights: Mapping[str, float] = field(default_factory=lambda: {"bm25": 1.0, "dense": 1.0})
    k: float = 60.0  # RRF rank constant
    facet_weight: float = 0.0  # bonus share for agreeing domains, same scale as a leg
    #: legs whose scores start at 0 for "matches nothing" (BM25) are scaled by their max;
    #: others (cosine, compressed into a narrow band) are min-max scaled over the candidates
    zero_floor: tuple[str, ...] = ("bm25",)

    def describe(self) -> str:
        legs = ", ".join(f"{leg} {w:g}" for leg, w in self.weights.items())
        extra = f", facet prior {self.facet_weight:g}" if self.facet_weight else ""
        if self.method == "rrf":
            return f"weighted RRF k={self.k:g} ({legs}{extra})"
        return f"min-max convex ({legs}{extra})"


#: chosen on the dev halves of both gold sets together (tests/data/gold and gold_real; the
#: rule and the sweep are in docs/matching.md): within 0.005 of the best mean dev nDCG@10,
#: above both legs on each dev half, and the one with the fewest knobs
DEFAULT_FUSION = FusionConfig(method="convex", weights={"bm25": 0.5, "dense": 0.5})


def _minmax(values: Sequence[float], *, zero_floor: bool = False) -> list[float]:
    if not values:
        return []
    low, high = (0.0 if zero_floor else min(values)), max(values)
    if high - low < 1e-12:
        return [1.0 for _ in values]
    return [(v - low) / (high - low) for v in values]


def fuse(
    legs: Mapping[str, Ranked],
    config: FusionConfig,
    facet_bonus: Mapping[int, float] | None = None,
) -> list[tuple[int, float]]:
    """Fused (row, score in [0, 1]) best first; ties broken by row for determinism.

    ``facet_bonus`` maps a row to its facet agreement in [0, 1] (e.g. the share of the
    query's domains it carries); it adds ``facet_weight`` times a leg's best contribution.
    """
    totals: dict[int, float] = {}
    best = 0.0
    for leg, ranked in legs.items():
        weight = float(config.weights.get(leg, 0.0))
        if weight <= 0:
            continue
        if config.method == "rrf":
            best += weight / (config.k + 1)
            for rank, (row, _) in enumerate(ranked, start=1):
                totals[row] = totals.get(row, 0.0) + weight / (config.k + rank)
        elif config.method == "convex":
            best += weight
            normalised = _minmax([s for _, s in ranked], zero_floor=leg in config.zero_floor)
            for (row, _), value in zip(ranked, normalised, strict=True):
                totals[row] = totals.get(row, 0.0) + weight * value
        else:
            raise ValueError(f"unknown fusion method {config.method!r}")
    if config.facet_weight and facet_bonus:
        unit = best / max(1, sum(1 for w in config.weights.values() if w > 0))
        for row in totals:
            totals[row] += config.facet_weight * unit * facet_bonus.get(row, 0.0)
        best += config.facet_weight * unit
    if best <= 0:
        return []
    fused = [(row, score / best) for row, score in totals.items()]
    fused.sort(key=lambda item: (-item[1], item[0]))
    return fused


def top_rows(
    scores: np.ndarray, depth: int, *, positive_only: bool = True
) -> list[tuple[int, float]]:
    """The ``depth`` best rows of a score array (ties by row), skipping non-positive scores."""
    if scores.size == 0 or depth <= 0:
        return []
    depth = min(depth, scores.size)
    part = np.argpartition(-scores, depth - 1)[:depth]
    order = part[np.lexsort((part, -scores[part]))]
    return [(int(row), float(scores[row])) for row in order if not positive_only or scores[row] > 0]
