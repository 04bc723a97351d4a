"""Crawl runs with their reports, and per-source page state for incremental crawls.

Revision ID: 0002_crawls
Revises: 0001_records
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.db import UTCDateTime

revision = "0002_crawls"
down_revision = "0001_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("start_urls", sa.JSON, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime, nullable=True),
        sa.Column("pages_fetched", sa.Integer, nullable=False),
        sa.Column("items_new", sa.Integer, nullable=False),
        sa.Column("items_updated", sa.Integer, nullable=False),
        sa.Column("items_unchanged", sa.Integer, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
    )
    op.create_index("ix_crawl_runs_source_started", "crawl_runs", ["source", "started_at"])
    op.create_table(
        "crawl_pages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(200), nullable=False, index=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=True),
        sa.Column("etag", sa.Text, nullable=True),
        sa.Column("last_modified", sa.Text, nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("fetched_at", UTCDateTime, nullable=False),
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("crawl_runs.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.UniqueConstraint("source", "url"),
    )


def downgrade() -> None:
    op.drop_table("crawl_pages")
    op.drop_index("ix_crawl_runs_source_started", table_name="crawl_runs")
    op.drop_table("crawl_runs")
