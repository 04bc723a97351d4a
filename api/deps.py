"""Shared handles for the CLI and the web app, and the API's dependency aliases.

The store and the index reader are built once per process; the caller comes from a
bearer token (API) or a signed session cookie (pages), never both in one request.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Query, Request

from api.services.accounts import get_user, session_user_id, user_for_token
from api.services.errors import Unauthenticated
from api.services.filters import RecordFilter
from api.services.index import IndexReader, load_embedder
from api.services.policy import Principal
from api.services.stores import get_store
from core.settings import get_settings
from core.store import RecordStore


@lru_cache(maxsize=1)
def get_reader() -> IndexReader:
    """The index this process serves (loaded on first use, refreshed in the background)."""
    settings = get_settings()
    return IndexReader(get_store(), settings.home, load_embedder(settings.embedder))


SESSION_COOKIE = "scenehub_session"
#: amounts as the API takes them: digits, an optional decimal part and unit
MONEY = r"^[0-9]{1,12}(\.[0-9]{1,4})?(元|万|万元|亿|亿元)?$"


def api_caller(request: Request) -> Principal | None:
    """The API's caller: a bearer token's user, or None when no Authorization is sent.
    A malformed or unknown one is a 401, never a silent fall-back to anonymous."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("use `Authorization: Bearer <token>`")
    return user_for_token(get_store(), token.strip()).principal()


def page_caller(request: Request) -> Principal | None:
    """The pages' caller: the user of a valid session cookie, or None."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    user_id = session_user_id(get_settings().secret_key.get_secret_value(), cookie)
    user = get_user(get_store(), user_id) if user_id is not None else None
    return user.principal() if user else None


def record_filter(
    domain: Annotated[
        list[str] | None, Query(description="Keep these domains (repeatable).")
    ] = None,
    district: Annotated[list[str] | None, Query(description="Keep these districts.")] = None,
    region: Annotated[list[str] | None, Query(description="Keep these cities/regions.")] = None,
    batch: Annotated[list[str] | None, Query(description="Keep these publication batches.")] = None,
    source: Annotated[
        list[str] | None, Query(description="Keep this list name or URL prefix.")
    ] = None,
    open_only: Annotated[
        bool, Query(description="Only records whose deadline has not passed.")
    ] = False,
    open_on: Annotated[
        date | None, Query(description="Deadline on or after this date.", examples=["2026-12-01"])
    ] = None,
    budget_min: Annotated[
        str | None,
        Query(max_length=20, pattern=MONEY, description="e.g. 500000 or 50万", examples=["50万"]),
    ] = None,
    budget_max: Annotated[
        str | None,
        Query(max_length=20, pattern=MONEY, description="e.g. 300万", examples=["300万"]),
    ] = None,
) -> RecordFilter:
    """The CLI's filter options as query parameters: the same RecordFilter."""
    from pydantic import ValidationError

    from api.services.errors import InvalidInput

    try:
        return RecordFilter(
            domains=domain or [],
            districts=district or [],
            regions=region or [],
            batches=batch or [],
            sources=source or [],
            open_only=open_only,
            open_on=open_on.isoformat() if open_on else None,
            budget_min=budget_min,
            budget_max=budget_max,
        )
    except ValidationError as exc:
        raise InvalidInput(str(exc.errors()[0]["msg"])) from exc


StoreDep = Annotated[RecordStore, Depends(get_store)]
ReaderDep = Annotated[IndexReader, Depends(get_reader)]
CallerDep = Annotated[Principal | None, Depends(api_caller)]
PageCallerDep = Annotated[Principal | None, Depends(page_caller)]
FilterDep = Annotated[RecordFilter, Depends(record_filter)]
