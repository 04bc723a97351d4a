"""Rows for alert delivery: where a subscription's alerts go, and each delivery's state.

``alert_deliveries`` is keyed by (subscription, record, channel): a record is queued for a
supplier's channel at most once, ever, so a restart or a re-run never sends it twice; a
failed send stays ``pending`` with its attempt count until it is sent or declared ``dead``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class AlertTargetRow(Base):
    """A subscription's channels; the tokens are the secrets in its feed and unsubscribe URLs."""

    __tablename__ = "alert_targets"

    subscription_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("match_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    webhook_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    webhook_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    feed_token: Mapped[str] = mapped_column(String(64), unique=True)
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: matches of records first seen up to here are queued (delivery's own window)
    queued_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AlertDeliveryRow(Base):
    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "record_id", "channel", name="uq_alert_delivery"),
        Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("match_subscriptions.id", ondelete="CASCADE")
    )
    record_id: Mapped[str] = mapped_column(String(200))
    #: email | webhook | feed
    channel: Mapped[str] = mapped_column(String(20))
    #: pending | sent | dead (gave up after the configured attempts; kept, never dropped)
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(Text)
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
