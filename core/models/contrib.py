"""Rows of the contribution tracker: the registry, immutable dated snapshots, ranking runs.

A snapshot is written once: rows are added per (hub, account, kind) part, each part in its
own transaction, so a pull that fails half-way resumes without refetching finished parts.
Once ``status`` is ``complete`` nothing may add to it (enforced by ``contrib.snapshots``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class ContribEnterpriseRow(Base):
    __tablename__ = "contrib_enterprises"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    uscc: Mapped[str | None] = mapped_column(String(18))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ContribAccountRow(Base):
    """One hub account; the primary key makes "one account, one enterprise" a database fact."""

    __tablename__ = "contrib_accounts"

    hub: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[str] = mapped_column(String(100), primary_key=True)  # lower-cased
    display: Mapped[str] = mapped_column(String(100))
    #: how ownership was confirmed (e.g. "signed letter 2026-01-05"); None: unconfirmed
    confirmation: Mapped[str | None] = mapped_column(String(200))
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("contrib_enterprises.id", ondelete="CASCADE"), index=True
    )


class ContribSnapshotRow(Base):
    __tablename__ = "contrib_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    as_of: Mapped[date] = mapped_column(Date, unique=True)
    status: Mapped[str] = mapped_column(String(20))  # partial | complete
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    endpoints: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    registry_json: Mapped[list[dict[str, Any]]] = mapped_column("registry", JSON, default=list)
    registry_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 over the snapshot's rows in canonical order, set when it completes
    content_hash: Mapped[str | None] = mapped_column(String(64))


class ContribSnapshotPartRow(Base):
    """A finished unit of a pull: (hub, account, unit), where unit is a listing kind
    (``model``, ``dataset``, ``kernel``, ``repos``) or ``activity:<repo>``. Present means:
    do not fetch again."""

    __tablename__ = "contrib_snapshot_parts"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("contrib_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    hub: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[str] = mapped_column(String(100), primary_key=True)
    unit: Mapped[str] = mapped_column(String(320), primary_key=True)
    items: Mapped[int] = mapped_column(Integer)
    requests: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: why the part holds nothing, e.g. the hub answered 404 for the account
    note: Mapped[str | None] = mapped_column(Text)


class ContribRepoStatRow(Base):
    __tablename__ = "contrib_repo_stats"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("contrib_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    hub: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: the pulled account (lower-cased); part of the key because a derivative can be listed
    #: under the bases of two accounts
    account: Mapped[str] = mapped_column(String(100), primary_key=True)
    repo_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    downloads_30d: Mapped[int | None] = mapped_column(BigInteger)
    downloads_all_time: Mapped[int | None] = mapped_column(BigInteger)
    likes: Mapped[int | None] = mapped_column(BigInteger)
    trending_score: Mapped[float | None] = mapped_column(Float)
    children_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[str | None] = mapped_column(String(40))
    last_modified: Mapped[str | None] = mapped_column(String(40))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    base_models: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    eval_results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    url: Mapped[str] = mapped_column(Text)


class ContribActivityRow(Base):
    __tablename__ = "contrib_activity"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("contrib_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    hub: Mapped[str] = mapped_column(String(20), primary_key=True)
    repo_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    developer: Mapped[str] = mapped_column(String(100), primary_key=True)
    account: Mapped[str] = mapped_column(String(100), index=True)
    open_issue: Mapped[int] = mapped_column(Integer, default=0)
    issue_comment: Mapped[int] = mapped_column(Integer, default=0)
    open_pull: Mapped[int] = mapped_column(Integer, default=0)
    review_comment: Mapped[int] = mapped_column(Integer, default=0)
    merged_pull: Mapped[int] = mapped_column(Integer, default=0)
    commits: Mapped[int] = mapped_column(Integer, default=0)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)


class ContribRankingRunRow(Base):
    """A ranking as it was computed: inputs by id and hash, output byte for byte."""

    __tablename__ = "contrib_ranking_runs"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    snapshot_ids: Mapped[list[int]] = mapped_column(JSON)
    config_hash: Mapped[str] = mapped_column(String(64))
    config_version: Mapped[str] = mapped_column(String(40))
    code_version: Mapped[str] = mapped_column(String(80))
    output_hash: Mapped[str] = mapped_column(String(64))
    output: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the approved config as text, the library versions and window: what a replay needs
    config_text: Mapped[str | None] = mapped_column(Text)
    library_versions: Mapped[dict[str, str] | None] = mapped_column(JSON)
    window_months: Mapped[int | None] = mapped_column(Integer)


class ContribLeaderboardRow(Base):
    """One entry of a hub benchmark leaderboard at snapshot time (hub-wide, not only ours)."""

    __tablename__ = "contrib_leaderboard_entries"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("contrib_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    dataset: Mapped[str] = mapped_column(String(300), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    hub_rank: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    verified: Mapped[bool] = mapped_column(Boolean)
    author: Mapped[str] = mapped_column(String(100))
    source_url: Mapped[str | None] = mapped_column(Text)


class ContribReviewRow(Base):
    """A committee decision, override or appeal: who, when, why; shown beside the rank."""

    __tablename__ = "contrib_review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    enterprise: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # decision | override | appeal
    decision: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(100))
    run_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
