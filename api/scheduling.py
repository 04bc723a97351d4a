"""What `scenehub scheduler` runs, and the loop that runs it (APScheduler 3).

Jobs
----
* ``crawl:<source>`` for every source with a ``schedule``: the crawl (in a child process:
  Twisted reactors cannot restart), then an incremental index refresh, then the alerts
  (new matches queued per subscription and delivered).
* ``hub-pull``: every hub pulled into a snapshot dated today, on the award config's
  ``pull_schedule`` (monthly, day 1 by default).
* ``alerts-deliver``: every five minutes, retry deliveries that failed (webhook or SMTP down).

Restarts and several schedulers: see :mod:`core.jobs`. On start, a job that has run before
and whose latest slot has no run gets **one** catch-up run (coalesced, however many slots
were missed); a job that never ran waits for its first slot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from core.jobs import JobFunc, JobLedger, RunOutcome, latest_slot, slot_key
from core.schedule import parse_schedule
from core.settings import Settings

log = logging.getLogger(__name__)


class JobFailed(RuntimeError):
    """A job step failed; the message is what `scenehub jobs history` shows."""


@dataclass(frozen=True)
class JobSpec:
    name: str
    schedule: str  # as written (a source's `schedule`), for `jobs list`
    cron: dict[str, str]  # CronTrigger fields
    func: JobFunc
    description: str = ""


def run_crawl(source: str) -> dict[str, Any]:
    """The crawl step: the one crawl service (a child process), as ``scenehub crawl --source``
    runs it; a crawl that could not run or did not do its job is a one-line :class:`JobFailed`
    with the crawl's own reason."""
    from api.services.crawls import crawl_for_job
    from api.services.errors import ServiceError, translate

    try:
        with translate():
            return crawl_for_job(source)
    except ServiceError as exc:
        raise JobFailed(f"crawl of {source} failed: {exc}") from None


def refresh_index(settings: Settings) -> dict[str, str]:
    """Bring the scene and capability indexes up to date with the store (incremental), through
    the one index builder the API's refresher and ``scenehub index`` use: one builder at a
    time (a file lock), readers switch to the new index only once it is complete."""
    from api.services.index import build_index, load_embedder
    from core.store import RecordStore

    store = RecordStore.from_settings(settings)
    reports = build_index(store, settings.home, load_embedder(settings.embedder))
    assert reports is not None  # wait=True: the lock is waited for, never skipped
    return {kind.value: report.summary() for kind, report in reports.items()}


def run_alerts(settings: Settings) -> dict[str, Any]:
    """Queue each subscription's new matches and deliver every due alert."""
    from api.alerts.service import alert_cycle

    return alert_cycle(settings)


def deliver_due(settings: Settings) -> dict[str, Any]:
    from api.alerts.service import deliver_pending

    return deliver_pending(settings)


def crawl_job(settings: Settings, source: str) -> JobFunc:
    def job() -> dict[str, Any]:
        report = run_crawl(source)
        index = refresh_index(settings)
        alerts = run_alerts(settings)
        summary = (
            f"crawl {report.get('status', '?')}: {report.get('items_new', 0)} new, "
            f"{report.get('items_updated', 0)} updated; alerts: {alerts.get('summary', '')}"
        )
        return {"summary": summary, "crawl": report, "index": index, "alerts": alerts}

    return job


def pull_job(settings: Settings, endpoints: Mapping[str, str] | None = None) -> JobFunc:
    """The hub pull, through the one pull service (with the award config's leaderboards);
    ``endpoints`` (hub name -> URL) replaces the real hubs, e.g. by a mirror."""

    def job() -> dict[str, Any]:
        from api.services.hubs import pull_hubs
        from core.store import RecordStore

        report = pull_hubs(RecordStore.from_settings(settings), None, endpoints, settings=settings)
        return {"summary": report.summary()}

    return job


def build_jobs(settings: Settings) -> list[JobSpec]:
    """Every job the product schedules, from the sources and the award config.

    Crawls are scheduled for the operator's sources (``$SCENEHUB_HOME/sources/*.toml``); the
    built-in entries are a template and the offline sample portal, crawled only on request.
    """
    from api.services.crawls import scheduled_sources
    from api.services.hubs import pull_schedule

    jobs = [
        JobSpec(
            f"crawl:{name}",
            schedule,
            parse_schedule(schedule).cron_fields(),
            crawl_job(settings, name),
            "crawl, refresh the index, send alerts",
        )
        for name, schedule in scheduled_sources(settings.home).items()
    ]
    hub_schedule = pull_schedule()
    jobs.append(
        JobSpec(
            "hub-pull",
            hub_schedule,
            parse_schedule(hub_schedule).cron_fields(),
            pull_job(settings),
            "pull every hub into this month's snapshot",
        )
    )
    jobs.append(
        JobSpec(
            "alerts-deliver",
            "every 5 minutes",
            {"minute": "*/5", "second": "0"},
            lambda: deliver_due(settings),
            "retry alert deliveries that failed",
        )
    )
    return jobs


class JobScheduler:
    """APScheduler wired to the ledger: every firing is claimed, locked and recorded."""

    def __init__(
        self,
        engine: Engine,
        jobs: list[JobSpec],
        timezone: str = "Asia/Shanghai",
        on_outcome: Callable[[RunOutcome], None] | None = None,
        concurrency: int = 4,
    ) -> None:
        self.concurrency = concurrency
        self.ledger = JobLedger(engine)
        self.jobs = {job.name: job for job in jobs}
        self.tz = ZoneInfo(timezone)
        self.on_outcome = on_outcome
        self._scheduler: Any = None

    def fire(self, name: str, trigger: str = "schedule", slot: str | None = None) -> RunOutcome:
        spec = self.jobs[name]
        if slot is None:
            when = latest_slot(spec.cron, self.tz, datetime.now(UTC))
            slot = slot_key(when) if when else None
        outcome = self.ledger.run(name, spec.func, slot=slot, trigger=trigger)
        log.info("job %s slot %s: %s %s", name, outcome.slot, outcome.status, outcome.message)
        if self.on_outcome:
            self.on_outcome(outcome)
        return outcome

    def missed(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """``(job, slot)`` to run once on start: ran before, latest slot not run anywhere."""
        now = now or datetime.now(UTC)
        found = []
        for spec in self.jobs.values():
            when = latest_slot(spec.cron, self.tz, now)
            if when is None or not self.ledger.has_runs(spec.name):
                continue
            slot = slot_key(when)
            if not self.ledger.slot_taken(spec.name, slot):
                found.append((spec.name, slot))
        return found

    def start(self, *, blocking: bool) -> Any:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.schedulers.blocking import BlockingScheduler
        from apscheduler.triggers.cron import CronTrigger

        kind = BlockingScheduler if blocking else BackgroundScheduler
        scheduler = kind(
            timezone=self.tz,
            # at most `concurrency` jobs at once (a Monday 06:00 of many sources queues up)
            executors={"default": ThreadPoolExecutor(self.concurrency)},
            # a slot fired late (the process was busy or asleep) still runs, once
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        for spec in self.jobs.values():
            scheduler.add_job(
                self.fire,
                CronTrigger(**spec.cron, timezone=self.tz),
                args=[spec.name],
                id=spec.name,
                name=spec.name,
            )
        for name, slot in self.missed():
            scheduler.add_job(
                self.fire, args=[name, "catch-up", slot], id=f"catch-up:{name}", name=name
            )
        self._scheduler = scheduler
        scheduler.start()
        return scheduler

    def shutdown(self, wait: bool = True) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=wait)

    def next_runs(self) -> dict[str, datetime | None]:
        from apscheduler.triggers.cron import CronTrigger

        now = datetime.now(self.tz)
        return {
            name: CronTrigger(**spec.cron, timezone=self.tz).get_next_fire_time(None, now)
            for name, spec in self.jobs.items()
        }
