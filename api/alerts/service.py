"""Queue each subscription's new matches as deliveries, then deliver what is due.

* **Never twice.** A delivery row is unique per (subscription, record, channel); queueing
  the same match again (a re-run, a crash between queueing and moving the subscription's
  window) inserts nothing.
* **Never lost.** A failed send stays ``pending`` with ``attempts`` + 1 and a later
  ``next_attempt_at`` (exponential backoff, 1 min … 6 h); after ``alert_max_attempts``
  it becomes ``dead``: kept, counted, listed by ``scenehub notify status``.
* **One sender.** Delivery holds the ``alert-delivery`` lock; a second scheduler (or a
  crawl job finishing at the same moment) skips delivering rather than sending in parallel.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.alerts import email, invitations, webhook
from api.alerts.reasons import reasons
from api.alerts.targets import ensure_targets, feed_url, unsubscribe_url
from core.jobs import JobLedger
from core.models.alerts import AlertDeliveryRow, AlertTargetRow
from core.models.matching import SubscriptionRow
from core.settings import Settings
from core.store import RecordStore


def _now() -> datetime:
    return datetime.now(UTC)


CHANNELS = ("email", "webhook", "feed")
DELIVERY_LOCK = "alert-delivery"  # not the job's name: the job itself holds that lock


def _insert_ignore(engine: Engine) -> Any:
    return pg_insert if engine.dialect.name == "postgresql" else sqlite_insert


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
        targets = ensure_targets(session)
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
        invited = invitations.queue_invitations(store.engine, now)
        result = _deliver(store.engine, settings, now)
        result["invitations"] = invited
        if invited["queued"] or invited["no_channel"]:
            result["summary"] += (
                f"; invitations: {invited['queued']} queued, "
                f"{invited['no_channel']} undelivered (the firm has no channel)"
            )
        return result


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
    groups: dict[tuple[int, str, int], list[AlertDeliveryRow]] = defaultdict(list)
    for row in due:
        # an invitation is its own message; a subscription's matches go out together
        one = row.id if invitations.is_invitation(row) else 0
        groups[(row.subscription_id, row.channel, one)].append(row)
    for (sub_id, channel, one), rows in groups.items():
        target = targets.get(sub_id)
        error = None
        if target is None or target.unsubscribed_at is not None:
            _finish(engine, rows, "unsubscribed", now, "the supplier unsubscribed")
            continue
        try:
            if one:
                invitations.send(settings, target, rows[0])
            elif channel == "email":
                _send_email(settings, names.get(sub_id, "?"), target, rows)
            elif channel == "webhook":
                _send_webhook(settings, names.get(sub_id, "?"), target, rows)
        except Exception as exc:  # every failure is kept on the row and retried
            error = f"{type(exc).__name__}: {exc}"[:2000]
        if error is None:
            _finish(engine, rows, "sent", now)
            if one:
                invitations.mark_delivered(engine, rows, now)
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
