"""Where a subscription's alerts go: its email, webhook and the secret feed and unsubscribe
tokens (one ``alert_targets`` row per subscription, created on first use)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.models.alerts import AlertDeliveryRow, AlertTargetRow
from core.models.matching import SubscriptionRow
from core.settings import Settings


def _now() -> datetime:
    return datetime.now(UTC)


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


def ensure_targets(session: Session) -> dict[int, AlertTargetRow]:
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
