"""The matchmaking loop over HTTP: a firm's interests (我要对接), a publisher's decisions
and invitations. Proposals reach only their firm and the scene's publisher."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CallerDep, ReaderDep, StoreDep
from api.errors import REQUIRED_AUTH, responses
from api.services import loop, loop_board
from api.services.loop import InterestState, Proposal, SceneStatus

router = APIRouter(tags=["interests"])
SceneId = Annotated[str, Path(max_length=200, examples=["HZ-2025-S002"])]
InterestId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class InterestPublic(BaseModel):
    """An interest with its proposal: for its firm and the scene's publisher only."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    scene_id: str
    scene_title: str
    scene_deadline: date | None
    scene_status: SceneStatus
    firm_org: str
    state: InterestState
    approach: str
    cases: str | None
    expected_days: int | None
    cost_min_cny: int | None
    cost_max_cny: int | None
    contact: str
    decline_reason: str | None
    editable: bool = Field(description="The firm may still edit it (active, before deadline).")
    created_at: datetime
    updated_at: datetime


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    actor_role: str
    kind: str
    from_state: str | None
    to_state: str
    note: str | None
    previous: dict[str, Any] | None


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=2000)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: InterestState = Field(description="The next state; a decline needs a `note`.")
    note: str | None = Field(default=None, max_length=2000, description="Seen by the firm.")


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    capability_id: str = Field(min_length=1, max_length=200)
    message: str | None = Field(default=None, max_length=1000)


class InvitationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    scene_id: str
    scene_title: str
    firm_org: str
    capability_id: str | None
    score: float | None
    message: str | None
    invited_by: str
    created_at: datetime
    delivered_at: datetime | None = Field(description="null: recorded, not yet sent.")


class FirmMatchPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    firm_org: str
    capability_id: str
    capability_title: str
    score: float
    explanation: dict[str, Any]


class ApplicantPublic(BaseModel):
    interest: InterestPublic
    match: FirmMatchPublic | None


class NotAppliedPublic(BaseModel):
    match: FirmMatchPublic
    invitation: InvitationPublic | None


class BoardPublic(BaseModel):
    scene_id: str
    scene_status: SceneStatus
    applicants: list[ApplicantPublic]
    not_applied: list[NotAppliedPublic]


def _interest(found: loop.Interest) -> InterestPublic:
    return InterestPublic.model_validate(found)


@router.post(
    "/scenes/{scene_id}/interests",
    response_model=InterestPublic,
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 404, 409),
    openapi_extra=REQUIRED_AUTH,
)
def express_interest(
    store: StoreDep, who: CallerDep, scene_id: SceneId, body: Proposal
) -> InterestPublic:
    """我要对接: your firm's interest in an open scene, with a short proposal."""
    return _interest(loop.express_interest(store, scene_id, body, who=who))


@router.get(
    "/scenes/{scene_id}/interests",
    response_model=list[InterestPublic],
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def scene_interests(store: StoreDep, who: CallerDep, scene_id: SceneId) -> list[InterestPublic]:
    """Every interest in your scene, withdrawn and declined ones too (publishers)."""
    return [_interest(i) for i in loop.scene_interests(store, scene_id, who=who)]


@router.get(
    "/scenes/{scene_id}/board",
    response_model=BoardPublic,
    responses=responses(403, 404, 503),
    openapi_extra=REQUIRED_AUTH,
)
def scene_board(reader: ReaderDep, who: CallerDep, scene_id: SceneId) -> BoardPublic:
    """Applicants by match score beside the best-matched firms that have not applied."""
    board = loop_board.scene_board(reader.matcher, scene_id, who=who)
    return BoardPublic(
        scene_id=board.scene.id,
        scene_status=board.scene.status,
        applicants=[
            ApplicantPublic(
                interest=_interest(a.interest),
                match=FirmMatchPublic.model_validate(a.match) if a.match else None,
            )
            for a in board.applicants
        ],
        not_applied=[
            NotAppliedPublic(
                match=FirmMatchPublic.model_validate(m),
                invitation=InvitationPublic.model_validate(i) if i else None,
            )
            for m, i in board.not_applied
        ],
    )


@router.post(
    "/scenes/{scene_id}/invitations",
    response_model=InvitationPublic,
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 404, 409, 503),
    openapi_extra=REQUIRED_AUTH,
)
def invite(
    reader: ReaderDep, who: CallerDep, scene_id: SceneId, body: InvitationCreate
) -> InvitationPublic:
    """Invite the firm behind a matched capability (recorded; delivered_at stays null
    until a delivery channel sends it)."""
    found = loop_board.invite(
        reader.matcher, scene_id, body.capability_id, who=who, message=body.message
    )
    return InvitationPublic.model_validate(found)


@router.post(
    "/scenes/{scene_id}/close",
    response_model=SceneStatus,
    responses=responses(403, 404, 409),
    openapi_extra=REQUIRED_AUTH,
)
def close_scene(store: StoreDep, who: CallerDep, scene_id: SceneId, body: Note) -> SceneStatus:
    """Close your scene without a deal; its active interests close with your note."""
    return loop.close_scene(store, scene_id, who=who, note=body.note)


@router.get(
    "/interests",
    response_model=list[InterestPublic],
    responses=responses(403),
    openapi_extra=REQUIRED_AUTH,
)
def my_interests(store: StoreDep, who: CallerDep) -> list[InterestPublic]:
    """Your firm's interests, the editable ones with the nearest deadline first."""
    return [_interest(i) for i in loop.my_interests(store, who=who)]


@router.get(
    "/invitations",
    response_model=list[InvitationPublic],
    responses=responses(403),
    openapi_extra=REQUIRED_AUTH,
)
def my_invitations(store: StoreDep, who: CallerDep) -> list[InvitationPublic]:
    return [InvitationPublic.model_validate(i) for i in loop_board.my_invitations(store, who=who)]


@router.get(
    "/interests/{interest_id}",
    response_model=InterestPublic,
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def get_interest(store: StoreDep, who: CallerDep, interest_id: InterestId) -> InterestPublic:
    return _interest(loop.get_interest(store, interest_id, who=who))


@router.get(
    "/interests/{interest_id}/history",
    response_model=list[EventPublic],
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def interest_history(store: StoreDep, who: CallerDep, interest_id: InterestId) -> list[EventPublic]:
    """Every change, with who and when; an edit keeps the proposal as it was."""
    return [
        EventPublic.model_validate(e) for e in loop.interest_history(store, interest_id, who=who)
    ]


@router.put(
    "/interests/{interest_id}",
    response_model=InterestPublic,
    responses=responses(403, 404, 409),
    openapi_extra=REQUIRED_AUTH,
)
def edit_interest(
    store: StoreDep, who: CallerDep, interest_id: InterestId, body: Proposal
) -> InterestPublic:
    """Replace your proposal (until the scene's deadline)."""
    return _interest(loop.edit_interest(store, interest_id, body, who=who))


@router.post(
    "/interests/{interest_id}/withdraw",
    response_model=InterestPublic,
    responses=responses(403, 404, 409),
    openapi_extra=REQUIRED_AUTH,
)
def withdraw(
    store: StoreDep, who: CallerDep, interest_id: InterestId, body: Note
) -> InterestPublic:
    return _interest(loop.withdraw_interest(store, interest_id, who=who, note=body.note))


@router.post(
    "/interests/{interest_id}/decision",
    response_model=InterestPublic,
    responses=responses(403, 404, 409),
    openapi_extra=REQUIRED_AUTH,
)
def decide(
    store: StoreDep, who: CallerDep, interest_id: InterestId, body: Decision
) -> InterestPublic:
    """Shortlist, decline (with a reason) or record an outcome on your scene's interest."""
    return _interest(loop.decide(store, interest_id, body.state, who=who, note=body.note))
