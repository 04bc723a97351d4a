"""A publisher's view of one scene: the firms that answered, ordered by match score with
the reasons, beside the best-matched firms that have not — and invitations to those.

Scores come from the loaded index (read-only); a firm's score is its best capability's.
Invitations are recorded with ``delivered_at`` unset; the alert delivery run
(:mod:`api.alerts.invitations`) sends them through the invited firm's own channels and
sets it. The firm sees its invitations on its own page either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.services import loop
from api.services import matching as match_service
from api.services.errors import Conflict, InvalidInput, NotFound
from api.services.policy import Action, Principal, authorize, signed_in
from core.models import RecordRow
from core.models.loop import InterestRow, InvitationRow
from core.records import RecordKind
from core.store import RecordStore
from matching.engine import Matcher


@dataclass
class FirmMatch:
    firm_org: str
    capability_id: str
    capability_title: str
    score: float
    explanation: dict[str, Any]


@dataclass
class Applicant:
    interest: loop.Interest
    match: FirmMatch | None  # None: none of its capabilities is among the scene's matches


@dataclass
class Invitation:
    id: int
    scene_id: str
    firm_org: str
    capability_id: str | None
    score: float | None
    message: str | None
    invited_by: str
    created_at: datetime
    delivered_at: datetime | None
    scene_title: str = ""


@dataclass
class Board:
    scene: loop.SceneInfo
    applicants: list[Applicant]
    not_applied: list[tuple[FirmMatch, Invitation | None]]


def firm_matches(matcher: Matcher, scene_id: str, top_k: int = 50) -> list[FirmMatch]:
    """The firms best matched to a scene, each by its best published capability."""
    found = match_service.match_record(
        matcher, scene_id, expect=RecordKind.SCENE, who=None, top_k=top_k
    )
    ids = [m.id for m in found]
    with matcher.store.session() as session:
        rows = {
            r.id: (r.org, r.title)
            for r in session.execute(
                select(RecordRow.id, RecordRow.org, RecordRow.title).where(RecordRow.id.in_(ids))
            )
        }
    best: dict[str, FirmMatch] = {}
    for m in found:
        org, title = rows.get(m.id, (None, ""))
        if org and org not in best:
            best[org] = FirmMatch(org, m.id, title, m.score, m.explanation)
    return list(best.values())


def _invitation(row: InvitationRow, title: str = "") -> Invitation:
    return Invitation(
        row.id,
        row.scene_id,
        row.firm_org,
        row.capability_id,
        row.score,
        row.message,
        row.invited_by,
        row.created_at,
        row.delivered_at,
        title,
    )


def scene_board(
    matcher: Matcher, scene_id: str, *, who: Principal | None, top_k: int = 50
) -> Board:
    interests = loop.scene_interests(matcher.store, scene_id, who=who)  # checks the caller
    scene = loop.scene_info(matcher.store, scene_id)
    matches = firm_matches(matcher, scene_id, top_k)
    by_firm = {m.firm_org: m for m in matches}
    applicants = sorted(
        (Applicant(i, by_firm.get(i.firm_org)) for i in interests),
        key=lambda a: (-(a.match.score if a.match else -1.0), a.interest.id),
    )
    applied = {i.firm_org for i in interests}
    with matcher.store.session() as session:
        invited = {
            r.firm_org: _invitation(r)
            for r in session.scalars(
                select(InvitationRow).where(InvitationRow.scene_id == scene_id)
            )
        }
    not_applied = [
        (m, invited.get(m.firm_org))
        for m in matches
        if m.firm_org not in applied and m.firm_org != scene.publisher
    ]
    return Board(scene, applicants, not_applied[:10])


def invite(
    matcher: Matcher,
    scene_id: str,
    capability_id: str,
    *,
    who: Principal | None,
    message: str | None = None,
    at: datetime | None = None,
) -> Invitation:
    """Invite the firm behind a matched capability to answer; once per firm per scene."""
    publisher = signed_in(who, Action.INTEREST_INVITE.value)
    store = matcher.store
    scene = loop.scene_info(store, scene_id)
    authorize(publisher, Action.INTEREST_INVITE, scene.publisher)
    message = (message or "").strip() or None
    if message is not None and len(message) > 1000:
        raise InvalidInput("an invitation message has at most 1000 characters", field="message")
    if scene.status not in loop.ANSWERABLE:
        raise Conflict(f"scene {scene_id} is {scene.status.value}: it takes no new interest")
    match = next(
        (m for m in firm_matches(matcher, scene_id) if m.capability_id == capability_id), None
    )
    with store.session() as session:
        row = session.execute(
            select(RecordRow.kind, RecordRow.org).where(RecordRow.id == capability_id)
        ).first()
    if row is None or row.kind != RecordKind.CAPABILITY.value or not row.org:
        raise NotFound(f"no firm's capability with id {capability_id!r}")
    firm = row.org
    with store.session() as session, session.begin():
        if session.scalar(
            select(InterestRow.id).where(
                InterestRow.scene_id == scene_id, InterestRow.firm_org == firm
            )
        ):
            raise Conflict(f"{firm} has already answered this scene")
        invitation = InvitationRow(
            scene_id=scene_id,
            firm_org=firm,
            capability_id=capability_id,
            score=match.score if match else None,
            message=message,
            invited_by=publisher.username,
            created_at=at or datetime.now(UTC),
            delivered_at=None,
        )
        session.add(invitation)
        try:
            session.flush()
        except IntegrityError as exc:
            raise Conflict(f"{firm} is already invited to this scene") from exc
        return _invitation(invitation, scene.title)


def my_invitations(store: RecordStore, *, who: Principal | None) -> list[Invitation]:
    firm = signed_in(who, Action.INTEREST_MANAGE.value)
    authorize(firm, Action.INTEREST_MANAGE, firm.org)
    with store.session() as session:
        rows = session.execute(
            select(InvitationRow, RecordRow.title)
            .join(RecordRow, RecordRow.id == InvitationRow.scene_id)
            .where(InvitationRow.firm_org == firm.org)
            .order_by(InvitationRow.created_at.desc())
        ).all()
        return [_invitation(r, title) for r, title in rows]


def pending_invitations(store: RecordStore) -> list[Invitation]:
    """Invitations no channel has delivered yet (the firm has none, or sending still fails)."""
    with store.session() as session:
        rows = session.scalars(
            select(InvitationRow)
            .where(InvitationRow.delivered_at.is_(None))
            .order_by(InvitationRow.id)
        )
        return [_invitation(r) for r in rows]
