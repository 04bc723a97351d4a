"""``scenehub subscribe add|list|remove`` and ``scenehub alerts``: saved profile queries.

A firm saves a query with filters; ``alerts`` lists, per subscription, the scenes that
appeared since its last run and match above its threshold.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from api.commands.match import (
    BatchOpt,
    BudgetMaxOpt,
    BudgetMinOpt,
    DistrictOpt,
    DomainOpt,
    EmbedderOption,
    OpenOnOpt,
    OpenOpt,
    RegionOpt,
    SourceOpt,
    build_filters,
    make_matcher,
    user_errors,
)
from core.records import RecordKind


def register(app: typer.Typer) -> None:
    from matching.subscriptions import Subscriptions

    group = typer.Typer(
        help="Saved profile queries that `scenehub alerts` runs.", no_args_is_help=True
    )

    @group.command("add")
    def add(
        name: Annotated[str, typer.Argument(help="A unique name, e.g. the firm.")],
        text: Annotated[str, typer.Option("--text", help="The profile query.")],
        against: Annotated[RecordKind, typer.Option("--against")] = RecordKind.SCENE,
        threshold: Annotated[
            float, typer.Option("--threshold", help="Minimum fused score, 0-1.")
        ] = 0.5,
        top_k: Annotated[int, typer.Option("--top-k", min=1)] = 20,
        embedder: EmbedderOption = None,
        domain: DomainOpt = None,
        district: DistrictOpt = None,
        region: RegionOpt = None,
        batch: BatchOpt = None,
        source: SourceOpt = None,
        open_only: OpenOpt = False,
        open_on: OpenOnOpt = None,
        budget_min: BudgetMinOpt = None,
        budget_max: BudgetMaxOpt = None,
    ) -> None:
        """Save a subscription; its filters are checked against the index now."""
        filters = build_filters(
            domain, district, region, batch, source, open_only, open_on, budget_min, budget_max
        )
        with user_errors():
            sub = Subscriptions(make_matcher(embedder)).add(
                name, text, against=against, filters=filters, threshold=threshold, top_k=top_k
            )
        typer.echo(f"subscription {sub.name!r} saved (id {sub.id}); alerts start from now")

    @group.command("list")
    def list_subscriptions(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """List subscriptions and when each last ran."""
        subs = Subscriptions(make_matcher(None)).all()
        if as_json:
            typer.echo(json.dumps([s.as_dict() for s in subs], ensure_ascii=False, indent=1))
            return
        for s in subs:
            ran = s.last_run_at.isoformat(timespec="seconds") if s.last_run_at else "never"
            where = f"against {s.against.value}, threshold {s.threshold}"
            typer.echo(f"{s.name}: {s.query!r} {where}, last run {ran}")

    @group.command("remove")
    def remove(name: str) -> None:
        """Delete a subscription."""
        with user_errors():
            Subscriptions(make_matcher(None)).remove(name)
        typer.echo(f"subscription {name!r} removed")

    app.add_typer(group, name="subscribe")

    @app.command("alerts")
    def alerts(
        as_json: Annotated[bool, typer.Option("--json")] = False,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Do not move the last-run time.")
        ] = False,
        embedder: EmbedderOption = None,
    ) -> None:
        """Per subscription: new records since its last run that match above its threshold."""
        with user_errors():
            batches = Subscriptions(make_matcher(embedder)).alerts(
                now=datetime.now(UTC), mark=not dry_run
            )
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
