"""SQLAlchemy rows for crawls: one row per crawl run (with its report) and per-page state.

``crawl_pages`` is what makes crawls incremental and resumable: a detail page or attachment
is remembered (fingerprint from its list entry, ETag / Last-Modified, body hash) only after
its items are committed to the store, so a killed crawl re-fetches exactly the unfinished pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class CrawlRunRow(Base):
    """One crawl of one source: status, counters and the end-of-crawl report."""

    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_source_started", "source", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(200))
    #: running | finished | failed | interrupted
    status: Mapped[str] = mapped_column(String(20))
    start_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    items_new: Mapped[int] = mapped_column(Integer, default=0)
    items_updated: Mapped[int] = mapped_column(Integer, default=0)
    items_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    #: the whole report: stats, failures by reason with URLs, field problems, robots policy
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CrawlPageRow(Base):
    """What a source's crawl last saw at one URL (a detail page or an attachment)."""

    __tablename__ = "crawl_pages"
    __table_args__ = (UniqueConstraint("source", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    url: Mapped[str] = mapped_column(Text)
    #: detail | attachment | list
    role: Mapped[str] = mapped_column(String(20))
    #: hash of how the list page announced it (URL + link text): a changed entry is re-fetched
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(Text, nullable=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    items: Mapped[int] = mapped_column(Integer, default=0)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    run_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("crawl_runs.id", ondelete="SET NULL"), nullable=True
    )
