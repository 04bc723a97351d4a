"""The matchmaking loop: a firm's interest in a scene, every change to it, invitations,
and the state a scene has reached.

Nothing here is ever deleted: a withdrawal or a decline is a state, and every change
(state or proposal text) is an :class:`InterestEventRow` with who and when. Proposals are
private text: they live only in these rows, never in ``records`` (so never in the index).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class InterestRow(Base):
    """One firm's expression of interest (我要对接) in one scene, with its proposal."""

    __tablename__ = "interests"
    __table_args__ = (UniqueConstraint("scene_id", "firm_org"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scene_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    firm_org: Mapped[str] = mapped_column(String(200), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    approach: Mapped[str] = mapped_column(Text)
    cases: Mapped[str | None] = mapped_column(Text)
    expected_days: Mapped[int | None] = mapped_column(Integer)
    cost_min_cny: Mapped[int | None] = mapped_column(BigInteger)
    cost_max_cny: Mapped[int | None] = mapped_column(BigInteger)
    contact: Mapped[str] = mapped_column(Text)
    #: the publisher's reason when it declines, shown to the firm
    decline_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InterestEventRow(Base):
    """A change to an interest: a state transition, or an edit (``to_state == from_state``)."""

    __tablename__ = "interest_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interest_id: Mapped[int] = mapped_column(
        ForeignKey("interests.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))  # submitted | transition | edited
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    #: the proposal as it was before an edit
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SceneStateRow(Base):
    """Where a scene stands in the loop; no row means ``open``."""

    __tablename__ = "scene_states"

    scene_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SceneStateEventRow(Base):
    __tablename__ = "scene_state_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scene_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class InvitationRow(Base):
    """A publisher's invitation to a firm that has not applied. ``delivered_at`` stays None
    until one of the firm's alert channels sends it; the firm sees it on its page either way."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("scene_id", "firm_org"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scene_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    firm_org: Mapped[str] = mapped_column(String(200), index=True)
    capability_id: Mapped[str | None] = mapped_column(String(200))
    score: Mapped[float | None] = mapped_column()
    message: Mapped[str | None] = mapped_column(Text)
    invited_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
