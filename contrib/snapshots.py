"""Immutable, dated snapshots of hub statistics.

One snapshot per ``as_of`` date. A pull writes it part by part — a part is one
(hub, account, unit): a listing, one GitHub repo's activity, or one benchmark leaderboard —
each stored in its own transaction together with its marker. A pull that dies half-way
leaves finished parts and no half part, and the next pull with the same date resumes (within
:data:`RESUME_DAYS`: hub figures are as of the fetch, so a snapshot may not be finished
weeks later). ``complete`` snapshots are never written again and carry a content hash over
their rows in canonical order, checked whenever a recorded run is replayed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from contrib.errors import SnapshotError
from contrib.registry import Registry
from contrib.types import Activity, BaseRef, Hub, LeaderboardEntry, RepoKind, RepoStat
from core.models.contrib import (
    ContribActivityRow,
    ContribLeaderboardRow,
    ContribRepoStatRow,
    ContribSnapshotPartRow,
    ContribSnapshotRow,
)

#: a partial snapshot older than this cannot be resumed (its parts would mix dates)
RESUME_DAYS = 3


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    as_of: date
    status: str
    registry: Registry
    registry_hash: str
    endpoints: dict[str, Any]
    started_at: datetime | None = None
    content_hash: str | None = None


def _info(row: ContribSnapshotRow) -> SnapshotInfo:
    return SnapshotInfo(
        row.id,
        row.as_of,
        row.status,
        Registry.from_json(row.registry_json),
        row.registry_hash,
        dict(row.endpoints),
        row.started_at,
        row.content_hash,
    )


# -- one mapping between dataclasses and rows (the field names are the same on both sides)
def _stat_columns(r: RepoStat) -> dict[str, Any]:
    out = {f.name: getattr(r, f.name) for f in dataclasses.fields(RepoStat)}
    out.update(
        hub=r.hub.value,
        kind=r.kind.value,
        tags=list(r.tags),
        base_models=[[b.repo_id, b.relation] for b in r.base_models],
        eval_results=list(r.eval_results),
    )
    return out


def _stat_from_row(row: Any) -> RepoStat:
    values = {f.name: getattr(row, f.name) for f in dataclasses.fields(RepoStat)}
    values.update(
        hub=Hub(row.hub),
        kind=RepoKind(row.kind),
        tags=tuple(row.tags),
        base_models=tuple(BaseRef(b[0], b[1]) for b in row.base_models),
        eval_results=tuple(row.eval_results),
    )
    return RepoStat(**values)


def _activity_columns(a: Activity) -> dict[str, Any]:
    out = {f.name: getattr(a, f.name) for f in dataclasses.fields(Activity)}
    out["hub"] = a.hub.value
    return out


def _activity_from_row(row: Any) -> Activity:
    values = {f.name: getattr(row, f.name) for f in dataclasses.fields(Activity)}
    values["hub"] = Hub(row.hub)
    return Activity(**values)


def _entry_columns(e: LeaderboardEntry) -> dict[str, Any]:
    return {f.name: getattr(e, f.name) for f in dataclasses.fields(LeaderboardEntry)}


def _entry_from_row(row: ContribLeaderboardRow) -> LeaderboardEntry:
    return LeaderboardEntry(
        **{f.name: getattr(row, f.name) for f in dataclasses.fields(LeaderboardEntry)}
    )


def _stat_key(r: RepoStat) -> tuple[str, str, str]:
    return (r.hub.value, r.kind.value, r.repo_id)


class SnapshotStore:
    def __init__(self, engine: Engine, *, now: datetime | None = None) -> None:
        self.engine = engine
        self._now = now

    def now(self) -> datetime:
        return self._now or datetime.now(UTC)

    def open(self, as_of: date, registry: Registry, endpoints: dict[str, str]) -> SnapshotInfo:
        """Start the snapshot for ``as_of``, or resume its unfinished pull."""
        with Session(self.engine) as session, session.begin():
            row = session.scalars(
                select(ContribSnapshotRow).where(ContribSnapshotRow.as_of == as_of)
            ).first()
            if row is not None:
                if row.status == "complete":
                    raise SnapshotError(
                        f"snapshot {row.id} for {as_of} is complete and immutable; "
                        "pull with another --as-of date"
                    )
                if row.registry_hash != registry.content_hash():
                    raise SnapshotError(
                        f"snapshot {row.id} for {as_of} was started with another registry; "
                        "resume it with the same registry or pull with another --as-of date"
                    )
                started = row.started_at
                if started.tzinfo is None:
                    started = started.replace(tzinfo=UTC)
                if self.now() - started > timedelta(days=RESUME_DAYS):
                    raise SnapshotError(
                        f"snapshot {row.id} for {as_of} was started {started:%Y-%m-%d}, more "
                        f"than {RESUME_DAYS} days ago; its figures would mix dates, so it "
                        "cannot be completed now: pull a new date"
                    )
                row.endpoints = dict(endpoints)
                return _info(row)
            row = ContribSnapshotRow(
                as_of=as_of,
                status="partial",
                started_at=self.now(),
                endpoints=dict(endpoints),
                registry_json=registry.as_json(),
                registry_hash=registry.content_hash(),
            )
            session.add(row)
            session.flush()
            return _info(row)

    def done_parts(self, snapshot_id: int) -> set[tuple[str, str, str]]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(
                    ContribSnapshotPartRow.hub,
                    ContribSnapshotPartRow.account,
                    ContribSnapshotPartRow.unit,
                ).where(ContribSnapshotPartRow.snapshot_id == snapshot_id)
            )
            return {(h, a, k) for h, a, k in rows}

    def part_notes(self, snapshot_id: int) -> list[tuple[str, str, str, str | None]]:
        """(hub, account, unit, note) of every part stored with a note (e.g. a 404)."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(
                    ContribSnapshotPartRow.hub,
                    ContribSnapshotPartRow.account,
                    ContribSnapshotPartRow.unit,
                    ContribSnapshotPartRow.note,
                )
                .where(
                    ContribSnapshotPartRow.snapshot_id == snapshot_id,
                    ContribSnapshotPartRow.note.is_not(None),
                )
                .order_by(ContribSnapshotPartRow.hub, ContribSnapshotPartRow.account)
            )
            return [(h, a, u, n) for h, a, u, n in rows]

    def write_part(
        self,
        snapshot_id: int,
        hub: Hub,
        account: str,
        unit: str,
        *,
        repos: Iterable[RepoStat] = (),
        activity: Iterable[Activity] = (),
        leaderboard: Iterable[LeaderboardEntry] = (),
        requests: int = 0,
        note: str | None = None,
    ) -> int:
        """Store one finished part and its marker atomically; return the row count."""
        account = account.lower()
        with Session(self.engine) as session, session.begin():
            snap = session.get(ContribSnapshotRow, snapshot_id)
            if snap is None or snap.status != "partial":
                raise SnapshotError(f"snapshot {snapshot_id} is not open for writing")
            count = 0
            seen: set[tuple[str, str]] = set()
            for r in repos:
                if (r.kind.value, r.repo_id) in seen:
                    continue  # a hub listing the same repo twice across pages
                seen.add((r.kind.value, r.repo_id))
                session.add(
                    ContribRepoStatRow(snapshot_id=snapshot_id, account=account, **_stat_columns(r))
                )
                count += 1
            for a in activity:
                session.add(
                    ContribActivityRow(
                        snapshot_id=snapshot_id, account=account, **_activity_columns(a)
                    )
                )
                count += 1
            seen_models: set[str] = set()
            for e in leaderboard:
                if e.model_id in seen_models:
                    continue
                seen_models.add(e.model_id)
                session.add(ContribLeaderboardRow(snapshot_id=snapshot_id, **_entry_columns(e)))
                count += 1
            session.add(
                ContribSnapshotPartRow(
                    snapshot_id=snapshot_id,
                    hub=hub.value,
                    account=account,
                    unit=unit,
                    items=count,
                    requests=requests,
                    fetched_at=self.now(),
                    note=note,
                )
            )
        return count

    def repo_ids(self, snapshot_id: int, hub: Hub, account: str) -> list[str]:
        """Repos stored for one pulled account (what a resumed pull continues from)."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(ContribRepoStatRow.repo_id).where(
                    ContribRepoStatRow.snapshot_id == snapshot_id,
                    ContribRepoStatRow.hub == hub.value,
                    ContribRepoStatRow.account == account.lower(),
                )
            )
            return sorted(rows)

    def complete(self, snapshot_id: int) -> str:
        """Mark complete and store the content hash; return it."""
        digest = self.content_hash(snapshot_id)
        with Session(self.engine) as session, session.begin():
            snap = session.get(ContribSnapshotRow, snapshot_id)
            if snap is None:
                raise SnapshotError(f"no snapshot {snapshot_id}")
            snap.status = "complete"
            snap.completed_at = self.now()
            snap.content_hash = digest
        return digest

    def content_hash(self, snapshot_id: int) -> str:
        """SHA-256 over the registry hash and every row, sorted in Python (never by the
        database's collation), so SQLite and PostgreSQL give the same digest."""
        info = self.get(snapshot_id)
        payload = {
            "as_of": info.as_of.isoformat(),
            "registry": info.registry_hash,
            "repos": [_stat_columns(r) for r in self.repo_stats(snapshot_id)],
            "activity": [_activity_columns(a) for a in self.activity(snapshot_id)],
            "leaderboards": {
                k: [_entry_columns(e) for e in v]
                for k, v in sorted(self.leaderboards(snapshot_id).items())
            },
        }
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def verify(self, info: SnapshotInfo) -> None:
        """Raise unless the stored rows still hash to what was recorded at completion."""
        if info.status != "complete" or info.content_hash is None:
            raise SnapshotError(f"snapshot {info.id} ({info.as_of}) is not complete")
        actual = self.content_hash(info.id)
        if actual != info.content_hash:
            raise SnapshotError(
                f"snapshot {info.id} ({info.as_of}) changed since it was completed: "
                f"content hash {actual[:12]} ≠ recorded {info.content_hash[:12]}"
            )

    def get(self, snapshot_id: int) -> SnapshotInfo:
        with Session(self.engine) as session:
            row = session.get(ContribSnapshotRow, snapshot_id)
            if row is None:
                raise SnapshotError(f"no snapshot {snapshot_id}")
            return _info(row)

    def snapshots(self, status: str | None = None, up_to: date | None = None) -> list[SnapshotInfo]:
        """Snapshots oldest first, optionally only ``status`` and up to ``up_to``."""
        query = select(ContribSnapshotRow)
        if status is not None:
            query = query.where(ContribSnapshotRow.status == status)
        if up_to is not None:
            query = query.where(ContribSnapshotRow.as_of <= up_to)
        with Session(self.engine) as session:
            return [_info(r) for r in session.scalars(query.order_by(ContribSnapshotRow.as_of))]

    def complete_snapshots(self, up_to: date | None = None) -> list[SnapshotInfo]:
        """Complete snapshots, oldest first, up to and including ``up_to``."""
        return self.snapshots("complete", up_to)

    def repo_stats(self, snapshot_id: int) -> list[RepoStat]:
        with Session(self.engine) as session:
            # plain rows, not ORM entities: a snapshot is read whole and never modified
            table = ContribRepoStatRow.__table__
            rows = session.execute(select(table).where(table.c.snapshot_id == snapshot_id))
            return sorted((_stat_from_row(r) for r in rows), key=_stat_key)

    def activity(self, snapshot_id: int) -> list[Activity]:
        with Session(self.engine) as session:
            table = ContribActivityRow.__table__
            rows = session.execute(select(table).where(table.c.snapshot_id == snapshot_id))
            return sorted(
                (_activity_from_row(r) for r in rows),
                key=lambda a: (a.hub.value, a.repo_id, a.developer),
            )

    def leaderboards(self, snapshot_id: int) -> dict[str, list[LeaderboardEntry]]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(ContribLeaderboardRow).where(
                    ContribLeaderboardRow.snapshot_id == snapshot_id
                )
            )
            out: dict[str, list[LeaderboardEntry]] = {}
            for row in rows:
                out.setdefault(row.dataset, []).append(_entry_from_row(row))
        return {
            k: sorted(v, key=lambda e: (e.hub_rank, e.model_id)) for k, v in sorted(out.items())
        }
