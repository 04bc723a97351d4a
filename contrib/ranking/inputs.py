"""What a ranking reads: the complete snapshots up to ``as_of``, one per month, loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from contrib.errors import RankingError
from contrib.graphs.accounts import AccountMap
from contrib.snapshots import SnapshotInfo, SnapshotStore
from contrib.types import Activity, RepoStat


@dataclass
class MonthData:
    snapshot: SnapshotInfo
    stats: list[RepoStat]
    activity: list[Activity]
    #: who owned which account that month: the registry frozen into the snapshot, so a
    #: later reassignment never moves an earlier month's downloads
    accounts: AccountMap

    @property
    def month(self) -> str:
        return self.snapshot.as_of.strftime("%Y-%m")


@dataclass
class RankingInputs:
    months: list[MonthData]  # oldest first; the last is "now"
    accounts: AccountMap

    @property
    def latest(self) -> MonthData:
        return self.months[-1]

    @property
    def snapshot_ids(self) -> list[int]:
        return [m.snapshot.id for m in self.months]


def load_inputs(engine: Engine, as_of: date | None, max_months: int = 12) -> RankingInputs:
    """The latest complete snapshot of each month, at most ``max_months`` months back."""
    store = SnapshotStore(engine)
    snapshots = store.complete_snapshots(as_of)
    if not snapshots:
        when = f" on or before {as_of}" if as_of else ""
        raise RankingError(f"no complete snapshot{when}: run `scenehub contrib pull` first")
    per_month: dict[str, SnapshotInfo] = {}
    for snap in snapshots:
        per_month[snap.as_of.strftime("%Y-%m")] = snap  # later in the month wins
    chosen = [per_month[k] for k in sorted(per_month)][-max_months:]
    months = [
        MonthData(s, store.repo_stats(s.id), store.activity(s.id), AccountMap(s.registry))
        for s in chosen
    ]
    return RankingInputs(months, months[-1].accounts)
