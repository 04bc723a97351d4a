"""Queue each subscription's new matches as deliveries, then deliver what is due.

* **Never twice.** A delivery row is unique per (subscription, record, channel); queueing
  the same match again (a re-run, a crash between queueing and moving the subscription's
  window) inserts nothing.
* **Never lost.** A failed send stays ``pending`` with ``attempts`` + 1 and a later
  ``next_attempt_at`` (exponential backoff, 1 min … 6 h); after ``alert_max_attempts``
  it becomes ``dead``: kept, counted, listed by ``scenehub notify status``.
* **One sender.** Delivery holds the ``alerts-deliver`` job lock; a second scheduler (or a
  crawl job finishing at the same moment) skips delivering rather than sending in parallel.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.alerts import email, webhook
from api.alerts.reasons import reasons
from core.jobs import JobLedger
from core.models.alerts import AlertDeliveryRow, AlertTargetRow
from core.models.matching import SubscriptionRow
from core.settings import Settings
from core.store import RecordStore

CHANNELS = ("email", "webhook", "feed")
DELIVERY_LOCK = "alerts-deliver"


class AlertTargetError(ValueError):
    """A bad delivery setting (unknown subscription, malformed address or URL)."""


@dataclass
class Target:
    subscription: str
    email: str | None
    webhook_url: str | None
    feed_url: str
    unsubscribe_url: str
    unsubscribed: bool


def _now() -> datetime:
    return datetime.now(UTC)


def feed_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/feeds/{token}.atom"


def unsubscribe_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/alerts/unsubscribe/{token}"


def _subscription(session: Session, name: str) -> SubscriptionRow:
    row = session.scalar(select(SubscriptionRow).where(SubscriptionRow.name == name))
    if row is None:
        raise AlertTargetError(f"no subscription named {name!r}")
    return row


def set_target(
    engine: Engine,
    settings: Settings,
    name: str,
    *,
    email_to: str | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
) -> Target:
    """Set where a subscription's alerts go (the feed always exists); re-subscribes."""
    if email_to is not None and (email_to.count("@") != 1 or " " in email_to.strip()):
        raise AlertTargetError(f"not an email address: {email_to!r}")
    if webhook_url is not None:
        if not webhook_url.startswith(("http://", "https://")):
            raise AlertTargetError(f"webhook URL must be http(s): {webhook_url!r}")
        if not webhook_secret or len(webhook_secret) < 16:
            raise AlertTargetError("a webhook needs a signing secret of at least 16 characters")
    with Session(engine, expire_on_commit=False) as session, session.begin():
        sub = _subscription(session, name)
        row = session.get(AlertTargetRow, sub.id)
        if row is None:
            row = AlertTargetRow(
                subscription_id=sub.id,
                feed_token=secrets.token_urlsafe(24),
                unsubscribe_token=secrets.token_urlsafe(24),
                created_at=_now(),
            )
            session.add(row)
        if email_to is not None:
            row.email = email_to.strip() or None
        if webhook_url is not None:
            row.webhook_url = webhook_url
            row.webhook_secret = webhook_secret
        row.unsubscribed_at = None
    return _target(settings, name, row)


def _target(settings: Settings, name: str, row: AlertTargetRow) -> Target:
    return Target(
        name,
        row.email,
        row.webhook_url,
        feed_url(settings, row.feed_token),
        unsubscribe_url(settings, row.unsubscribe_token),
        row.unsubscribed_at is not None,
    )


def unsubscribe(engine: Engine, token: str) -> str | None:
    """Stop email and webhook for the subscription holding ``token``; its name, or None."""
    with Session(engine) as session, session.begin():
        row = session.scalar(
            select(AlertTargetRow).where(AlertTargetRow.unsubscribe_token == token)
        )
        if row is None:
            return None
        if row.unsubscribed_at is None:
            row.unsubscribed_at = _now()
        sub = session.get(SubscriptionRow, row.subscription_id)
        return sub.name if sub else None


def _insert_ignore(engine: Engine) -> Any:
    return pg_insert if engine.dialect.name == "postgresql" else sqlite_insert


def _ensure_targets(session: Session) -> dict[int, AlertTargetRow]:
    """Every subscription gets a target row (its feed), created on first use."""
    targets = {t.subscription_id: t for t in session.scalars(select(AlertTargetRow))}
    for sub_id in session.scalars(select(SubscriptionRow.id)):
        if sub_id not in targets:
            targets[sub_id] = AlertTargetRow(
                subscription_id=sub_id,
                feed_token=secrets.token_urlsafe(24),
                unsubscribe_token=secrets.token_urlsafe(24),
                created_at=_now(),
            )
            session.add(targets[sub_id])
    return targets


def queue_alerts(store: RecordStore, matcher: Any, now: datetime | None = None) -> dict[str, int]:
    """Run every subscription over its delivery window and queue its matches per channel.

    The window (``alert_targets.queued_until``) is delivery's own: ``scenehub alerts`` in a
    terminal moves the subscription's ``last_run_at``, never this. It moves only in the
    transaction that queues the deliveries; a crash before re-queues the same matches next
    time, which the unique key turns into nothing.
    """
    from matching.subscriptions import Subscriptions

    now = now or _now()
    engine = store.engine
    with Session(engine, expire_on_commit=False) as session, session.begin():
        targets = _ensure_targets(session)
    windows = {sid: t.queued_until for sid, t in targets.items() if t.queued_until is not None}
    batches = Subscriptions(matcher).alerts(now=now, mark=False, windows=windows)
    queued = 0
    with Session(engine) as session, session.begin():
        for batch in batches:
            target = session.get(AlertTargetRow, batch.subscription.id)
            if target is None:  # the subscription was removed meanwhile
                continue
            channels = ["feed"]
            if target.unsubscribed_at is None:
                channels += [
                    c for c, on in (("email", target.email), ("webhook", target.webhook_url)) if on
                ]
            for match in batch.matches:
                record = match.explanation.get("record", {})
                for channel in channels:
                    values = {
                        "subscription_id": batch.subscription.id,
                        "record_id": match.id,
                        "channel": channel,
                        # the feed is published by being queued: the feed route reads it
                        "status": "sent" if channel == "feed" else "pending",
                        "score": float(match.score),
                        "title": str(record.get("title") or match.id),
                        "reasons": {"org": record.get("org"), "lines": reasons(match.explanation)},
                        "attempts": 0,
                        "next_attempt_at": now,
                        "last_error": "",
                        "created_at": now,
                        "sent_at": now if channel == "feed" else None,
                    }
                    statement = (
                        _insert_ignore(engine)(AlertDeliveryRow)
                        .values(**values)
                        .on_conflict_do_nothing(
                            index_elements=["subscription_id", "record_id", "channel"]
                        )
                    )
                    # RETURNING, not rowcount: psycopg reports -1 for an ORM-session insert
                    queued += len(session.execute(statement.returning(AlertDeliveryRow.id)).all())
            target.queued_until = now
    return {"subscriptions": len(batches), "queued": queued}


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(6 * 3600, 60 * 2 ** max(0, attempts - 1)))


def deliver_pending(settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """Send every due email and webhook delivery, grouped per subscription and channel."""
    now = now or _now()
    store = RecordStore.from_settings(settings)
    ledger = JobLedger(store.engine)
    with ledger.job_lock(DELIVERY_LOCK) as held:
        if not held:
            return {"summary": "another process is delivering", "sent": 0, "failed": 0}
        return _deliver(store.engine, settings, now)


def _deliver(engine: Engine, settings: Settings, now: datetime) -> dict[str, Any]:
    sent = failed = dead = 0
    with Session(engine, expire_on_commit=False) as session:
        due = session.scalars(
            select(AlertDeliveryRow)
            .where(AlertDeliveryRow.status == "pending", AlertDeliveryRow.next_attempt_at <= now)
            .order_by(AlertDeliveryRow.id)
        ).all()
        targets = {t.subscription_id: t for t in session.scalars(select(AlertTargetRow))}
        names = dict(session.execute(select(SubscriptionRow.id, SubscriptionRow.name)).all())
    groups: dict[tuple[int, str], list[AlertDeliveryRow]] = defaultdict(list)
    for row in due:
        groups[(row.subscription_id, row.channel)].append(row)
    for (sub_id, channel), rows in groups.items():
        target = targets.get(sub_id)
        error = None
        if target is None or target.unsubscribed_at is not None:
            _finish(engine, rows, "unsubscribed", now, "the supplier unsubscribed")
            continue
        try:
            if channel == "email":
                _send_email(settings, names.get(sub_id, "?"), target, rows)
            elif channel == "webhook":
                _send_webhook(settings, names.get(sub_id, "?"), target, rows)
        except Exception as exc:  # every failure is kept on the row and retried
            error = f"{type(exc).__name__}: {exc}"[:2000]
        if error is None:
            _finish(engine, rows, "sent", now)
            sent += len(rows)
        else:
            dead += _fail(engine, rows, error, now, settings.alert_max_attempts)
            failed += len(rows)
    summary = f"{sent} sent, {failed} failed ({dead} now dead)"
    return {"summary": summary, "sent": sent, "failed": failed, "dead": dead}


def _items(settings: Settings, rows: list[AlertDeliveryRow]) -> list[email.AlertItem]:
    return [
        email.AlertItem(
            r.record_id,
            r.title,
            (r.reasons or {}).get("org"),
            r.score,
            list((r.reasons or {}).get("lines", [])),
            None,
        )
        for r in rows
    ]


def _send_email(
    settings: Settings, name: str, target: AlertTargetRow, rows: list[AlertDeliveryRow]
) -> None:
    assert target.email
    message = email.build_message(
        settings,
        target.email,
        name,
        _items(settings, rows),
        feed_url(settings, target.feed_token),
        unsubscribe_url(settings, target.unsubscribe_token),
    )
    email.send(settings, message)


def _send_webhook(
    settings: Settings, name: str, target: AlertTargetRow, rows: list[AlertDeliveryRow]
) -> None:
    assert target.webhook_url and target.webhook_secret
    payload = {
        "subscription": name,
        "unsubscribe_url": unsubscribe_url(settings, target.unsubscribe_token),
        "matches": [
            {
                "record_id": r.record_id,
                "title": r.title,
                "org": (r.reasons or {}).get("org"),
                "score": r.score,
                "reasons": (r.reasons or {}).get("lines", []),
            }
            for r in rows
        ],
    }
    delivery_id = f"{target.subscription_id}-{min(r.id for r in rows)}-{len(rows)}"
    webhook.post(target.webhook_url, target.webhook_secret, payload, delivery_id)


def _finish(
    engine: Engine, rows: list[AlertDeliveryRow], status: str, now: datetime, note: str = ""
) -> None:
    with Session(engine) as session, session.begin():
        for row in rows:
            live = session.get(AlertDeliveryRow, row.id)
            if live is not None and live.status == "pending":
                live.status = status
                live.sent_at = now if status == "sent" else None
                live.attempts += 1
                live.last_error = note


def _fail(
    engine: Engine, rows: list[AlertDeliveryRow], error: str, now: datetime, limit: int
) -> int:
    dead = 0
    with Session(engine) as session, session.begin():
        for row in rows:
            live = session.get(AlertDeliveryRow, row.id)
            if live is None or live.status != "pending":
                continue
            live.attempts += 1
            live.last_error = error
            if live.attempts >= limit:
                live.status = "dead"
                dead += 1
            else:
                live.next_attempt_at = now + _backoff(live.attempts)
    return dead


def alert_cycle(settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """What the scheduler runs after a crawl: queue new matches, then deliver what is due."""
    from matching.embedders import make_embedder
    from matching.engine import Matcher

    store = RecordStore.from_settings(settings)
    matcher = Matcher(store, settings.home, make_embedder(settings.embedder))
    queued = queue_alerts(store, matcher, now)
    delivered = deliver_pending(settings, now)
    summary = f"{queued['queued']} queued; {delivered['summary']}"
    return {"summary": summary, "queued": queued, "delivered": delivered}


def status_counts(engine: Engine) -> dict[str, dict[str, int]]:
    """``{channel: {status: count}}`` over every delivery."""
    out: dict[str, dict[str, int]] = {}
    with Session(engine) as session:
        query = select(AlertDeliveryRow.channel, AlertDeliveryRow.status, func.count()).group_by(
            AlertDeliveryRow.channel, AlertDeliveryRow.status
        )
        for channel, status, n in session.execute(query):
            out.setdefault(channel, {})[status] = int(n)
    return out


def feed_entries(
    engine: Engine, token: str, limit: int = 100
) -> tuple[str, list[AlertDeliveryRow]] | None:
    """The subscription's name and its newest feed entries, or None for an unknown token."""
    with Session(engine, expire_on_commit=False) as session:
        target = session.scalar(select(AlertTargetRow).where(AlertTargetRow.feed_token == token))
        if target is None:
            return None
        sub = session.get(SubscriptionRow, target.subscription_id)
        rows = session.scalars(
            select(AlertDeliveryRow)
            .where(
                AlertDeliveryRow.subscription_id == target.subscription_id,
                AlertDeliveryRow.channel == "feed",
            )
            .order_by(AlertDeliveryRow.created_at.desc(), AlertDeliveryRow.id.desc())
            .limit(limit)
        ).all()
        return (sub.name if sub else "?"), list(rows)
