"""Accounts, API tokens, who owns which record and subscription, and record publication state.

Records themselves stay in ``records`` (every version kept); these rows only say who may
change them and whether the public sees them. A record without a status row was ingested or
crawled: it is published and owned by nobody (no account can edit it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    #: the organisation a publisher or supplier acts for (records' ``org``); None for others
    org: Mapped[str | None] = mapped_column(String(200), index=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiTokenRow(Base):
    """A bearer token, stored as its SHA-256 only."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginFailureRow(Base):
    """A failed sign-in, by ``user:NAME`` and by ``client:ADDRESS``: shared by every worker."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RecordStatusRow(Base):
    """Owner and publication state of a record created through the service."""

    __tablename__ = "record_status"

    record_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20), index=True)  # published | draft | archived
    owner_org: Mapped[str | None] = mapped_column(String(200), index=True)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SubscriptionOwnerRow(Base):
    __tablename__ = "subscription_owners"

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("match_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    owner_org: Mapped[str] = mapped_column(String(200), index=True)
