"""``/records``: read the lists as the store holds them (current versions, history, sources)."""

from __future__ import annotations

from itertools import islice
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from api.deps import StoreDep
from core.records import RecordKind, StoredRecord
from core.store import RecordNotFound

router = APIRouter(prefix="/records", tags=["records"])


class RecordsPublic(BaseModel):
    data: list[StoredRecord]
    count: int


class SourcePublic(BaseModel):
    source_url: str | None
    attachment_url: str | None
    raw: dict[str, Any]


@router.get("", response_model=RecordsPublic)
def list_records(
    store: StoreDep,
    kind: RecordKind | None = None,
    skip: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> RecordsPublic:
    """Current records ordered by id; ``count`` is the total for the kind."""
    page = list(islice(store.iter_records(kind=kind), skip, skip + limit))
    return RecordsPublic(data=page, count=store.count(kind))


@router.get("/{record_id}", response_model=StoredRecord)
def read_record(store: StoreDep, record_id: str) -> StoredRecord:
    try:
        return store.get(record_id)
    except RecordNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get("/{record_id}/history", response_model=list[StoredRecord])
def read_history(store: StoreDep, record_id: str) -> list[StoredRecord]:
    """Every version, oldest first; the last is current."""
    try:
        return store.history(record_id)
    except RecordNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get("/{record_id}/sources", response_model=list[SourcePublic])
def read_sources(store: StoreDep, record_id: str) -> list[SourcePublic]:
    try:
        return [SourcePublic(**s) for s in store.sources(record_id)]
    except RecordNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
