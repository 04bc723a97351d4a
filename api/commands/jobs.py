"""``scenehub jobs list|run NAME|history``: the scheduler's jobs and what they did."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.commands.scheduler import make_scheduler
from core.jobs import JobLedger

group = typer.Typer(help="Scheduled jobs: list them, run one now, see past runs.")


def _when(value: object) -> str:
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else "-"


@group.command("list")
def jobs_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every job with its schedule, next run and last run."""
    scheduler = make_scheduler(echo=False)
    last = scheduler.ledger.last_runs()
    nexts = scheduler.next_runs()
    rows = []
    for name, spec in scheduler.jobs.items():
        run = last.get(name)
        rows.append(
            {
                "job": name,
                "schedule": spec.schedule,
                "description": spec.description,
                "next_run": _when(nexts.get(name)),
                "last_run": _when(run.started_at) if run else None,
                "last_status": run.status if run else None,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        last_run = f"last {r['last_status']} {r['last_run']}" if r["last_run"] else "never ran"
        typer.echo(f"{r['job']}: {r['schedule']}; next {r['next_run']}; {last_run}")


@group.command("run")
def jobs_run(name: Annotated[str, typer.Argument(help="A job name from `jobs list`.")]) -> None:
    """Run one job now, in this process (recorded in the history as a manual run)."""
    scheduler = make_scheduler(echo=False)
    if name not in scheduler.jobs:
        typer.echo(f"error: no job named {name!r}; jobs: {', '.join(scheduler.jobs)}", err=True)
        raise typer.Exit(2)
    outcome = scheduler.ledger.run(name, scheduler.jobs[name].func, slot=None, trigger="manual")
    took = f" in {outcome.duration_s:.1f}s" if outcome.duration_s is not None else ""
    typer.echo(f"{name}: {outcome.status}{took} {outcome.message}".rstrip())
    if outcome.status != "finished":
        raise typer.Exit(1)


@group.command("history")
def jobs_history(
    job: Annotated[str | None, typer.Option("--job", help="Only this job.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Past runs, newest first: when, how long, how it ended."""
    from core.settings import get_settings
    from core.store import RecordStore

    rows = JobLedger(RecordStore.from_settings(get_settings()).engine).history(job, limit)
    if as_json:
        payload = [
            {
                "job": r.job,
                "slot": r.slot,
                "trigger": r.trigger,
                "status": r.status,
                "owner": r.owner,
                "started_at": _when(r.started_at),
                "finished_at": _when(r.finished_at) if r.finished_at else None,
                "duration_s": r.duration_s,
                "message": r.message,
            }
            for r in rows
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    if not rows:
        typer.echo("no job has run yet.")
    for r in rows:
        took = f"{r.duration_s:.1f}s" if r.duration_s is not None else "running"
        typer.echo(
            f"{_when(r.started_at)}  {r.job}  {r.trigger}  {r.status}  {took}  {r.message}".rstrip()
        )


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="jobs")
