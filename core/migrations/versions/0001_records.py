"""Records, their version history and their sources.

Revision ID: 0001_records
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.db import UTCDateTime

revision = "0001_records"
down_revision = None
branch_labels = None
depends_on = None


def _content_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("kind", sa.String(20), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("org", sa.Text),
        sa.Column("domains", sa.JSON, nullable=False),
        sa.Column("domain_raw", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("tech_requirements", sa.Text),
        sa.Column("district", sa.String(100)),
        sa.Column("region", sa.String(100)),
        sa.Column("budget_cny", sa.BigInteger),
        sa.Column("deadline", sa.Date),
        sa.Column("published_at", sa.Date),
        sa.Column("contact", sa.Text),
        sa.Column("cooperation_mode", sa.Text),
        sa.Column("qualifications", sa.Text),
        sa.Column("cases", sa.Text),
        sa.Column("product", sa.Text),
        sa.Column("batch", sa.Text),
        sa.Column("list_name", sa.Text),
        sa.Column("source_url", sa.Text),
        sa.Column("attachment_url", sa.Text),
        sa.Column("raw", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "records",
        sa.Column("id", sa.String(200), primary_key=True),
        *_content_columns(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("first_seen", UTCDateTime, nullable=False, index=True),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False, index=True),
    )
    op.create_table(
        "record_versions",
        sa.Column(
            "record_id",
            sa.String(200),
            sa.ForeignKey("records.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("version", sa.Integer, primary_key=True),
        *_content_columns(),
        sa.Column("first_seen", UTCDateTime, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.Column("valid_from", UTCDateTime, nullable=False),
        sa.Column("valid_to", UTCDateTime, nullable=False),
    )
    op.create_table(
        "record_sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "record_id",
            sa.String(200),
            sa.ForeignKey("records.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("attachment_url", sa.Text, nullable=False),
        sa.Column("raw", sa.JSON, nullable=False),
        sa.Column("raw_hash", sa.String(64), nullable=False),
        sa.Column("first_seen", UTCDateTime, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.UniqueConstraint("record_id", "source_url", "attachment_url", "raw_hash"),
    )
    op.create_index("ix_record_sources_source_url", "record_sources", ["source_url"])


def downgrade() -> None:
    op.drop_table("record_sources")
    op.drop_table("record_versions")
    op.drop_table("records")
