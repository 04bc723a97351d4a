"""``/api/v1``: one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes.v1 import (
    auth,
    crawls,
    interests,
    loop,
    matches,
    rankings,
    records,
    reviews,
    subscriptions,
    users,
)

router = APIRouter(prefix="/api/v1")
for module in (
    auth,
    users,
    records,
    matches,
    subscriptions,
    rankings,
    reviews,
    crawls,
    interests,
    loop,
):
    router.include_router(module.router)
