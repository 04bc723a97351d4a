"""Rows for matching: saved profile queries (subscriptions) and when each last ran."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class SubscriptionRow(Base):
    """A firm's (or publisher's) standing query; ``scenehub alerts`` runs it on new records."""

    __tablename__ = "match_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text)
    #: which list it watches: "scene" (a firm looking for opportunities) or "capability"
    against: Mapped[str] = mapped_column(String(20), default="scene")
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    threshold: Mapped[float] = mapped_column(Float, default=0.5)
    top_k: Mapped[int] = mapped_column(Integer, default=20)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: records first seen after this are "new" for the next run; NULL = never ran
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
