"""The matchmaking loop: interests, their history, scene states, invitations.

Revision ID: 0007_loop
Revises: 0001_records
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.db import UTCDateTime

revision = "0007_loop"
down_revision = "0001_records"  # only records are referred to
branch_labels = None
depends_on = None


def _scene_fk() -> sa.Column[str]:
    return sa.Column(
        "scene_id",
        sa.String(200),
        sa.ForeignKey("records.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "interests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _scene_fk(),
        sa.Column("firm_org", sa.String(200), nullable=False, index=True),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("approach", sa.Text, nullable=False),
        sa.Column("cases", sa.Text, nullable=True),
        sa.Column("expected_days", sa.Integer, nullable=True),
        sa.Column("cost_min_cny", sa.BigInteger, nullable=True),
        sa.Column("cost_max_cny", sa.BigInteger, nullable=True),
        sa.Column("contact", sa.Text, nullable=False),
        sa.Column("decline_reason", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("scene_id", "firm_org"),
    )
    op.create_table(
        "interest_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "interest_id",
            sa.Integer,
            sa.ForeignKey("interests.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("from_state", sa.String(20), nullable=True),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.Integer, nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("previous", sa.JSON, nullable=True),
        sa.Column("at", UTCDateTime, nullable=False, index=True),
    )
    op.create_table(
        "scene_states",
        sa.Column(
            "scene_id",
            sa.String(200),
            sa.ForeignKey("records.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("changed_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "scene_state_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _scene_fk(),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _scene_fk(),
        sa.Column("firm_org", sa.String(200), nullable=False, index=True),
        sa.Column("capability_id", sa.String(200), nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("invited_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("delivered_at", UTCDateTime, nullable=True),
        sa.UniqueConstraint("scene_id", "firm_org"),
    )


def downgrade() -> None:
    for table in (
        "invitations",
        "scene_state_events",
        "scene_states",
        "interest_events",
        "interests",
    ):
        op.drop_table(table)
