"""``/subscriptions`` and ``/alerts``: a supplier's saved queries and what they found."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, Field

from api.deps import CallerDep, ReaderDep
from api.errors import REQUIRED_AUTH, responses
from api.services import subscriptions as service
from api.services.filters import MAX_QUERY_CHARS, RecordFilter
from api.services.models import MatchPublic
from api.services.subscriptions import Subscription
from core.records import RecordKind

router = APIRouter(tags=["subscriptions"])


class SubscriptionCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200, examples=["巡检机器人线索"])
    text: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, examples=["无人机 电力巡检"])
    against: RecordKind = RecordKind.SCENE
    filters: RecordFilter = Field(default_factory=RecordFilter)
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    top_k: int = Field(default=20, ge=1, le=100)


class SubscriptionPublic(BaseModel):
    id: int
    name: str
    query: str
    against: RecordKind
    filters: dict[str, Any]
    threshold: float
    top_k: int
    created_at: datetime
    last_run_at: datetime | None


class AlertPublic(BaseModel):
    subscription: str
    since: datetime
    new_records: int
    matches: list[MatchPublic]


def _public(sub: Subscription) -> SubscriptionPublic:
    return SubscriptionPublic(**sub.as_dict())


@router.get(
    "/subscriptions",
    response_model=list[SubscriptionPublic],
    responses=responses(403),
    openapi_extra=REQUIRED_AUTH,
)
def list_subscriptions(reader: ReaderDep, who: CallerDep) -> list[SubscriptionPublic]:
    """Your organisation's subscriptions (suppliers)."""
    return [_public(s) for s in service.list_subscriptions(reader.matcher, who=who)]


@router.post(
    "/subscriptions",
    response_model=SubscriptionPublic,
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 503),
    openapi_extra=REQUIRED_AUTH,
)
def add_subscription(
    reader: ReaderDep, who: CallerDep, body: SubscriptionCreate
) -> SubscriptionPublic:
    return _public(
        service.add_subscription(
            reader.matcher,
            name=body.name,
            text=body.text,
            against=body.against,
            filters=body.filters,
            threshold=body.threshold,
            top_k=body.top_k,
            who=who,
        )
    )


@router.delete(
    "/subscriptions/{name}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def remove_subscription(
    reader: ReaderDep, who: CallerDep, name: Annotated[str, Path(max_length=200)]
) -> Response:
    service.remove_subscription(reader.matcher, name, who=who)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/alerts",
    response_model=list[AlertPublic],
    responses=responses(403, 503),
    openapi_extra=REQUIRED_AUTH,
)
def alerts(reader: ReaderDep, who: CallerDep) -> list[AlertPublic]:
    """New records since each of your subscriptions last ran (a read: nothing is marked)."""
    return [
        AlertPublic(
            subscription=a.subscription.name,
            since=a.since,
            new_records=a.new_records,
            matches=[MatchPublic(**m.as_dict()) for m in a.matches],
        )
        for a in service.run_alerts(reader.matcher, who=who)
    ]
