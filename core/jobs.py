"""Job runs shared by every scheduler process: claim a slot once, never overlap, keep history.

* **Exactly once per slot.** A scheduled run's slot is its fire time. The ``job_runs`` row
  is the claim: ``(job, slot)`` is unique, so when several schedulers share one database the
  first insert wins and the others skip the slot.
* **Never overlapping itself.** While a run works it holds a lock named after the job: a
  PostgreSQL session advisory lock on a dedicated connection (released by the server if the
  process dies), or, on SQLite, an ``flock`` on a file next to the database. A slot that
  fires while the previous run still holds it is recorded as ``skipped``.
* **History.** Each run records when it started, how long it took and how it ended.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from core.filelock import file_lock
from core.models.jobs import JobRunRow

JobResult = str | dict[str, Any] | None
JobFunc = Callable[[], JobResult]

_LOOKBACKS = (
    timedelta(minutes=1),
    timedelta(hours=1),
    timedelta(days=1),
    timedelta(days=8),
    timedelta(days=32),
    timedelta(days=400),
)


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def latest_slot(cron: dict[str, str], tz: tzinfo, now: datetime) -> datetime | None:
    """The last fire time of ``cron`` at or before ``now`` (None if it never fired in a year)."""
    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger(**cron, timezone=tz)
    now = now.astimezone(tz)
    for lookback in _LOOKBACKS:
        fire = trigger.get_next_fire_time(None, now - lookback)
        if fire is None or fire > now:
            continue
        while True:
            after = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
            if after is None or after > now:
                return fire.astimezone(UTC)
            fire = after
    return None


def slot_key(slot: datetime) -> str:
    return slot.astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class RunOutcome:
    job: str
    slot: str
    status: str  # finished | failed | skipped | claimed-elsewhere
    message: str
    run_id: int | None = None
    duration_s: float | None = None


class JobLedger:
    """Claims, locks and history of job runs in one store's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- the non-overlap lock --------------------------------------------------------

    def _lock_key(self, job: str) -> int:
        with self.engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar() or ""
        digest = hashlib.sha256(f"scenehub-job:{schema}:{job}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    @contextmanager
    def job_lock(self, job: str) -> Iterator[bool]:
        """Yield whether this process now holds ``job``'s lock (never waits)."""
        if self.engine.dialect.name == "postgresql":
            key = self._lock_key(job)
            with self.engine.connect() as conn:
                got = bool(
                    conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
                )
                conn.commit()
                try:
                    yield got
                finally:
                    if got:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                        conn.commit()
            return
        database = self.engine.url.database or ""
        folder = Path(database).parent if database and database != ":memory:" else Path(".")
        slug = hashlib.sha256(job.encode()).hexdigest()[:16]
        with file_lock(folder / "locks" / f"job-{slug}.lock", wait=False) as got:
            yield got

    # -- claims and runs ---------------------------------------------------------------

    def claim(self, job: str, slot: str, trigger: str) -> int | None:
        """Insert the run row for ``(job, slot)``; None when another process already did."""
        try:
            with self.engine.begin() as conn:
                result = conn.execute(
                    JobRunRow.__table__.insert().values(  # type: ignore[attr-defined]
                        job=job,
                        slot=slot,
                        trigger=trigger,
                        status="running",
                        owner=owner_name(),
                        started_at=datetime.now(UTC),
                        message="",
                        detail={},
                    )
                )
                key = result.inserted_primary_key
                return int(key[0]) if key else None
        except IntegrityError:
            return None

    def finish(
        self, run_id: int, status: str, message: str, detail: dict[str, Any] | None = None
    ) -> float:
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            started = conn.execute(
                select(JobRunRow.started_at).where(JobRunRow.id == run_id)
            ).scalar_one()
            if started.tzinfo is None:
                started = started.replace(tzinfo=UTC)
            duration = (now - started).total_seconds()
            conn.execute(
                JobRunRow.__table__.update()  # type: ignore[attr-defined]
                .where(JobRunRow.id == run_id)
                .values(
                    status=status,
                    finished_at=now,
                    duration_s=duration,
                    message=message[:4000],
                    detail=detail or {},
                )
            )
        return duration

    def run(self, job: str, func: JobFunc, *, slot: str | None, trigger: str) -> RunOutcome:
        """Claim, lock, run and record one run of ``job``. ``slot`` None: a manual run."""
        slot = slot or f"manual:{uuid.uuid4().hex[:12]}"
        run_id = self.claim(job, slot, trigger)
        if run_id is None:
            return RunOutcome(job, slot, "claimed-elsewhere", "another scheduler ran this slot")
        with self.job_lock(job) as held:
            if not held:
                message = "skipped: the previous run of this job is still running"
                self.finish(run_id, "skipped", message)
                return RunOutcome(job, slot, "skipped", message, run_id)
            self._close_orphans(job, run_id)
            started = time.perf_counter()
            try:
                result = func()
            except Exception as exc:  # a job's failure is recorded, never kills the scheduler
                message = f"{type(exc).__name__}: {exc}"
                tail = traceback.format_exc(limit=5)[-3000:]
                duration = self.finish(run_id, "failed", message, {"traceback": tail})
                return RunOutcome(job, slot, "failed", message, run_id, duration)
            detail = result if isinstance(result, dict) else {}
            message = str(result.get("summary", "")) if isinstance(result, dict) else result or ""
            self.finish(run_id, "finished", message, detail)
            return RunOutcome(job, slot, "finished", message, run_id, time.perf_counter() - started)

    def _close_orphans(self, job: str, run_id: int) -> None:
        """Runs still marked running although nobody holds the job's lock: their process died."""
        with self.engine.begin() as conn:
            conn.execute(
                JobRunRow.__table__.update()  # type: ignore[attr-defined]
                .where(JobRunRow.job == job, JobRunRow.status == "running", JobRunRow.id != run_id)
                .values(status="failed", message="the process running it died")
            )

    def has_runs(self, job: str) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(select(JobRunRow.id).where(JobRunRow.job == job).limit(1)).first()
                is not None
            )

    def slot_taken(self, job: str, slot: str) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(JobRunRow.id).where(JobRunRow.job == job, JobRunRow.slot == slot)
            ).first()
            return found is not None

    def history(self, job: str | None = None, limit: int = 50) -> list[JobRunRow]:
        query = select(JobRunRow).order_by(JobRunRow.started_at.desc(), JobRunRow.id.desc())
        if job:
            query = query.where(JobRunRow.job == job)
        from sqlalchemy.orm import Session

        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.scalars(query.limit(limit)))

    def last_runs(self) -> dict[str, JobRunRow]:
        latest: dict[str, JobRunRow] = {}
        for row in reversed(self.history(limit=10_000)):
            latest[row.job] = row
        return latest


__all__ = ["JobFunc", "JobLedger", "JobResult", "RunOutcome", "latest_slot", "slot_key"]
