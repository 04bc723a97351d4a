"""``scenehub subscribe add|list|remove`` and ``scenehub alerts``: saved profile queries.

A firm saves a query with filters; ``alerts`` lists, per subscription, the scenes that
appeared since its last run and match above its threshold. The CLI acts as the operator
(every subscription); the API's ``/subscriptions`` acts for one firm.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from api.commands.common import EmbedderOption, make_matcher, reads_records, with_filters
from api.services import subscriptions as service
from api.services.filters import RecordFilter
from core.records import RecordKind


@reads_records
@with_filters
def add(
    filters: RecordFilter,
    name: Annotated[str, typer.Argument(help="A unique name, e.g. the firm.")],
    text: Annotated[str, typer.Option("--text", help="The profile query.")],
    against: Annotated[RecordKind, typer.Option("--against")] = RecordKind.SCENE,
    threshold: Annotated[
        float, typer.Option("--threshold", min=0.0, max=1.0, help="Minimum fused score, 0-1.")
    ] = 0.5,
    top_k: Annotated[int, typer.Option("--top-k", min=1)] = 20,
    embedder: EmbedderOption = None,
) -> None:
    """Save a subscription; its filters are checked against the index now."""
    sub = service.add_subscription(
        make_matcher(embedder),
        name=name,
        text=text,
        against=against,
        filters=filters,
        threshold=threshold,
        top_k=top_k,
        operator=True,
    )
    typer.echo(f"subscription {sub.name!r} saved (id {sub.id}); alerts start from now")


def list_subscriptions(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List subscriptions and when each last ran."""
    subs = service.list_subscriptions(make_matcher(None), operator=True)
    if as_json:
        typer.echo(json.dumps([s.as_dict() for s in subs], ensure_ascii=False, indent=1))
        return
    for s in subs:
        ran = s.last_run_at.isoformat(timespec="seconds") if s.last_run_at else "never"
        where = f"against {s.against.value}, threshold {s.threshold}"
        typer.echo(f"{s.name}: {s.query!r} {where}, last run {ran}")


def remove(name: str) -> None:
    """Delete a subscription."""
    service.remove_subscription(make_matcher(None), name, operator=True)
    typer.echo(f"subscription {name!r} removed")


@reads_records
def alerts(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Do not move the last-run time.")
    ] = False,
    embedder: EmbedderOption = None,
) -> None:
    """Per subscription: new records since its last run that match above its threshold."""
    batches = service.run_alerts(make_matcher(embedder), mark=not dry_run, operator=True)
    if as_json:
        payload: list[dict[str, Any]] = [
            {
                "subscription": a.subscription.name,
                "since": a.since.isoformat(),
                "new_records": a.new_records,
                "matches": [m.as_dict() for m in a.matches],
            }
            for a in batches
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    if not batches:
        typer.echo("no subscriptions.")
    for a in batches:
        since = a.since.isoformat(timespec="seconds")
        found = f"{len(a.matches)} alert(s) among {a.new_records} new since {since}"
        typer.echo(f"{a.subscription.name}: {found}")
        for m in a.matches:
            typer.echo(f"  {m.score:.3f}  {m.id}  {m.explanation['record']['title']}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Saved profile queries that `scenehub alerts` runs.", no_args_is_help=True
    )
    group.command("add")(add)
    group.command("list")(list_subscriptions)
    group.command("remove")(remove)
    app.add_typer(group, name="subscribe")
    app.command("alerts")(alerts)
