"""``/users``: admins list, add and disable accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, Field

from api.deps import CallerDep, StoreDep
from api.errors import REQUIRED_AUTH, responses
from api.services import accounts
from api.services.policy import Action, Role, authorize

router = APIRouter(prefix="/users", tags=["users"])


class UserPublic(BaseModel):
    username: str
    role: Role
    org: str | None
    disabled: bool
    created_at: datetime


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=100, examples=["hospital1"])
    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=200)
    role: Role
    org: str | None = Field(default=None, max_length=200, examples=["杭州市第一人民医院"])


def _public(user: accounts.User) -> UserPublic:
    return UserPublic(
        username=user.username,
        role=user.role,
        org=user.org,
        disabled=user.disabled,
        created_at=user.created_at,
    )


@router.get(
    "", response_model=list[UserPublic], responses=responses(403), openapi_extra=REQUIRED_AUTH
)
def list_users(store: StoreDep, who: CallerDep) -> list[UserPublic]:
    authorize(who, Action.USERS_MANAGE)
    return [_public(u) for u in accounts.list_users(store)]


@router.post(
    "",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 409),
    openapi_extra=REQUIRED_AUTH,
)
def add_user(store: StoreDep, who: CallerDep, body: UserCreate) -> UserPublic:
    authorize(who, Action.USERS_MANAGE)
    return _public(
        accounts.add_user(
            store, username=body.username, password=body.password, role=body.role, org=body.org
        )
    )


@router.post(
    "/{username}/disable",
    response_model=UserPublic,
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def disable(
    store: StoreDep, who: CallerDep, username: Annotated[str, Path(max_length=100)]
) -> UserPublic:
    authorize(who, Action.USERS_MANAGE)
    return _public(accounts.set_disabled(store, username))
