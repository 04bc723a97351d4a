"""Award method: leaderboards in snapshots, content hashes, replayable runs, review decisions.

Revision ID: 0005_contrib_award
Revises: 0004_contrib
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.db import UTCDateTime

revision = "0005_contrib_award"
down_revision = "0004_contrib"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contrib_accounts", sa.Column("confirmation", sa.String(200)))
    op.add_column("contrib_snapshots", sa.Column("content_hash", sa.String(64)))
    op.add_column("contrib_snapshot_parts", sa.Column("note", sa.Text))
    op.add_column("contrib_ranking_runs", sa.Column("config_text", sa.Text))
    op.add_column("contrib_ranking_runs", sa.Column("library_versions", sa.JSON))
    op.add_column("contrib_ranking_runs", sa.Column("window_months", sa.Integer))
    op.create_table(
        "contrib_leaderboard_entries",
        sa.Column(
            "snapshot_id",
            sa.Integer,
            sa.ForeignKey("contrib_snapshots.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("dataset", sa.String(300), primary_key=True),
        sa.Column("model_id", sa.String(300), primary_key=True),
        sa.Column("hub_rank", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("source_url", sa.Text),
    )
    op.create_table(
        "contrib_review_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("enterprise", sa.String(200), nullable=False, index=True),
        sa.Column("category", sa.String(40)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("run_id", sa.Integer),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("contrib_review_decisions")
    op.drop_table("contrib_leaderboard_entries")
    for table, column in (
        ("contrib_ranking_runs", "window_months"),
        ("contrib_ranking_runs", "library_versions"),
        ("contrib_ranking_runs", "config_text"),
        ("contrib_snapshot_parts", "note"),
        ("contrib_snapshots", "content_hash"),
        ("contrib_accounts", "confirmation"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
