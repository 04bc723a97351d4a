"""Immutable, dated snapshots of hub statistics.

One snapshot per ``as_of`` date. A pull writes it part by part — a part is one
(hub, account, unit): a listing, or one GitHub repo's activity — each stored in its own
transaction together with its marker. A pull that dies half-way leaves finished parts and
no half part, and the next pull with the same date resumes. ``complete`` snapshots are
never written again: history stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from contrib.errors import SnapshotError
from contrib.registry import Registry
from contrib.types import Activity, BaseRef, Hub, RepoKind, RepoStat
from core.models.contrib import (
    ContribActivityRow,
    ContribRepoStatRow,
    ContribSnapshotPartRow,
    ContribSnapshotRow,
)


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    as_of: date
    status: str
    registry: Registry
    registry_hash: str
    endpoints: dict[str, Any]


def _info(row: ContribSnapshotRow) -> SnapshotInfo:
    return SnapshotInfo(
        row.id,
        row.as_of,
        row.status,
        Registry.from_json(row.registry_json),
        row.registry_hash,
        dict(row.endpoints),
    )


class SnapshotStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
                row.endpoints = dict(endpoints)
                return _info(row)
            row = ContribSnapshotRow(
                as_of=as_of,
                status="partial",
                started_at=datetime.now(UTC),
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

    def write_part(
        self,
        snapshot_id: int,
        hub: Hub,
        account: str,
        unit: str,
        *,
        repos: Iterable[RepoStat] = (),
        activity: Iterable[Activity] = (),
        requests: int = 0,
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
                    ContribRepoStatRow(
                        snapshot_id=snapshot_id,
                        hub=r.hub.value,
                        kind=r.kind.value,
                        repo_id=r.repo_id,
                        account=account,
                        owner=r.owner,
                        downloads_30d=r.downloads_30d,
                        downloads_all_time=r.downloads_all_time,
                        likes=r.likes,
                        trending_score=r.trending_score,
                        children_count=r.children_count,
                        created_at=r.created_at,
                        last_modified=r.last_modified,
                        tags=list(r.tags),
                        base_models=[[b.repo_id, b.relation] for b in r.base_models],
                        eval_results=list(r.eval_results),
                        url=r.url,
                    )
                )
                count += 1
            for a in activity:
                session.add(
                    ContribActivityRow(
                        snapshot_id=snapshot_id,
                        hub=a.hub.value,
                        repo_id=a.repo_id,
                        developer=a.developer,
                        account=account,
                        open_issue=a.open_issue,
                        issue_comment=a.issue_comment,
                        open_pull=a.open_pull,
                        review_comment=a.review_comment,
                        merged_pull=a.merged_pull,
                        commits=a.commits,
                        is_bot=a.is_bot,
                    )
                )
                count += 1
            session.add(
                ContribSnapshotPartRow(
                    snapshot_id=snapshot_id,
                    hub=hub.value,
                    account=account,
                    unit=unit,
                    items=count,
                    requests=requests,
                    fetched_at=datetime.now(UTC),
                )
            )
        return count

    def repo_ids(self, snapshot_id: int, hub: Hub, account: str) -> list[str]:
        """Repos stored for one pulled account (what a resumed pull continues from)."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(ContribRepoStatRow.repo_id)
                .where(
                    ContribRepoStatRow.snapshot_id == snapshot_id,
                    ContribRepoStatRow.hub == hub.value,
                    ContribRepoStatRow.account == account.lower(),
                )
                .order_by(ContribRepoStatRow.repo_id)
            )
            return list(rows)

    def complete(self, snapshot_id: int) -> None:
        with Session(self.engine) as session, session.begin():
            snap = session.get(ContribSnapshotRow, snapshot_id)
            if snap is None:
                raise SnapshotError(f"no snapshot {snapshot_id}")
            snap.status = "complete"
            snap.completed_at = datetime.now(UTC)

    def complete_snapshots(self, up_to: date | None = None) -> list[SnapshotInfo]:
        """Complete snapshots, oldest first, up to and including ``up_to``."""
        query = select(ContribSnapshotRow).where(ContribSnapshotRow.status == "complete")
        if up_to is not None:
            query = query.where(ContribSnapshotRow.as_of <= up_to)
        with Session(self.engine) as session:
            return [_info(r) for r in session.scalars(query.order_by(ContribSnapshotRow.as_of))]

    def all_snapshots(self) -> list[SnapshotInfo]:
        with Session(self.engine) as session:
            rows = session.scalars(select(ContribSnapshotRow).order_by(ContribSnapshotRow.as_of))
            return [_info(r) for r in rows]

    def repo_stats(self, snapshot_id: int) -> list[RepoStat]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(ContribRepoStatRow)
                .where(ContribRepoStatRow.snapshot_id == snapshot_id)
                .order_by(
                    ContribRepoStatRow.hub, ContribRepoStatRow.kind, ContribRepoStatRow.repo_id
                )
            )
            return [
                RepoStat(
                    hub=Hub(r.hub),
                    kind=RepoKind(r.kind),
                    repo_id=r.repo_id,
                    owner=r.owner,
                    downloads_30d=r.downloads_30d,
                    downloads_all_time=r.downloads_all_time,
                    likes=r.likes,
                    trending_score=r.trending_score,
                    children_count=r.children_count,
                    created_at=r.created_at,
                    last_modified=r.last_modified,
                    tags=tuple(r.tags),
                    base_models=tuple(BaseRef(b[0], b[1]) for b in r.base_models),
                    eval_results=tuple(r.eval_results),
                    url=r.url,
                )
                for r in rows
            ]

    def activity(self, snapshot_id: int) -> list[Activity]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(ContribActivityRow)
                .where(ContribActivityRow.snapshot_id == snapshot_id)
                .order_by(
                    ContribActivityRow.hub, ContribActivityRow.repo_id, ContribActivityRow.developer
                )
            )
            return [
                Activity(
                    hub=Hub(r.hub),
                    repo_id=r.repo_id,
                    developer=r.developer,
                    open_issue=r.open_issue,
                    issue_comment=r.issue_comment,
                    open_pull=r.open_pull,
                    review_comment=r.review_comment,
                    merged_pull=r.merged_pull,
                    commits=r.commits,
                    is_bot=r.is_bot,
                )
                for r in rows
            ]
