"""``/reviews``: the committee's recorded decisions, overrides and appeals. A decision never
changes a computed ranking; it is shown beside it (pages, evidence packs, ``contrib rank``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from api.deps import CallerDep, StoreDep
from api.errors import REQUIRED_AUTH, responses
from api.services import rankings as service
from api.services.rankings import ReviewDecision

router = APIRouter(prefix="/reviews", tags=["rankings"])

Kind = Literal["decision", "override", "appeal"]  # contrib.review.KINDS


class ReviewCreate(BaseModel):
    """The reviewer is the signed-in committee member; it is not a field."""

    enterprise: str = Field(min_length=1, max_length=200, examples=["杭州云栖智算科技有限公司"])
    kind: Kind = "decision"
    decision: str = Field(min_length=1, max_length=service.MAX_REVIEW_CHARS, examples=["维持一档"])
    comment: str = Field(
        min_length=1,
        max_length=service.MAX_REVIEW_CHARS,
        description="why: required for every decision",
        examples=["下载量经核实，无刷量迹象"],
    )
    category: str | None = Field(default=None, max_length=50, examples=["models"])
    run_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ReviewPublic(BaseModel):
    id: int
    enterprise: str
    category: str | None
    kind: Kind
    decision: str
    comment: str
    reviewer: str
    run_id: int | None
    created_at: datetime


def _public(d: ReviewDecision) -> ReviewPublic:
    return ReviewPublic(
        id=d.id,
        enterprise=d.enterprise,
        category=d.category,
        kind=d.kind,  # type: ignore[arg-type]  # stored through add_decision: one of KINDS
        decision=d.decision,
        comment=d.reason,
        reviewer=d.reviewer,
        run_id=d.run_id,
        created_at=d.created_at,
    )


@router.get(
    "",
    response_model=list[ReviewPublic],
    responses=responses(403),
    openapi_extra=REQUIRED_AUTH,
)
def list_reviews(
    store: StoreDep,
    who: CallerDep,
    enterprise: Annotated[str | None, Query(max_length=200)] = None,
) -> list[ReviewPublic]:
    """Recorded decisions, oldest first: all, or one firm's (committee and admins)."""
    return [_public(d) for d in service.list_reviews(store, who=who, enterprise=enterprise)]


@router.post(
    "",
    response_model=ReviewPublic,
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def add_review(store: StoreDep, who: CallerDep, body: ReviewCreate) -> ReviewPublic:
    """Record a decision with its comment (committee only; the reviewer is the caller).
    An unknown enterprise or category is a 404; an empty comment a 422."""
    return _public(
        service.add_review(
            store,
            who=who,
            enterprise=body.enterprise,
            kind=body.kind,
            decision=body.decision,
            reason=body.comment,
            category=body.category,
            run_id=body.run_id,
        )
    )
