"""The committee's command-line actions on the award ranking: rank (recorded), export, replay,
evidence packs, review decisions, sensitivity, and the offline sample hub. One function per
``scenehub contrib`` command, so the CLI reaches ``contrib`` only through here (the API's and
pages' counterparts live in :mod:`api.services.rankings`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from api.services import accounts, rankings
from api.services.errors import NotFound
from contrib.errors import ContribError
from contrib.evidence import evidence_pack as _evidence_pack
from contrib.export import render
from contrib.ranking.awards import AwardRun
from contrib.ranking.components import REGISTRY
from contrib.ranking.rank import RankingRun
from contrib.review import KINDS, ReviewDecision, decisions_by_enterprise
from contrib.review import list_decisions as _list_decisions
from contrib.runs import RecordedRun, ReplayReport, replay_run, run_awards
from contrib.sensitivity import SensitivityTable, sensitivity
from core.store import RecordStore

EXPORT_FORMATS = ("json", "csv", "xlsx")

__all__ = [
    "EXPORT_FORMATS",
    "KINDS",
    "AwardRun",
    "ContribError",
    "RankingRun",
    "RecordedRun",
    "ReplayReport",
    "ReviewDecision",
    "SensitivityTable",
    "component_short",
    "evidence_pack",
    "export_rankings",
    "rank_awards",
    "record_review",
    "replay",
    "review_decisions",
    "reviews_by_enterprise",
    "sample_hub",
    "sample_registry_path",
    "sensitivity_table",
]


def component_short(name: str) -> str:
    """A component's short column name (``dl``, ``OR``), or its name if unregistered."""
    return REGISTRY[name].short if name in REGISTRY else name


def rank_awards(store: RecordStore, as_of: date | None, config: Path | None) -> RecordedRun:
    """Rank every category, decide the awards across them, record the run for replay."""
    return run_awards(store.engine, as_of, config)


def export_rankings(
    store: RecordStore,
    fmt: str,
    categories: list[str] | None,
    as_of: date | None,
    config: Path | None,
) -> bytes:
    """Every candidate, component and evidence URL of the chosen categories (default: all),
    as json, csv or xlsx bytes; the run is recorded like ``rank``'s."""
    if fmt not in EXPORT_FORMATS:
        raise ContribError(f"format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    award = rank_awards(store, as_of, config).award
    names = categories or [run.category for run in award.categories]
    return render([award.category(c) for c in names], fmt)  # type: ignore[arg-type]


def evidence_pack(
    store: RecordStore, enterprise: str, as_of: date | None, config: Path | None
) -> dict[str, Any]:
    return _evidence_pack(store.engine, enterprise, as_of, config)


def record_review(
    store: RecordStore,
    *,
    enterprise: str,
    kind: str,
    decision: str,
    reason: str,
    reviewer: str,
    category: str | None,
    run_id: int | None,
) -> ReviewDecision:
    """Record a decision from the command line with the checks ``POST /api/v1/reviews`` makes
    (kind, a reason, a known category, enterprise and run): the reviewer is an enabled account
    the policy lets record decisions (a committee member), never a free-text name."""
    user = next((u for u in accounts.list_users(store) if u.username == reviewer), None)
    if user is None or user.disabled:
        raise NotFound(
            f"no enabled account named {reviewer!r}: a committee member records decisions "
            "(scenehub users add NAME --role committee)",
            field="reviewer",
        )
    return rankings.add_review(
        store,
        who=user.principal(),
        enterprise=enterprise,
        kind=kind,
        decision=decision,
        reason=reason,
        category=category,
        run_id=run_id,
    )


def review_decisions(store: RecordStore, enterprise: str | None = None) -> list[ReviewDecision]:
    return _list_decisions(store.engine, enterprise)


def reviews_by_enterprise(store: RecordStore) -> dict[str, list[ReviewDecision]]:
    return decisions_by_enterprise(store.engine)


def sensitivity_table(
    store: RecordStore, as_of: date | None, config: Path | None, delta: float
) -> SensitivityTable:
    return sensitivity(store.engine, as_of, config, delta=delta)


def replay(store: RecordStore, run_id: int) -> ReplayReport:
    """Recompute a recorded run from its snapshot ids and config text; compare the bytes."""
    return replay_run(store.engine, run_id)


@contextmanager
def sample_hub(models: int, port: int, rate_limit_every: int) -> Iterator[Any]:
    """The offline sample hub served on 127.0.0.1 while the block runs; yields its handle
    (``url``, ``as_of_dates()``, ``thread``) and stops it after. The bundled registry that
    matches it is :func:`sample_registry_path`."""
    from contrib.sample_hub import generate, serve_in_thread

    handle = serve_in_thread(generate(models), port=port, rate_limit_every=rate_limit_every)
    try:
        yield handle
    finally:
        handle.stop()


def sample_registry_path() -> Path:
    from contrib.sample_hub import registry_path

    return registry_path()
