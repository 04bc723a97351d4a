"""The per-candidate evidence pack: everything the committee needs to check one firm.

Every repo with its monthly series, every copy counted in a family, every excluded bot,
sock puppet and derivative, every flag with its numbers, the leaderboard standing, the
self-reported results (shown, never scored), and the review decisions.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from contrib.errors import NotInSnapshot
from contrib.ranking.components import REGISTRY
from contrib.ranking.config import config_hash, load_config_text
from contrib.ranking.context import Shared
from contrib.ranking.inputs import load_inputs
from contrib.ranking.rank import measure_category
from contrib.review import list_decisions
from contrib.runs import compute_awards


def evidence_pack(
    engine: Engine, enterprise: str, as_of: date | None = None, config_path: Path | None = None
) -> dict[str, Any]:
    config, text = load_config_text(config_path, REGISTRY)
    inputs = load_inputs(engine, as_of, config.window.months)
    registry = {e.name: e for e in inputs.accounts.registry.enterprises}
    if enterprise not in registry:
        raise NotInSnapshot(f"unknown enterprise {enterprise!r} (not in the latest snapshot)")
    award = compute_awards(inputs, config, text)
    shared = Shared()
    categories = []
    for name in config.categories:
        cm = measure_category(inputs, name, config, shared)
        run = award.category(name)
        result = next((r for r in run.results if r["enterprise"] == enterprise), None)
        if result is None:
            continue
        ctx = cm.ctx
        repos = []
        for key, repo in sorted(ctx.repos_by_firm.get(enterprise, {}).items()):
            repos.append(
                {
                    "repo": repo.repo_id,
                    "hub": repo.hub.value,
                    "url": repo.url,
                    "monthly_downloads": dict(
                        zip(inputs.window, ctx.repo_series.get(key, []), strict=False)
                    ),
                    "self_reported_results": [{**e, "scored": False} for e in repo.eval_results],
                }
            )
        credit = cm.ctx.shared.values.get("derivative_credit", {}).get(enterprise)
        derivatives = (
            [{"credit": round(c, 2), "url": url} for c, url in credit.top] if credit else []
        )
        families = [
            [ctx.repos_by_firm[enterprise][k].repo_id for k in family]
            for family in ctx.families.get(enterprise, [])
            if len(family) > 1
        ]
        categories.append(
            {
                "category": name,
                "rank": result["rank"],
                "tie": result["tie"],
                "score": result["score"],
                "tier": result["tier"],
                "amount_cny": result["amount_cny"],
                "award_position": result["award_position"],
                "eligible": result["eligible"],
                "eligibility_note": result["eligibility_note"],
                "components": result["components"],
                "flags": result["flags"],
                "excluded": result["excluded"],
                "families": families,
                "top_derivatives_by_others": derivatives,
                "repos": repos,
            }
        )
    e = registry[enterprise]
    return {
        "enterprise": enterprise,
        "registry": e.as_dict(),
        "as_of": inputs.latest.snapshot.as_of.isoformat(),
        "window": inputs.window,
        "missing_months": inputs.missing,
        "snapshot_ids": inputs.snapshot_ids,
        "config_version": config.version,
        "config_hash": config_hash(text),
        "categories": categories,
        "awards": [a for a in award.awards if a["enterprise"] == enterprise],
        "review": [d.as_dict() for d in list_decisions(engine, enterprise)],
    }
