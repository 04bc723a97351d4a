"""What a ranking reads: one complete snapshot per calendar month of the window, loaded once.

The window is calendar months ending at the latest snapshot's month, at most 12. A month
without a snapshot is *missing*: it is listed in the run and counts as a month with no data
(never silently skipped), so a firm cannot look consistent because months went unobserved.
A run can also be loaded by the exact snapshot ids it recorded (replay).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from contrib.errors import RankingError, SnapshotMissing
from contrib.graphs.accounts import AccountMap
from contrib.snapshots import SnapshotInfo, SnapshotStore
from contrib.types import Activity, LeaderboardEntry, RepoStat

MAX_WINDOW = 12


def month_label(day: date) -> str:
    return day.strftime("%Y-%m")


def months_back(latest: date, count: int) -> list[str]:
    """``count`` calendar-month labels ending at ``latest``'s month, oldest first."""
    index = latest.year * 12 + latest.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


@dataclass
class MonthData:
    snapshot: SnapshotInfo
    stats: list[RepoStat]
    activity: list[Activity]
    #: who owned which account that month: the registry frozen into the snapshot, so a
    #: later reassignment never moves an earlier month's downloads
    accounts: AccountMap
    leaderboards: dict[str, list[LeaderboardEntry]] = field(default_factory=dict)

    @property
    def month(self) -> str:
        return month_label(self.snapshot.as_of)


@dataclass
class RankingInputs:
    months: list[MonthData]  # snapshots present, oldest first; the last is "now"
    accounts: AccountMap
    #: every calendar month of the window, oldest first (present or missing)
    window: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.window:
            self.window = [m.month for m in self.months]

    @property
    def latest(self) -> MonthData:
        return self.months[-1]

    @property
    def snapshot_ids(self) -> list[int]:
        return [m.snapshot.id for m in self.months]

    @property
    def missing(self) -> list[str]:
        present = {m.month for m in self.months}
        return [m for m in self.window if m not in present]

    def by_month(self) -> list[MonthData | None]:
        """One entry per window month: the snapshot, or ``None`` where it is missing."""
        present = {m.month: m for m in self.months}
        return [present.get(label) for label in self.window]


def _load(store: SnapshotStore, chosen: list[SnapshotInfo], window: list[str]) -> RankingInputs:
    months = [
        MonthData(
            s,
            store.repo_stats(s.id),
            store.activity(s.id),
            AccountMap(s.registry),
            store.leaderboards(s.id),
        )
        for s in chosen
    ]
    return RankingInputs(months, months[-1].accounts, window)


def load_inputs(engine: Engine, as_of: date | None, window_months: int = 6) -> RankingInputs:
    """The latest complete snapshot of each calendar month in the window ending at the
    latest complete snapshot on or before ``as_of``."""
    if not 1 <= window_months <= MAX_WINDOW:
        raise RankingError(f"the window is 1..{MAX_WINDOW} months, got {window_months}")
    store = SnapshotStore(engine)
    snapshots = store.complete_snapshots(as_of)
    if not snapshots:
        when = f" on or before {as_of}" if as_of else ""
        raise SnapshotMissing(f"no complete snapshot{when}: run `scenehub contrib pull` first")
    window = months_back(snapshots[-1].as_of, window_months)
    per_month: dict[str, SnapshotInfo] = {}
    for snap in snapshots:
        if month_label(snap.as_of) in window:
            per_month[month_label(snap.as_of)] = snap  # later in the month wins
    return _load(store, [per_month[k] for k in sorted(per_month)], window)


def load_inputs_by_ids(
    engine: Engine, snapshot_ids: list[int], window_months: int
) -> RankingInputs:
    """Exactly these snapshots (a recorded run's), verified against their content hashes."""
    store = SnapshotStore(engine)
    chosen = [store.get(i) for i in snapshot_ids]
    for snap in chosen:
        store.verify(snap)
    if not chosen:
        raise RankingError("a run must name at least one snapshot")
    window = months_back(chosen[-1].as_of, window_months)
    return _load(store, chosen, window)
