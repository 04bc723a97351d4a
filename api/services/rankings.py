"""Award rankings per category and as-of date, one enterprise's evidence in them, the
committee's review decisions and the weight sensitivity table."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from api.services.errors import InvalidInput, NotFound, UnknownChoice, translate
from api.services.policy import Action, Principal, authorize
from contrib.evidence import evidence_pack
from contrib.ranking.components import REGISTRY
from contrib.ranking.config import load_config
from contrib.ranking.rank import RankingRun
from contrib.review import (
    KINDS,
    ReviewDecision,
    add_decision,
    decisions_by_enterprise,
    list_decisions,
)
from contrib.runs import run_ranking
from contrib.sensitivity import SensitivityTable, sensitivity
from core.store import RecordStore


def categories(config: Path | None = None) -> list[str]:
    with translate():
        return sorted(load_config(config, REGISTRY)[0].categories)


def check_category(category: str, config: Path | None = None) -> None:
    """Refuse a name outside the award categories, before anything looks for snapshots: the
    API, the pages and the CLI say the same thing for it, with or without data."""
    known = categories(config)
    if category not in known:
        raise UnknownChoice(f"unknown category {category!r}; known: {', '.join(known)}")


def ranking(
    store: RecordStore,
    category: str,
    as_of: date | None = None,
    *,
    config: Path | None = None,
    record: bool = False,
) -> RankingRun:
    """Rank one category; ``record`` keeps the run for the committee (CLI rank/export)."""
    check_category(category, config)
    with translate():  # no snapshot yet: SnapshotMissing, a 404 (nothing to show), not a 422
        return run_ranking(store.engine, category, as_of, config, record=record)


def enterprise_evidence(
    store: RecordStore, category: str, enterprise: str, as_of: date | None = None
) -> dict[str, Any]:
    """One candidate's row: components, flags, evidence, eligibility."""
    if len(enterprise) > 200:
        raise InvalidInput("an enterprise name has at most 200 characters", field="enterprise")
    run = ranking(store, category, as_of)
    for row in run.results:
        if row["enterprise"] == enterprise:
            return {k: v for k, v in row.items() if not k.startswith("_")}
    raise NotFound(f"{enterprise!r} is not a candidate in {category} as of {run.as_of}")


#: the component the committee's chart draws (see contrib.ranking.components.Downloads)
DOWNLOADS = "downloads"


def monthly_downloads(
    store: RecordStore, category: str, as_of: date | None = None, months: int = 12
) -> dict[str, list[dict[str, Any]]]:
    """Per candidate, the downloads component (monthly downloads, trailing mean, each model
    family counted once) as ranked at each complete monthly snapshot up to ``as_of``, oldest
    first: the series the committee's chart draws. A month the firm has no data in is None."""
    from sqlalchemy import select

    from core.models.contrib import ContribSnapshotRow

    query = select(ContribSnapshotRow.as_of).where(ContribSnapshotRow.status == "complete")
    if as_of is not None:
        query = query.where(ContribSnapshotRow.as_of <= as_of)
    with store.session() as session:
        days = sorted(session.scalars(query))[-months:]
    series: dict[str, list[dict[str, Any]]] = {}
    for day in days:
        run = ranking(store, category, day)
        for row in run.results:
            value = row["components"][DOWNLOADS]["value"]
            series.setdefault(row["enterprise"], []).append(
                {"as_of": day.isoformat(), DOWNLOADS: value}
            )
    return series


# -- the committee: evidence packs, review decisions, sensitivity ------------------------------

MAX_REVIEW_CHARS = 2000


def _known_enterprises(store: RecordStore) -> set[str]:
    from contrib.errors import RegistryError
    from contrib.store import load_stored_registry

    try:
        return {e.name for e in load_stored_registry(store.engine).enterprises}
    except RegistryError as exc:
        raise NotFound(str(exc)) from exc


def _check_enterprise(store: RecordStore, enterprise: str) -> None:
    if len(enterprise) > 200:
        raise InvalidInput("an enterprise name has at most 200 characters", field="enterprise")
    if enterprise not in _known_enterprises(store):
        raise NotFound(f"unknown enterprise {enterprise!r} (not in the stored registry)")


def evidence(
    store: RecordStore,
    enterprise: str,
    *,
    who: Principal | None,
    category: str | None = None,
    as_of: date | None = None,
) -> dict[str, Any]:
    """One firm's evidence pack (components, monthly series per repo, flags, awards, the
    recorded decisions); ``category`` keeps only that category's part."""
    authorize(who, Action.EVIDENCE_READ)
    if category is not None:
        check_category(category)
    _check_enterprise(store, enterprise)
    with translate():  # SnapshotMissing, NotInSnapshot: 404
        pack = evidence_pack(store.engine, enterprise, as_of)
    if category is not None:
        pack["categories"] = [c for c in pack["categories"] if c["category"] == category]
        if not pack["categories"]:
            raise NotFound(f"{enterprise!r} is not a candidate in {category} as of {pack['as_of']}")
        pack["awards"] = [a for a in pack["awards"] if a.get("category") == category]
    return pack


def add_review(
    store: RecordStore,
    *,
    who: Principal | None,
    enterprise: str,
    kind: str,
    decision: str,
    reason: str,
    category: str | None = None,
    run_id: int | None = None,
) -> ReviewDecision:
    """Record one committee decision; the reviewer is the signed-in member, never a field."""
    authorize(who, Action.REVIEW_RECORD)
    assert who is not None  # authorize refuses anonymous callers
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}, got {kind!r}", field="kind")
    for name, value in (("decision", decision), ("reason", reason)):
        if not value.strip():
            raise InvalidInput(f"{name} is empty: every decision says what and why", field=name)
        if len(value) > MAX_REVIEW_CHARS:
            raise InvalidInput(f"{name} has at most {MAX_REVIEW_CHARS} characters", field=name)
    if category is not None:
        check_category(category)
    _check_enterprise(store, enterprise)
    if run_id is not None:
        from core.models.contrib import ContribRankingRunRow

        with store.session() as session:
            if session.get(ContribRankingRunRow, run_id) is None:
                raise NotFound(f"no ranking run #{run_id}", field="run_id")
    with translate():
        return add_decision(
            store.engine,
            enterprise=enterprise,
            kind=kind,
            decision=decision,
            reason=reason,
            reviewer=who.username,
            category=category,
            run_id=run_id,
        )


def list_reviews(
    store: RecordStore, *, who: Principal | None, enterprise: str | None = None
) -> list[ReviewDecision]:
    """Recorded decisions (oldest first), all or one firm's."""
    authorize(who, Action.EVIDENCE_READ)
    with translate():
        return list_decisions(store.engine, enterprise)


def reviews_by_enterprise(
    store: RecordStore, *, who: Principal | None
) -> dict[str, list[ReviewDecision]]:
    authorize(who, Action.EVIDENCE_READ)
    with translate():
        return decisions_by_enterprise(store.engine)


def weight_sensitivity(
    store: RecordStore, *, who: Principal | None, as_of: date | None = None, delta: float = 0.2
) -> SensitivityTable:
    """Each candidate's rank/tier when any one weight moves by ±``delta``."""
    authorize(who, Action.EVIDENCE_READ)
    if not 0 < delta < 1:
        raise InvalidInput("delta must be between 0 and 1 (exclusive)", field="delta")
    with translate():  # SnapshotMissing: 404
        return sensitivity(store.engine, as_of, delta=delta)
