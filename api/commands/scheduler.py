"""``scenehub scheduler``: run every scheduled job (crawls, index + alerts, hub pull).

Run one per machine or several against one PostgreSQL: each slot of each job runs once.
``scenehub serve --with-scheduler`` runs the same scheduler inside the API process.
"""

from __future__ import annotations

import logging
from typing import Any

import typer

from api.scheduling import JobScheduler, build_jobs
from core.jobs import RunOutcome
from core.settings import get_settings
from core.store import RecordStore


def make_scheduler(echo: bool = True) -> JobScheduler:
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    store = RecordStore.from_settings(settings)

    def report(outcome: RunOutcome) -> None:
        if echo:
            took = f" in {outcome.duration_s:.1f}s" if outcome.duration_s is not None else ""
            typer.echo(f"{outcome.job} [{outcome.slot}]: {outcome.status}{took} {outcome.message}")

    return JobScheduler(
        store.engine,
        build_jobs(settings),
        settings.timezone,
        on_outcome=report,
        concurrency=settings.scheduler_concurrency,
    )


def start_background_scheduler() -> JobScheduler:
    """For ``serve --with-scheduler``: the scheduler in threads of the API process."""
    scheduler = make_scheduler(echo=False)
    scheduler.start(blocking=False)
    return scheduler


def scheduler_command() -> None:
    """Run scheduled jobs until stopped (Ctrl-C): source crawls on their `schedule`, each
    followed by an index refresh and the alerts; the monthly hub pull; alert retries."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler = make_scheduler()
    for name, when in scheduler.next_runs().items():
        spec = scheduler.jobs[name]
        next_run = when.isoformat(timespec="minutes") if when else "never"
        typer.echo(f"{name}: {spec.schedule} (next {next_run})")
    missed: list[Any] = scheduler.missed()
    for name, slot in missed:
        typer.echo(f"{name}: missed slot {slot}, running once now")
    try:
        scheduler.start(blocking=True)
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)


def register(app: typer.Typer) -> None:
    app.command("scheduler")(scheduler_command)
