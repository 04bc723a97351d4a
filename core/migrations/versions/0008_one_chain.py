"""Join the six branches that grew side by side into one chain.

Revision ID: 0008_one_chain
Revises: 0002_crawls, 0005_accounts, 0005_contrib_award, 0005_ops, 0006_budget_range, 0007_loop
Create Date: 2026-12-02

Until here each part of the product started its tables from an older revision, so the tree had
six heads whose numbers only looked sequential. This revision changes no table; it is the one
head every later migration builds on: a new migration's ``down_revision`` is the current single
head (``tests/core/test_migrations.py`` fails when there are two).
"""

from __future__ import annotations

revision = "0008_one_chain"
down_revision = (
    "0002_crawls",
    "0005_accounts",
    "0005_contrib_award",
    "0005_ops",
    "0006_budget_range",
    "0007_loop",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
