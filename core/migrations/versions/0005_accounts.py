"""Accounts and roles: users, API tokens, login failures, record owners/status, subscription
owners.

Revision ID: 0005_accounts
Revises: 0003_matching
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.db import UTCDateTime

revision = "0005_accounts"
down_revision = "0003_matching"  # subscription_owners refers to match_subscriptions
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("org", sa.String(200), nullable=True, index=True),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, index=True),
        sa.Column("at", UTCDateTime, nullable=False, index=True),
    )
    op.create_table(
        "record_status",
        sa.Column(
            "record_id",
            sa.String(200),
            sa.ForeignKey("records.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("owner_org", sa.String(200), nullable=True, index=True),
        sa.Column(
            "created_by",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("changed_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "subscription_owners",
        sa.Column(
            "subscription_id",
            sa.Integer,
            sa.ForeignKey("match_subscriptions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("owner_org", sa.String(200), nullable=False, index=True),
    )


def downgrade() -> None:
    for table in (
        "subscription_owners",
        "record_status",
        "login_failures",
        "api_tokens",
        "users",
    ):
        op.drop_table(table)
