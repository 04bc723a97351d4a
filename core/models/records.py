"""SQLAlchemy rows for records, their version history and every source they were seen at."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class _RecordContent:
    """Columns shared by the current row and its history rows."""

    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(Text)
    org: Mapped[str | None] = mapped_column(Text)
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    domain_raw: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    tech_requirements: Mapped[str | None] = mapped_column(Text)
    district: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    #: derived from the range (upper bound, else lower), kept for filters and old readers
    budget_cny: Mapped[int | None] = mapped_column(BigInteger)
    budget_low_cny: Mapped[int | None] = mapped_column(BigInteger)
    budget_high_cny: Mapped[int | None] = mapped_column(BigInteger)
    budget_per_year: Mapped[bool] = mapped_column(Boolean, default=False)
    budget_raw: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[date | None] = mapped_column(Date)
    contact: Mapped[str | None] = mapped_column(Text)
    cooperation_mode: Mapped[str | None] = mapped_column(Text)
    qualifications: Mapped[str | None] = mapped_column(Text)
    cases: Mapped[str | None] = mapped_column(Text)
    product: Mapped[str | None] = mapped_column(Text)
    batch: Mapped[str | None] = mapped_column(Text)
    list_name: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    attachment_url: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column()


class RecordRow(_RecordContent, Base):
    __tablename__ = "records"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    #: when the content last changed (the current version began)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RecordVersionRow(_RecordContent, Base):
    """A superseded version, kept forever: the store never overwrites history."""

    __tablename__ = "record_versions"

    record_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(primary_key=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime)


class RecordSourceRow(Base):
    """Every place an item was published, with the raw row seen there."""

    __tablename__ = "record_sources"
    __table_args__ = (
        UniqueConstraint("record_id", "source_url", "attachment_url", "raw_hash"),
        Index("ix_record_sources_source_url", "source_url"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    #: '' rather than NULL so the unique constraint holds on every backend
    source_url: Mapped[str] = mapped_column(Text, default="")
    attachment_url: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    raw_hash: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
