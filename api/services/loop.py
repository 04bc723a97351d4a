"""The matchmaking loop: a firm's interest (我要对接) in a scene, the publisher's decisions,
and the state the scene reaches. An explicit state machine; every change is an event with
who and when; nothing is deleted.

Who acts for a scene: its owner organisation (a scene created through the service), else
the organisation the published list names (``org``) — accounts and their organisations are
created by an admin, so the name is vetted. A scene whose publisher has no such account
still takes interests; nobody can decide them until one exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.services.policy import Action, Principal, Role, allowed, authorize, signed_in
from core.models import RecordRow
from core.models.accounts import RecordStatusRow
from core.models.loop import InterestEventRow, InterestRow, SceneStateEventRow, SceneStateRow
from core.normalize.money import parse_money
from core.store import RecordStore


class InterestState(StrEnum):
    SUBMITTED = "submitted"  # 已提交
    SHORTLISTED = "shortlisted"  # 已入围
    CONTACTED = "contacted"  # 已联系
    NEGOTIATING = "negotiating"  # 洽谈中
    CONTRACTED = "contracted"  # 已签约
    DELIVERED = "delivered"  # 已落地
    DECLINED = "declined"  # 未入选 (with a reason the firm sees)
    CLOSED = "closed"  # 未成交 (closed without a deal)
    WITHDRAWN = "withdrawn"  # 已撤回 (by the firm)


class SceneStatus(StrEnum):
    OPEN = "open"
    IN_TALKS = "in_talks"
    CONTRACTED = "contracted"
    DELIVERED = "delivered"
    CLOSED = "closed"


S = InterestState
#: the publisher's moves
PUBLISHER_MOVES: dict[InterestState, frozenset[InterestState]] = {
    S.SUBMITTED: frozenset({S.SHORTLISTED, S.CONTACTED, S.DECLINED}),
    S.SHORTLISTED: frozenset({S.CONTACTED, S.DECLINED, S.CLOSED}),
    S.CONTACTED: frozenset({S.NEGOTIATING, S.CLOSED}),
    S.NEGOTIATING: frozenset({S.CONTRACTED, S.CLOSED}),
    S.CONTRACTED: frozenset({S.DELIVERED}),
}
#: the firm's moves (resubmitting a withdrawn interest is :func:`express_interest`)
FIRM_MOVES: dict[InterestState, frozenset[InterestState]] = {
    state: frozenset({S.WITHDRAWN})
    for state in (S.SUBMITTED, S.SHORTLISTED, S.CONTACTED, S.NEGOTIATING)
}
ACTIVE = frozenset({S.SUBMITTED, S.SHORTLISTED, S.CONTACTED, S.NEGOTIATING})
#: the order of the funnel; a state counts as having passed every earlier step
STEP_ORDER = (S.SUBMITTED, S.SHORTLISTED, S.CONTACTED, S.NEGOTIATING, S.CONTRACTED, S.DELIVERED)
#: scene statuses that leave the open lists (still searchable)
SETTLED = frozenset({SceneStatus.CONTRACTED, SceneStatus.DELIVERED, SceneStatus.CLOSED})
ANSWERABLE = frozenset({SceneStatus.OPEN, SceneStatus.IN_TALKS})


class Proposal(BaseModel):
    """What a firm offers: approach, comparable cases, expected time, cost range, contact."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    approach: str = Field(min_length=1, max_length=4000, description="技术方案 / approach")
    cases: str | None = Field(default=None, max_length=4000, description="类似案例")
    expected_days: int | None = Field(default=None, ge=1, le=3650, description="预计周期（天）")
    cost_min: str | None = Field(default=None, max_length=40, description="e.g. 30万")
    cost_max: str | None = Field(default=None, max_length=40, description="e.g. 50万")
    contact: str = Field(min_length=1, max_length=500, description="联系人与电话")

    @model_validator(mode="after")
    def _range(self) -> Proposal:
        low, high = _money(self.cost_min, "cost_min"), _money(self.cost_max, "cost_max")
        if low is not None and high is not None and low > high:
            raise ValueError("cost_min is above cost_max")
        return self

    def amounts(self) -> tuple[int | None, int | None]:
        return _money(self.cost_min, "cost_min"), _money(self.cost_max, "cost_max")


def _money(value: str | None, name: str) -> int | None:
    if value is None or not value.strip():
        return None
    parsed = parse_money(value)
    if parsed.unparsed or parsed.amount_cny is None:
        raise ValueError(f"{name} {value!r} is not an amount (e.g. 300000 or 30万)")
    return parsed.amount_cny


@dataclass
class Interest:
    id: int
    scene_id: str
    firm_org: str
    state: InterestState
    approach: str
    cases: str | None
    expected_days: int | None
    cost_min_cny: int | None
    cost_max_cny: int | None
    contact: str
    decline_reason: str | None
    created_at: datetime
    updated_at: datetime
    scene_title: str = ""
    scene_deadline: date | None = None
    scene_status: SceneStatus = SceneStatus.OPEN
    editable: bool = False

    @classmethod
    def from_row(cls, row: InterestRow) -> Interest:
        return cls(
            row.id,
            row.scene_id,
            row.firm_org,
            InterestState(row.state),
            row.approach,
            row.cases,
            row.expected_days,
            row.cost_min_cny,
            row.cost_max_cny,
            row.contact,
            row.decline_reason,
            row.created_at,
            row.updated_at,
        )


@dataclass
class InterestEvent:
    at: datetime
    actor: str
    actor_role: str
    kind: str
    from_state: str | None
    to_state: str
    note: str | None = None
    previous: dict[str, Any] | None = field(default=None)


def _now() -> datetime:
    return datetime.now(UTC)


# -- scenes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SceneInfo:
    id: str
    title: str
    deadline: date | None
    publisher: str | None  # the organisation that decides its interests
    published: bool
    status: SceneStatus


def _scene(session: Session, scene_id: str) -> SceneInfo:
    row = session.execute(
        select(
            RecordRow.id, RecordRow.kind, RecordRow.title, RecordRow.deadline, RecordRow.org
        ).where(RecordRow.id == scene_id)
    ).first()
    if row is None or row.kind != "scene":
        raise NotFound(f"no scene with id {scene_id!r}")
    status_row = session.get(RecordStatusRow, scene_id)
    state = session.get(SceneStateRow, scene_id)
    published = status_row is None or status_row.status == "published"
    publisher = status_row.owner_org if status_row is not None and status_row.owner_org else None
    return SceneInfo(
        row.id,
        row.title,
        row.deadline,
        publisher or row.org,
        published,
        SceneStatus(state.status) if state is not None else SceneStatus.OPEN,
    )


def scene_status(store: RecordStore, scene_id: str) -> SceneStatus:
    with store.session() as session:
        state = session.get(SceneStateRow, scene_id)
    return SceneStatus(state.status) if state is not None else SceneStatus.OPEN


def settled_scene_ids(store: RecordStore) -> set[str]:
    """Scenes that have left the open lists (contracted, delivered, closed)."""
    with store.session() as session:
        return set(
            session.scalars(
                select(SceneStateRow.scene_id).where(
                    SceneStateRow.status.in_([s.value for s in SETTLED])
                )
            )
        )


def _derived(states: list[InterestState], current: SceneStatus) -> SceneStatus:
    if S.DELIVERED in states:
        return SceneStatus.DELIVERED
    if S.CONTRACTED in states:
        return SceneStatus.CONTRACTED
    if S.CONTACTED in states or S.NEGOTIATING in states:
        return SceneStatus.IN_TALKS
    return SceneStatus.CLOSED if current is SceneStatus.CLOSED else SceneStatus.OPEN


def _follow(
    session: Session, scene_id: str, actor: str, at: datetime, force: SceneStatus | None = None
) -> None:
    """Set the scene's status from its interests (or to ``force``), as an event if it moved."""
    row = session.get(SceneStateRow, scene_id)
    current = SceneStatus(row.status) if row is not None else SceneStatus.OPEN
    states = [
        InterestState(s)
        for s in session.scalars(select(InterestRow.state).where(InterestRow.scene_id == scene_id))
    ]
    new = force or _derived(states, current)
    if new is current:
        return
    if row is None:
        session.add(SceneStateRow(scene_id=scene_id, status=new.value, changed_at=at))
    else:
        row.status, row.changed_at = new.value, at
    session.add(
        SceneStateEventRow(
            scene_id=scene_id, from_status=current.value, to_status=new.value, actor=actor, at=at
        )
    )


# -- the firm --------------------------------------------------------------------------


def _open_for_answers(scene: SceneInfo, today: date) -> None:
    if not scene.published:
        raise NotFound(f"no scene with id {scene.id!r}")
    if scene.status not in ANSWERABLE:
        raise Conflict(f"scene {scene.id} is {scene.status.value}: it takes no new interest")
    if scene.deadline is not None and today > scene.deadline:
        raise Conflict(f"scene {scene.id} closed for answers on {scene.deadline.isoformat()}")


def _event(
    session: Session,
    row: InterestRow,
    who: Principal,
    kind: str,
    to: InterestState,
    at: datetime,
    note: str | None = None,
    previous: dict[str, Any] | None = None,
) -> None:
    session.add(
        InterestEventRow(
            interest_id=row.id,
            from_state=None if kind == "submitted" else row.state,
            to_state=to.value,
            kind=kind,
            actor_id=who.user_id,
            actor=who.username,
            actor_role=who.role.value,
            note=note,
            previous=previous,
            at=at,
        )
    )


def _fill(row: InterestRow, proposal: Proposal) -> None:
    low, high = proposal.amounts()
    row.approach, row.cases, row.expected_days = (
        proposal.approach,
        proposal.cases,
        proposal.expected_days,
    )
    row.cost_min_cny, row.cost_max_cny, row.contact = low, high, proposal.contact


def _snapshot(row: InterestRow) -> dict[str, Any]:
    return {
        "approach": row.approach,
        "cases": row.cases,
        "expected_days": row.expected_days,
        "cost_min_cny": row.cost_min_cny,
        "cost_max_cny": row.cost_max_cny,
        "contact": row.contact,
    }


def _firm(who: Principal | None) -> Principal:
    who = signed_in(who, Action.INTEREST_MANAGE.value)
    authorize(who, Action.INTEREST_MANAGE, who.org)
    assert who.org is not None
    return who


def express_interest(
    store: RecordStore,
    scene_id: str,
    proposal: Proposal,
    *,
    who: Principal | None,
    today: date | None = None,
    at: datetime | None = None,
) -> Interest:
    """我要对接: one interest per firm per scene; a withdrawn one may be resubmitted."""
    firm = _firm(who)
    at, today = at or _now(), today or date.today()
    with store.session() as session, session.begin():
        scene = _scene(session, scene_id)
        _open_for_answers(scene, today)
        if scene.publisher == firm.org:
            raise Conflict("an organisation does not answer its own scene")
        row = session.scalar(
            select(InterestRow).where(
                InterestRow.scene_id == scene_id, InterestRow.firm_org == firm.org
            )
        )
        if row is not None and row.state != S.WITHDRAWN:
            raise Conflict(
                f"{firm.org} already answered scene {scene_id} (interest {row.id}, "
                f"{row.state}): edit or withdraw it"
            )
        if row is None:
            row = InterestRow(
                scene_id=scene_id,
                firm_org=firm.org,
                state=S.SUBMITTED.value,
                created_at=at,
                updated_at=at,
                decline_reason=None,
            )
            _fill(row, proposal)
            session.add(row)
            try:
                session.flush()
            except IntegrityError as exc:  # a concurrent first answer from the same firm
                raise Conflict(f"{firm.org} already answered scene {scene_id}") from exc
            _event(session, row, firm, "submitted", S.SUBMITTED, at)
        else:
            previous = _snapshot(row)
            _event(session, row, firm, "resubmitted", S.SUBMITTED, at, previous=previous)
            _fill(row, proposal)
            row.state, row.updated_at = S.SUBMITTED.value, at
        session.flush()
        _follow(session, scene_id, firm.username, at)
        return _decorate(Interest.from_row(row), scene, today)


def _decorate(interest: Interest, scene: SceneInfo, today: date) -> Interest:
    interest.scene_title, interest.scene_deadline = scene.title, scene.deadline
    interest.scene_status = scene.status
    interest.editable = interest.state in ACTIVE and (
        scene.deadline is None or today <= scene.deadline
    )
    return interest


def _own_interest(session: Session, interest_id: int, firm: Principal) -> InterestRow:
    row = session.get(InterestRow, interest_id)
    if row is None:
        raise NotFound(f"no interest with id {interest_id}")
    authorize(firm, Action.INTEREST_MANAGE, row.firm_org)
    return row


def edit_interest(
    store: RecordStore,
    interest_id: int,
    proposal: Proposal,
    *,
    who: Principal | None,
    today: date | None = None,
    at: datetime | None = None,
) -> Interest:
    """Change the proposal of an active interest, until the scene's deadline."""
    firm = signed_in(who, Action.INTEREST_MANAGE.value)
    at, today = at or _now(), today or date.today()
    with store.session() as session, session.begin():
        row = _own_interest(session, interest_id, firm)
        scene = _scene(session, row.scene_id)
        if row.state not in ACTIVE:
            raise Conflict(f"interest {interest_id} is {row.state}: it can no longer be edited")
        if scene.deadline is not None and today > scene.deadline:
            raise Conflict(
                f"the scene's deadline {scene.deadline.isoformat()} has passed: "
                "the proposal can no longer be edited"
            )
        previous = _snapshot(row)
        _fill(row, proposal)
        if _snapshot(row) != previous:
            row.updated_at = at
            _event(session, row, firm, "edited", InterestState(row.state), at, previous=previous)
        return _decorate(Interest.from_row(row), scene, today)


def withdraw_interest(
    store: RecordStore,
    interest_id: int,
    *,
    who: Principal | None,
    note: str | None = None,
    at: datetime | None = None,
) -> Interest:
    firm = signed_in(who, Action.INTEREST_MANAGE.value)
    at = at or _now()
    with store.session() as session, session.begin():
        row = _own_interest(session, interest_id, firm)
        _move(session, row, firm, S.WITHDRAWN, FIRM_MOVES, at, _note(note))
        scene = _scene(session, row.scene_id)
        return _decorate(Interest.from_row(row), scene, date.today())


def _note(note: str | None) -> str | None:
    note = (note or "").strip() or None
    if note is not None and len(note) > 2000:
        raise InvalidInput("a note has at most 2000 characters", field="note")
    return note


def _move(
    session: Session,
    row: InterestRow,
    who: Principal,
    to: InterestState,
    moves: dict[InterestState, frozenset[InterestState]],
    at: datetime,
    note: str | None,
) -> None:
    current = InterestState(row.state)
    if to not in moves.get(current, frozenset()):
        allowed_next = ", ".join(sorted(moves.get(current, frozenset()))) or "none"
        raise Conflict(
            f"interest {row.id} cannot go from {current.value} to {to.value} "
            f"(allowed: {allowed_next})"
        )
    _event(session, row, who, "transition", to, at, note=note)
    row.state, row.updated_at = to.value, at
    if to is S.DECLINED:
        row.decline_reason = note
    session.flush()
    _follow(session, row.scene_id, who.username, at)


# -- the publisher ---------------------------------------------------------------------


def decide(
    store: RecordStore,
    interest_id: int,
    to: InterestState,
    *,
    who: Principal | None,
    note: str | None = None,
    at: datetime | None = None,
) -> Interest:
    """Shortlist, decline (``note`` is the reason the firm sees), or record an outcome."""
    publisher = signed_in(who, Action.INTEREST_DECIDE.value)
    at = at or _now()
    note = _note(note)
    if to is S.DECLINED and not note:
        raise InvalidInput("a decline gives the firm a reason", field="note")
    with store.session() as session, session.begin():
        row = session.get(InterestRow, interest_id)
        if row is None:
            raise NotFound(f"no interest with id {interest_id}")
        scene = _scene(session, row.scene_id)
        authorize(publisher, Action.INTEREST_DECIDE, scene.publisher)
        _move(session, row, publisher, to, PUBLISHER_MOVES, at, note)
        return _decorate(Interest.from_row(row), _scene(session, row.scene_id), date.today())


def close_scene(
    store: RecordStore,
    scene_id: str,
    *,
    who: Principal | None,
    note: str | None = None,
    at: datetime | None = None,
) -> SceneStatus:
    """Close a scene without a deal: its active interests close too (the firms see why)."""
    publisher = signed_in(who, Action.INTEREST_DECIDE.value)
    at, note = at or _now(), _note(note)
    with store.session() as session, session.begin():
        scene = _scene(session, scene_id)
        authorize(publisher, Action.INTEREST_DECIDE, scene.publisher)
        if scene.status is not SceneStatus.OPEN and scene.status is not SceneStatus.IN_TALKS:
            raise Conflict(f"scene {scene_id} is {scene.status.value}: it cannot be closed")
        for row in session.scalars(select(InterestRow).where(InterestRow.scene_id == scene_id)):
            if row.state in ACTIVE:
                _event(session, row, publisher, "transition", S.CLOSED, at, note=note)
                row.state, row.updated_at = S.CLOSED.value, at
        session.flush()
        _follow(session, scene_id, publisher.username, at, force=SceneStatus.CLOSED)
    return SceneStatus.CLOSED


# -- reading ---------------------------------------------------------------------------


def _readable(who: Principal | None, row: InterestRow, scene: SceneInfo) -> None:
    """A firm reads its own interests, a publisher those to its scenes; nobody else."""
    who = signed_in(who, "read an interest")
    if allowed(who, Action.INTEREST_MANAGE, row.firm_org):
        return
    if allowed(who, Action.INTEREST_DECIDE, scene.publisher):
        return
    action = Action.INTEREST_MANAGE if who.role is Role.SUPPLIER else Action.INTEREST_DECIDE
    authorize(who, action, row.firm_org if who.role is Role.SUPPLIER else scene.publisher)
    raise Forbidden("not yours to read")  # pragma: no cover - authorize raised


def get_interest(store: RecordStore, interest_id: int, *, who: Principal | None) -> Interest:
    with store.session() as session:
        row = session.get(InterestRow, interest_id)
        if row is None:
            raise NotFound(f"no interest with id {interest_id}")
        scene = _scene(session, row.scene_id)
        _readable(who, row, scene)
        return _decorate(Interest.from_row(row), scene, date.today())


def interest_history(
    store: RecordStore, interest_id: int, *, who: Principal | None
) -> list[InterestEvent]:
    get_interest(store, interest_id, who=who)
    with store.session() as session:
        rows = session.scalars(
            select(InterestEventRow)
            .where(InterestEventRow.interest_id == interest_id)
            .order_by(InterestEventRow.at, InterestEventRow.id)
        )
        return [
            InterestEvent(
                r.at, r.actor, r.actor_role, r.kind, r.from_state, r.to_state, r.note, r.previous
            )
            for r in rows
        ]


def my_interests(
    store: RecordStore, *, who: Principal | None, today: date | None = None
) -> list[Interest]:
    """The firm's interests, the ones with the nearest deadline first."""
    firm = _firm(who)
    today = today or date.today()
    with store.session() as session:
        rows = list(session.scalars(select(InterestRow).where(InterestRow.firm_org == firm.org)))
        found = [_decorate(Interest.from_row(r), _scene(session, r.scene_id), today) for r in rows]
    return sorted(found, key=lambda i: (not i.editable, i.scene_deadline or date.max, i.id))


def my_interest_in(store: RecordStore, scene_id: str, *, who: Principal | None) -> Interest | None:
    """The caller's firm's interest in this scene, if it is a firm and has one."""
    if who is None or not allowed(who, Action.INTEREST_MANAGE, who.org):
        return None
    with store.session() as session:
        row = session.scalar(
            select(InterestRow).where(
                InterestRow.scene_id == scene_id, InterestRow.firm_org == who.org
            )
        )
        if row is None:
            return None
        return _decorate(Interest.from_row(row), _scene(session, scene_id), date.today())


def scene_interests(store: RecordStore, scene_id: str, *, who: Principal | None) -> list[Interest]:
    """Every interest in a scene (withdrawn and declined too), for its publisher."""
    publisher = signed_in(who, Action.INTEREST_DECIDE.value)
    with store.session() as session:
        scene = _scene(session, scene_id)
        authorize(publisher, Action.INTEREST_DECIDE, scene.publisher)
        rows = session.scalars(
            select(InterestRow).where(InterestRow.scene_id == scene_id).order_by(InterestRow.id)
        )
        return [_decorate(Interest.from_row(r), scene, date.today()) for r in rows]


def scene_info(store: RecordStore, scene_id: str) -> SceneInfo:
    with store.session() as session:
        return _scene(session, scene_id)


def may_decide(store: RecordStore, scene_id: str, who: Principal | None) -> bool:
    return who is not None and allowed(
        who, Action.INTEREST_DECIDE, scene_info(store, scene_id).publisher
    )
