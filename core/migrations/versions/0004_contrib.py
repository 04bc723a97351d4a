"""Contribution tracker: enterprises, accounts, immutable dated snapshots, ranking runs.

Revision ID: 0004_contrib
Revises: 0001_records
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.db import UTCDateTime

revision = "0004_contrib"
down_revision = "0001_records"
branch_labels = None
depends_on = None


def _snapshot_fk() -> sa.Column[int]:
    return sa.Column(
        "snapshot_id",
        sa.Integer,
        sa.ForeignKey("contrib_snapshots.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "contrib_enterprises",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("city", sa.String(100)),
        sa.Column("district", sa.String(100)),
        sa.Column("uscc", sa.String(18)),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "contrib_accounts",
        sa.Column("hub", sa.String(20), primary_key=True),
        sa.Column("account", sa.String(100), primary_key=True),
        sa.Column("display", sa.String(100), nullable=False),
        sa.Column(
            "enterprise_id",
            sa.Integer,
            sa.ForeignKey("contrib_enterprises.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
    )
    op.create_table(
        "contrib_snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("as_of", sa.Date, nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("completed_at", UTCDateTime),
        sa.Column("endpoints", sa.JSON, nullable=False),
        sa.Column("registry", sa.JSON, nullable=False),
        sa.Column("registry_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "contrib_snapshot_parts",
        _snapshot_fk(),
        sa.Column("hub", sa.String(20), primary_key=True),
        sa.Column("account", sa.String(100), primary_key=True),
        sa.Column("unit", sa.String(320), primary_key=True),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
        sa.Column("fetched_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "contrib_repo_stats",
        _snapshot_fk(),
        sa.Column("hub", sa.String(20), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("account", sa.String(100), primary_key=True),
        sa.Column("repo_id", sa.String(300), primary_key=True),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("downloads_30d", sa.BigInteger),
        sa.Column("downloads_all_time", sa.BigInteger),
        sa.Column("likes", sa.BigInteger),
        sa.Column("trending_score", sa.Float),
        sa.Column("children_count", sa.Integer),
        sa.Column("created_at", sa.String(40)),
        sa.Column("last_modified", sa.String(40)),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("base_models", sa.JSON, nullable=False),
        sa.Column("eval_results", sa.JSON, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
    )
    op.create_table(
        "contrib_activity",
        _snapshot_fk(),
        sa.Column("hub", sa.String(20), primary_key=True),
        sa.Column("repo_id", sa.String(300), primary_key=True),
        sa.Column("developer", sa.String(100), primary_key=True),
        sa.Column("account", sa.String(100), nullable=False, index=True),
        sa.Column("open_issue", sa.Integer, nullable=False),
        sa.Column("issue_comment", sa.Integer, nullable=False),
        sa.Column("open_pull", sa.Integer, nullable=False),
        sa.Column("review_comment", sa.Integer, nullable=False),
        sa.Column("merged_pull", sa.Integer, nullable=False),
        sa.Column("commits", sa.Integer, nullable=False),
        sa.Column("is_bot", sa.Boolean, nullable=False),
    )
    op.create_table(
        "contrib_ranking_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("category", sa.String(20), nullable=False, index=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("snapshot_ids", sa.JSON, nullable=False),
        sa.Column("config_hash", sa.String(64), nullable=False),
        sa.Column("config_version", sa.String(40), nullable=False),
        sa.Column("code_version", sa.String(80), nullable=False),
        sa.Column("output_hash", sa.String(64), nullable=False),
        sa.Column("output", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "contrib_ranking_runs",
        "contrib_activity",
        "contrib_repo_stats",
        "contrib_snapshot_parts",
        "contrib_snapshots",
        "contrib_accounts",
        "contrib_enterprises",
    ):
        op.drop_table(table)
