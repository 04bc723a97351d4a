"""``scenehub notify set|run|status``: deliver subscriptions' alerts to suppliers.

``scenehub alerts`` prints to the terminal; ``notify`` sends: email (SMTP settings), a signed
webhook, and an Atom feed at a secret URL. The scheduler runs ``notify run`` after every
crawl and retries failed deliveries every five minutes.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.alerts.service import alert_cycle, status_counts
from api.alerts.targets import AlertTargetError, set_target
from core.settings import get_settings
from core.store import RecordStore

group = typer.Typer(help="Deliver alerts: email, signed webhook, Atom feed.", no_args_is_help=True)


def _store() -> RecordStore:
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    return RecordStore.from_settings(settings)


@group.command("set")
def notify_set(
    name: Annotated[str, typer.Argument(help="The subscription (see `subscribe list`).")],
    email_to: Annotated[str | None, typer.Option("--email", help="Send alerts here.")] = None,
    webhook_url: Annotated[str | None, typer.Option("--webhook", help="POST alerts here.")] = None,
    secret: Annotated[
        str | None, typer.Option("--secret", help="Webhook signing secret (16+ characters).")
    ] = None,
) -> None:
    """Set where a subscription's alerts go; prints its feed and unsubscribe URLs."""
    settings = get_settings()
    try:
        target = set_target(
            _store().engine,
            settings,
            name,
            email_to=email_to,
            webhook_url=webhook_url,
            webhook_secret=secret,
        )
    except AlertTargetError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"{target.subscription}: email {target.email or '-'}, webhook {target.webhook_url or '-'}"
    )
    typer.echo(f"feed: {target.feed_url}")
    typer.echo(f"unsubscribe: {target.unsubscribe_url}")


@group.command("run")
def notify_run() -> None:
    """Queue every subscription's new matches and deliver what is due (as the scheduler does)."""
    result = alert_cycle(get_settings())
    typer.echo(result["summary"])


@group.command("status")
def notify_status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Deliveries per channel and status; dead ones are kept (they gave up after retries)."""
    counts = status_counts(_store().engine)
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False))
        return
    if not counts:
        typer.echo("no alerts queued yet.")
    for channel, by_status in sorted(counts.items()):
        typer.echo(f"{channel}: " + ", ".join(f"{n} {s}" for s, n in sorted(by_status.items())))


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="notify")
