"""``/auth/token``: exchange a username and password for a bearer token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel

from api.deps import CallerDep, StoreDep
from api.errors import REQUIRED_AUTH, responses
from api.services import accounts
from api.services.errors import Unauthenticated
from api.services.policy import Role

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class MePublic(BaseModel):
    username: str
    role: Role
    org: str | None


@router.post("/token", response_model=TokenPublic, responses=responses(429))
def token(
    request: Request,
    store: StoreDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
) -> TokenPublic:
    """OAuth2 password form; 5 failed attempts per user or client in 5 minutes → 429."""
    client = request.client.host if request.client else ""
    user = accounts.authenticate(store, username, password, client)
    value, expires = accounts.issue_token(store, user)
    return TokenPublic(access_token=value, expires_at=expires)


@router.get("/me", response_model=MePublic, responses=responses(), openapi_extra=REQUIRED_AUTH)
def me(who: CallerDep) -> MePublic:
    if who is None:
        raise Unauthenticated("no bearer token given")
    return MePublic(username=who.username, role=who.role, org=who.org)
