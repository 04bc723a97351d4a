"""``/api/v1``: one router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes.v1 import (
    auth,
    crawls,
    matches,
    rankings,
    records,
    reviews,
    subscriptions,
    users,
)

router = APIRouter(prefix="/api/v1")
for module in (auth, users, records, matches, subscriptions, rankings, reviews, crawls):
    router.include_router(module.router)
