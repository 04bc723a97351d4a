"""Subscriptions: a saved profile query with filters; alerts list what is new and matches.

A run looks at records first seen since the subscription's last run (or its creation),
ranks the whole eligible list with the same scorer as ``match``, and alerts on the new
records that rank within the subscription's ``top_k`` and score at least ``threshold``
(fused scores lie in [0, 1]). Ranking against the whole list, not just the new records,
keeps a weak newcomer from looking good only because it has no competition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.models.matching import SubscriptionRow
from core.records import RecordKind
from matching.engine import Matcher, searchable_text
from matching.errors import MatchingError, QueryError
from matching.facets import Filters
from matching.search import Match, Query, rank


@dataclass
class Subscription:
    id: int
    name: str
    query: str
    against: RecordKind
    filters: Filters
    threshold: float
    top_k: int
    created_at: datetime
    last_run_at: datetime | None

    @classmethod
    def from_row(cls, row: SubscriptionRow) -> Subscription:
        return cls(
            row.id,
            row.name,
            row.query,
            RecordKind(row.against),
            Filters.from_dict(row.filters),
            row.threshold,
            row.top_k,
            row.created_at,
            row.last_run_at,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "query": self.query,
            "against": self.against.value,
            "filters": self.filters.describe(),
            "threshold": self.threshold,
            "top_k": self.top_k,
            "created_at": self.created_at.isoformat(),
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
        }


@dataclass
class Alert:
    subscription: Subscription
    since: datetime
    new_records: int
    matches: list[Match]


class Subscriptions:
    """CRUD on subscriptions and the alert run; validates like ``match`` does."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.store = matcher.store

    def add(
        self,
        name: str,
        query: str,
        *,
        against: RecordKind = RecordKind.SCENE,
        filters: Filters | None = None,
        threshold: float = 0.5,
        top_k: int = 20,
        now: datetime | None = None,
    ) -> Subscription:
        name = name.strip()
        if not name:
            raise QueryError("a subscription needs a name")
        if not query.strip():
            raise QueryError("the subscription query is empty")
        query = searchable_text(query)  # "？？？" would alert on noise forever
        if not 0.0 <= threshold <= 1.0:
            raise MatchingError(f"threshold must lie in [0, 1], not {threshold}")
        if top_k < 1:
            raise MatchingError("top-k must be at least 1")
        filters = filters or Filters()
        filters.mask(
            self.matcher.corpus(against).facets
        )  # unknown values fail now, not at alert time
        row = SubscriptionRow(
            name=name,
            query=query,
            against=RecordKind(against).value,
            filters=filters.describe(),
            threshold=threshold,
            top_k=top_k,
            created_at=now or datetime.now(UTC),
            last_run_at=None,
        )
        try:
            with self.store.session() as session, session.begin():
                session.add(row)
        except IntegrityError as exc:
            raise MatchingError(f"a subscription named {name!r} already exists") from exc
        return Subscription.from_row(row)

    def all(self) -> list[Subscription]:
        with self.store.session() as session:
            rows = session.scalars(select(SubscriptionRow).order_by(SubscriptionRow.id)).all()
            return [Subscription.from_row(row) for row in rows]

    def remove(self, name: str) -> None:
        with self.store.session() as session, session.begin():
            row = session.scalar(select(SubscriptionRow).where(SubscriptionRow.name == name))
            if row is None:
                raise MatchingError(f"no subscription named {name!r}")
            session.delete(row)

    def alerts(self, *, now: datetime | None = None, mark: bool = True) -> list[Alert]:
        """Run every subscription; with ``mark`` the next run starts from ``now``."""
        now = now or datetime.now(UTC)
        out: list[Alert] = []
        for sub in self.all():
            since = sub.last_run_at or sub.created_at
            new_ids = {
                r.id for r in self.store.iter_records(kind=sub.against, since=since, until=now)
            }
            matches: list[Match] = []
            if new_ids:
                ranked = rank(
                    self.matcher.corpus(sub.against),
                    Query(text=sub.query),
                    filters=sub.filters,
                    top_k=sub.top_k,
                    fusion=self.matcher.fusion,
                    collapse=False,
                )
                matches = [m for m in ranked if m.id in new_ids and m.score >= sub.threshold]
            out.append(Alert(sub, since, len(new_ids), matches))
        if mark:
            with self.store.session() as session, session.begin():
                for row in session.scalars(select(SubscriptionRow)):
                    row.last_run_at = now
        return out
