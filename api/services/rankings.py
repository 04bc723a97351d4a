"""Award rankings per category and as-of date, and one enterprise's evidence in them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from api.services.errors import InvalidInput, NotFound, UnknownChoice, translate
from contrib.ranking.config import load_config
from contrib.ranking.rank import RankingRun
from contrib.runs import run_ranking
from core.store import RecordStore


def categories(config: Path | None = None) -> list[str]:
    with translate():
        return sorted(load_config(config)[0].categories)


def ranking(
    store: RecordStore,
    category: str,
    as_of: date | None = None,
    *,
    config: Path | None = None,
    record: bool = False,
) -> RankingRun:
    """Rank one category; ``record`` keeps the run for the committee (CLI rank/export)."""
    known = categories(config)
    if category not in known:
        raise UnknownChoice(f"unknown category {category!r}; known: {', '.join(known)}")
    try:
        with translate():
            return run_ranking(store.engine, category, as_of, config, record=record)
    except InvalidInput as exc:
        # contrib raises one RankingError for every ranking problem; a missing snapshot
        # means there is no ranking to show yet (404), not that the request was malformed
        if "no complete snapshot" in exc.message:
            raise NotFound(exc.message) from exc
        raise


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


def monthly_downloads(
    store: RecordStore, category: str, as_of: date | None = None, months: int = 12
) -> dict[str, list[dict[str, Any]]]:
    """Per candidate, the 30-day downloads component of each complete monthly snapshot up
    to ``as_of`` (oldest first): the series the committee's chart draws."""
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
            value = row["components"].get("downloads_30d", {}).get("value")
            series.setdefault(row["enterprise"], []).append(
                {"as_of": day.isoformat(), "downloads_30d": value}
            )
    return series
