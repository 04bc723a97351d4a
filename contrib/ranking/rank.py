"""Rank one category: components (from the registry) → weighted score → eligibility → ranks.

The weighted score is ``Σ w_i·s_i / Σ w_i`` over the category's components (a missing
component contributes 0 and is listed under ``missing``). Ties are broken by the downloads
value; exact ties share a rank and are marked. Awards (tiers and money) are not decided
here but across all categories at once (:mod:`contrib.ranking.awards`), because the policy's
cap is ten firms in all. Output is plain data with rounded floats, so the same snapshots and
config give byte-identical JSON.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from contrib import integrity
from contrib.errors import RankingError
from contrib.ranking.components import REGISTRY, Measure, component
from contrib.ranking.config import AwardConfig
from contrib.ranking.context import Context, Shared
from contrib.ranking.inputs import RankingInputs
from contrib.registry import Enterprise

_DIGITS = 6


def code_version() -> str:
    """Package version + a hash of the contrib sources, so a run names the code it used."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")) + sorted(root.rglob("*.yaml")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    try:
        version = metadata.version("scenehub")
    except metadata.PackageNotFoundError:
        version = "0"
    return f"{version}+{digest.hexdigest()[:12]}"


@dataclass
class RankingRun:
    category: str
    as_of: date
    snapshot_ids: list[int]
    config_hash: str
    config_version: str
    code_version: str
    results: list[dict[str, Any]]
    window: list[str] = field(default_factory=list)
    missing_months: list[str] = field(default_factory=list)
    population: int = 0
    awardable: bool = True
    note: str | None = None

    def ranked(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["rank"] is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "as_of": self.as_of.isoformat(),
            "snapshot_ids": self.snapshot_ids,
            "config_hash": self.config_hash,
            "config_version": self.config_version,
            "code_version": self.code_version,
            "window": self.window,
            "missing_months": self.missing_months,
            "population": self.population,
            "awardable": self.awardable,
            "note": self.note,
            "results": self.results,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def eligibility_note(e: Enterprise, config: AwardConfig) -> str | None:
    """None if eligible, else every reason."""
    rules = config.eligibility
    reasons = []
    if e.type not in rules.types:
        reasons.append(f"type {e.type} not in {'/'.join(rules.types)}")
    if (e.city or "") not in rules.cities:
        reasons.append(f"city {e.city or 'unknown'} not in {'/'.join(rules.cities)}")
    if rules.uscc_region_prefixes:
        region = e.uscc_region
        if region is None:
            reasons.append("no USCC on record")
        elif not any(region.startswith(p) for p in rules.uscc_region_prefixes):
            reasons.append(
                f"USCC region code {region} is not {'/'.join(rules.uscc_region_prefixes)}…"
            )
    if rules.require_confirmation and e.unconfirmed():
        reasons.append(f"ownership not confirmed: {', '.join(e.unconfirmed())}")
    return "; ".join(reasons) or None


@dataclass
class CategoryMeasures:
    """Everything measured for one category; scoring with any weights is cheap from here."""

    name: str
    ctx: Context
    measures: dict[str, dict[str, Measure]]  # component → enterprise → measure
    firms: list[str]
    eligibility: dict[str, str | None]


def measure_category(
    inputs: RankingInputs, category_name: str, config: AwardConfig, shared: Shared | None = None
) -> CategoryMeasures:
    if category_name not in config.categories:
        raise RankingError(
            f"unknown category {category_name!r}; known: {', '.join(sorted(config.categories))}"
        )
    problem = config.unknown_components(REGISTRY)
    if problem:
        raise RankingError(problem)
    category = config.categories[category_name]
    ctx = Context(inputs, config, category_name, category, shared or Shared())
    measures = {name: component(name).measure(ctx) for name in sorted(category.weights)}
    integrity.download_spikes(ctx)
    integrity.own_copies(ctx)
    firms = sorted(ctx.firm_series)  # firms with repos of this category
    registry = {e.name: e for e in inputs.accounts.registry.enterprises}
    eligibility = {
        f: eligibility_note(registry[f], config) if f in registry else "not registered"
        for f in firms
    }
    return CategoryMeasures(category_name, ctx, measures, firms, eligibility)


def score_category(
    cm: CategoryMeasures, weights: dict[str, float], config: AwardConfig, config_hash: str
) -> RankingRun:
    total_weight = sum(weights.values()) or 1.0
    results = []
    for firm in cm.firms:
        components: dict[str, dict[str, Any]] = {}
        missing = []
        evidence: list[str] = []
        for key in sorted(weights):
            weight = weights[key]
            m = cm.measures.get(key, {}).get(firm)
            if m is None:
                missing.append(key)
                components[key] = {
                    "value": None,
                    "score": None,
                    "weight": weight,
                    "contribution": 0.0,
                    "detail": "missing",
                }
                continue
            components[key] = {
                "value": round(m.value, _DIGITS),
                "score": round(m.score, _DIGITS),
                "weight": weight,
                "contribution": round(weight * m.score / total_weight, _DIGITS),
                "detail": m.detail,
            }
            evidence += [u for u in m.evidence if u not in evidence]
        score = round(sum(c["contribution"] for c in components.values()), _DIGITS)
        flags = sorted(cm.ctx.flags.get(firm, []), key=lambda f: (f["type"], f["detail"]))
        flags += integrity.dominant_signal(components, score, config.integrity.dominant_share)
        downloads = components.get("downloads", {}).get("value") or 0.0
        note = cm.eligibility.get(firm)
        results.append(
            {
                "enterprise": firm,
                "eligible": note is None,
                "eligibility_note": note,
                "rank": None,
                "tie": False,
                "score": score,
                "tier": None,
                "amount_cny": None,
                "award_position": None,
                "components": components,
                "missing": missing,
                "flags": flags,
                "excluded": sorted(
                    cm.ctx.excluded.get(firm, []),
                    key=lambda e: json.dumps(e, ensure_ascii=False, sort_keys=True),
                ),
                "evidence": evidence[:6],
                "_key": (score, downloads),
            }
        )
    _assign_ranks(results)
    for r in results:
        del r["_key"]
    results.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["score"], r["enterprise"]))
    minimum = config.categories[cm.name].min_population
    population = sum(1 for r in results if r["eligible"] and r["score"] > 0)
    awardable = population >= minimum
    note = (
        None
        if awardable
        else f"{cm.name}: {population} eligible entrants with data, below the minimum of "
        f"{minimum}: no awards in this category (every entrant would be 'leading')"
    )
    inputs = cm.ctx.inputs
    return RankingRun(
        cm.name,
        inputs.latest.snapshot.as_of,
        inputs.snapshot_ids,
        config_hash,
        config.version,
        code_version(),
        results,
        window=list(inputs.window),
        missing_months=inputs.missing,
        population=population,
        awardable=awardable,
        note=note,
    )


def rank_category(
    inputs: RankingInputs,
    category_name: str,
    config: AwardConfig,
    config_hash: str,
    shared: Shared | None = None,
) -> RankingRun:
    cm = measure_category(inputs, category_name, config, shared)
    return score_category(cm, config.categories[category_name].weights, config, config_hash)


def _assign_ranks(results: list[dict[str, Any]]) -> None:
    """Competition ranks over eligible firms with a score; exact ties share a rank."""
    pool = sorted(
        (r for r in results if r["eligible"] and r["score"] > 0),
        key=lambda r: (tuple(-x for x in r["_key"]), r["enterprise"]),
    )
    rank = 0
    for position, r in enumerate(pool):
        if position == 0 or r["_key"] != pool[position - 1]["_key"]:
            rank = position + 1
        else:
            r["tie"] = pool[position - 1]["tie"] = True
        r["rank"] = rank


__all__ = ["REGISTRY", "CategoryMeasures", "RankingRun", "measure_category", "rank_category"]
