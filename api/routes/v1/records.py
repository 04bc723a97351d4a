"""``/scenes`` and ``/capabilities``: list (filters, text search, keyset pages), get, history,
create, update and archive. The same router twice, one per record kind."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.deps import CallerDep, FilterDep, ReaderDep, StoreDep
from api.errors import OPTIONAL_AUTH, REQUIRED_AUTH, responses
from api.services import records as service
from api.services.filters import MAX_QUERY_CHARS
from api.services.models import RecordCreate, RecordPublic, RecordsPage, RecordUpdate
from core.records import RecordKind, StoredRecord

RecordId = Annotated[
    str, Path(max_length=200, description="The record id.", examples=["HZ-2025-S002"])
]


def make_router(kind: RecordKind, prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[prefix.strip("/")])
    label = kind.value

    @router.get(
        "", response_model=RecordsPage, responses=responses(503), openapi_extra=OPTIONAL_AUTH
    )
    def list_records(
        store: StoreDep,
        reader: ReaderDep,
        who: CallerDep,
        filters: FilterDep,
        q: Annotated[
            str | None,
            Query(
                max_length=MAX_QUERY_CHARS,
                description="Text search (ranked by relevance, one page).",
                examples=["无人机巡检"],
            ),
        ] = None,
        after: Annotated[
            str | None, Query(max_length=200, description="`next_after` of the previous page.")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = 20,
    ) -> RecordsPage:
        """Current records ordered by id (keyset pages), or the best matches for `q`.
        Filters with values no record has are a 422 naming the known values."""
        return service.list_records(
            store, reader, kind=kind, who=who, filters=filters, q=q, after=after, limit=limit
        )

    @router.post(
        "",
        response_model=RecordPublic,
        status_code=status.HTTP_201_CREATED,
        responses=responses(403, 409),
        openapi_extra=REQUIRED_AUTH,
    )
    def create(store: StoreDep, who: CallerDep, body: RecordCreate) -> RecordPublic:
        """Create a record owned by your organisation (publishers: scenes; suppliers:
        capabilities). It reaches matching once the index refresher has run."""
        return service.create_record(store, kind=kind, body=body, who=who)

    @router.get(
        "/{record_id}",
        response_model=RecordPublic,
        responses=responses(404),
        openapi_extra=OPTIONAL_AUTH,
    )
    def read(store: StoreDep, who: CallerDep, record_id: RecordId) -> RecordPublic:
        return service.get_record(store, record_id, kind=kind, who=who)

    @router.get(
        "/{record_id}/versions",
        response_model=list[StoredRecord],
        responses=responses(404),
        openapi_extra=OPTIONAL_AUTH,
    )
    def versions(store: StoreDep, who: CallerDep, record_id: RecordId) -> list[StoredRecord]:
        """Every version, oldest first; the last is current."""
        return service.record_history(store, record_id, kind=kind, who=who)

    @router.patch(
        "/{record_id}",
        response_model=RecordPublic,
        responses=responses(403, 404, 409),
        openapi_extra=REQUIRED_AUTH,
    )
    def update(
        store: StoreDep, who: CallerDep, record_id: RecordId, body: RecordUpdate
    ) -> RecordPublic:
        """Change fields: a new version when the content changes, the old one kept."""
        return service.update_record(store, record_id, kind=kind, body=body, who=who)

    @router.post(
        "/{record_id}/archive",
        response_model=RecordPublic,
        responses=responses(403, 404),
        openapi_extra=REQUIRED_AUTH,
    )
    def archive(store: StoreDep, who: CallerDep, record_id: RecordId) -> RecordPublic:
        """Withdraw from view; never deleted, every version kept."""
        return service.archive_record(store, record_id, kind=kind, who=who)

    list_records.__doc__ = (list_records.__doc__ or "") + f" ({label}s)"
    return router


router = APIRouter()
router.include_router(make_router(RecordKind.SCENE, "/scenes"))
router.include_router(make_router(RecordKind.CAPABILITY, "/capabilities"))
