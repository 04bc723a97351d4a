"""Budgets as a range: low, high, per year, and the published text.

Existing rows held one amount (``budget_cny``); it becomes a range of that single amount,
which hashes exactly as before (see ``Record.content``), so migrating makes no new versions.
Budgets that older code misread (``50-100万元`` stored as 50) are corrected by re-importing or
re-crawling the list: the corrected budget is then a new version, as any changed content is.

Revision ID: 0006_budget_range
Revises: 0001_records
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_budget_range"
down_revision = "0001_records"
branch_labels = None
depends_on = None

_TABLES = ("records", "record_versions")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("budget_low_cny", sa.BigInteger))
            batch.add_column(sa.Column("budget_high_cny", sa.BigInteger))
            batch.add_column(
                sa.Column(
                    "budget_per_year", sa.Boolean, nullable=False, server_default=sa.false()
                )
            )
            batch.add_column(sa.Column("budget_raw", sa.Text))
        op.execute(
            sa.text(
                f"UPDATE {table} SET budget_low_cny = budget_cny, budget_high_cny = budget_cny "
                "WHERE budget_cny IS NOT NULL"
            )
        )


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("budget_raw")
            batch.drop_column("budget_per_year")
            batch.drop_column("budget_high_cny")
            batch.drop_column("budget_low_cny")
