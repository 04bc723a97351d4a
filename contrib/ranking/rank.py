"""Rank one category: components → weighted score → eligibility → ties → top 10 → tiers.

The weighted score is ``Σ w_i·s_i / Σ w_i`` over the category's components (a missing
component contributes 0 and is listed under ``missing``). Ties are broken by all-time
then 30-day downloads; exact ties share a rank and are marked. Output is plain data with
rounded floats, so the same snapshots and config give byte-identical JSON.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from contrib import integrity
from contrib.errors import RankingError
from contrib.graphs.lineage import derivative_credit
from contrib.ranking import components as comp
from contrib.ranking.config import AwardConfig
from contrib.ranking.inputs import RankingInputs
from contrib.types import Hub

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
            "results": self.results,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def _eligibility(inputs: RankingInputs, config: AwardConfig) -> dict[str, str | None]:
    """Enterprise → None if eligible, else the reason."""
    out: dict[str, str | None] = {}
    for e in inputs.accounts.registry.enterprises:
        if e.type not in config.eligibility.types:
            out[e.name] = f"type {e.type} not in {'/'.join(config.eligibility.types)}"
        elif (e.city or "") not in config.eligibility.cities:
            out[e.name] = f"city {e.city or 'unknown'} not in {'/'.join(config.eligibility.cities)}"
        else:
            out[e.name] = None
    return out


def rank_category(
    inputs: RankingInputs, category_name: str, config: AwardConfig, config_hash: str
) -> RankingRun:
    if category_name not in config.categories:
        raise RankingError(
            f"unknown category {category_name!r}; known: {', '.join(sorted(config.categories))}"
        )
    category = config.categories[category_name]
    totals = comp.category_totals(inputs.latest, inputs, category)
    leading = comp.consistency(inputs, category, config)
    credit = derivative_credit(inputs.latest.stats, inputs.accounts, config.derivative_discount)
    community, bots = comp.community_openrank(inputs, config.community.exclude_bots)
    bench = comp.benchmark_over_months(inputs)
    flags: dict[str, list[dict[str, Any]]] = {}
    spam = (
        integrity.derivative_spam(inputs, credit, config)
        if "derivative_influence" in category.weights
        else {}
    )
    for found in (
        integrity.download_spikes(inputs, category, config),
        spam,
        integrity.bot_contributors(
            inputs, bots, config.community.exclude_bots, config.integrity.bot_share
        ),
    ):
        for name, items in found.items():
            flags.setdefault(name, []).extend(items)
    eligible = _eligibility(inputs, config)
    has_github = {
        e.name for e in inputs.accounts.registry.enterprises if e.accounts.get(Hub.GITHUB)
    }
    total_weight = sum(category.weights.values())
    results = []
    for name in sorted(totals):
        t = totals[name]
        raw: dict[str, tuple[float, float, str]] = {}
        caps = category.caps
        if t.downloads_30d is not None:
            raw["downloads_30d"] = (
                t.downloads_30d,
                comp.log_cap(t.downloads_30d, caps.get("downloads_30d", 1e6)),
                f"{len(t.repos)} repos, last 30 days (Hugging Face)",
            )
        if t.downloads_all_time is not None:
            raw["downloads_all_time"] = (
                t.downloads_all_time,
                comp.log_cap(t.downloads_all_time, caps.get("downloads_all_time", 1e7)),
                f"{len(t.repos)} repos, all time (Hugging Face + ModelScope)",
            )
        top, seen = leading.get(name, (0, 0))
        if seen >= config.consistency.min_months:
            raw["consistency"] = (
                top / seen,
                top / seen,
                f"top {config.consistency.top_k} in {top} of {seen} months",
            )
        if name in credit:
            c = credit[name]
            raw["derivative_influence"] = (
                c.credit,
                comp.log_cap(c.credit, caps.get("derivative_influence", 1e6)),
                f"{c.derivatives} derivatives by others, discounted 30-day downloads",
            )
        if name in has_github:
            value = community.get(name, 0.0)
            raw["community"] = (
                value,
                comp.log_cap(value, caps.get("community", 100)),
                "OpenRank, latest month",
            )
        if name in bench:
            value, months, _ = bench[name]
            raw["benchmark"] = (
                value,
                value,
                f"verified results in {months} of {len(inputs.months)} months",
            )
        components: dict[str, dict[str, Any]] = {}
        missing = []
        for key, weight in sorted(category.weights.items()):
            if key not in raw:
                missing.append(key)
                components[key] = {
                    "value": None,
                    "score": None,
                    "weight": weight,
                    "contribution": 0.0,
                    "detail": "missing",
                }
                continue
            value, component_score, detail = raw[key]
            components[key] = {
                "value": round(value, _DIGITS),
                "score": round(component_score, _DIGITS),
                "weight": weight,
                "contribution": round(weight * component_score / total_weight, _DIGITS),
                "detail": detail,
            }
        score = round(sum(c["contribution"] for c in components.values()), _DIGITS)
        evidence = [url for _, url in sorted(t.repos, key=lambda x: (-x[0], x[1]))[:3]]
        if name in credit:
            evidence += [url for _, url in credit[name].top[:2]]
        if name in bench:
            evidence += [u for u in bench[name][2] if u not in evidence]
        entry_flags = sorted(flags.get(name, []), key=lambda f: (f["type"], f["detail"]))
        entry_flags += integrity.dominant_signal(components, score, config.integrity.dominant_share)
        results.append(
            {
                "enterprise": name,
                "eligible": eligible.get(name) is None,
                "eligibility_note": eligible.get(name),
                "rank": None,
                "tie": False,
                "score": score,
                "tier": None,
                "amount_cny": None,
                "components": components,
                "missing": missing,
                "flags": entry_flags,
                "evidence": evidence,
                "_key": (score, t.downloads_all_time or 0, t.downloads_30d or 0),
            }
        )
    _assign_ranks(results, config)
    for r in results:
        del r["_key"]
    results.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["score"], r["enterprise"]))
    return RankingRun(
        category_name,
        inputs.latest.snapshot.as_of,
        inputs.snapshot_ids,
        config_hash,
        config.version,
        code_version(),
        results,
    )


def _assign_ranks(results: list[dict[str, Any]], config: AwardConfig) -> None:
    pool = sorted(
        (r for r in results if r["eligible"]),
        key=lambda r: (tuple(-x for x in r["_key"]), r["enterprise"]),
    )
    rank = 0
    for position, r in enumerate(pool):
        if position == 0 or r["_key"] != pool[position - 1]["_key"]:
            rank = position + 1
        else:
            r["tie"] = pool[position - 1]["tie"] = True
        r["rank"] = rank
    limit = config.max_per_category
    for r in pool[limit:]:
        if r["rank"] <= limit:  # tied with a winner but past the cap
            r["flags"].append(
                {
                    "type": "tie_at_cutoff",
                    "detail": f"tied at rank {r['rank']}; "
                    f"at most {limit} places, broken by name order",
                    "evidence": [],
                }
            )
        r["rank"] = None
    for r in pool[:limit]:
        for tier in config.tiers:
            if tier.ranks[0] <= r["rank"] <= tier.ranks[1]:
                r["tier"], r["amount_cny"] = tier.name, tier.amount_cny
                break
