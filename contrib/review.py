"""Committee review: decisions, overrides and appeals, each with who, when and why.

Recorded decisions never change a computed ranking (runs stay replayable byte for byte);
they are shown beside the computed rank in every table and in the evidence pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from contrib.errors import ReviewError
from contrib.store import load_stored_registry
from core.models.contrib import ContribReviewRow

KINDS = ("decision", "override", "appeal")


@dataclass(frozen=True)
class ReviewDecision:
    id: int
    enterprise: str
    category: str | None
    kind: str
    decision: str
    reason: str
    reviewer: str
    run_id: int | None
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "enterprise": self.enterprise,
            "category": self.category,
            "kind": self.kind,
            "decision": self.decision,
            "reason": self.reason,
            "reviewer": self.reviewer,
            "run_id": self.run_id,
            "created_at": self.created_at.isoformat(timespec="seconds"),
        }

    def line(self) -> str:
        where = f" [{self.category}]" if self.category else ""
        return (
            f"#{self.id} {self.created_at:%Y-%m-%d %H:%M} {self.kind}{where} by "
            f"{self.reviewer}: {self.decision} — {self.reason}"
        )


def _decision(row: ContribReviewRow) -> ReviewDecision:
    return ReviewDecision(
        row.id,
        row.enterprise,
        row.category,
        row.kind,
        row.decision,
        row.reason,
        row.reviewer,
        row.run_id,
        row.created_at,
    )


def add_decision(
    engine: Engine,
    *,
    enterprise: str,
    kind: str,
    decision: str,
    reason: str,
    reviewer: str,
    category: str | None = None,
    run_id: int | None = None,
    now: datetime | None = None,
) -> ReviewDecision:
    """Record one decision; refuses an unknown firm, an unknown kind, or a missing why/who."""
    problems = []
    if kind not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    for name, value in (("decision", decision), ("reason", reason), ("reviewer", reviewer)):
        if not value.strip():
            problems.append(f"{name} is empty: every decision says what, why and who")
    known = {e.name for e in load_stored_registry(engine).enterprises}
    if enterprise not in known:
        problems.append(f"unknown enterprise {enterprise!r} (not in the stored registry)")
    if problems:
        raise ReviewError("; ".join(problems))
    with Session(engine) as session, session.begin():
        row = ContribReviewRow(
            enterprise=enterprise,
            category=category,
            kind=kind,
            decision=decision.strip(),
            reason=reason.strip(),
            reviewer=reviewer.strip(),
            run_id=run_id,
            created_at=now or datetime.now(UTC),
        )
        session.add(row)
        session.flush()
        return _decision(row)


def list_decisions(engine: Engine, enterprise: str | None = None) -> list[ReviewDecision]:
    query = select(ContribReviewRow).order_by(ContribReviewRow.id)
    if enterprise is not None:
        query = query.where(ContribReviewRow.enterprise == enterprise)
    with Session(engine) as session:
        return [_decision(r) for r in session.scalars(query)]


def decisions_by_enterprise(engine: Engine) -> dict[str, list[ReviewDecision]]:
    out: dict[str, list[ReviewDecision]] = {}
    for d in list_decisions(engine):
        out.setdefault(d.enterprise, []).append(d)
    return out
