"""``/match``: suppliers for a scene, open scenes for a capability, records for free text.
Same results and JSON as ``scenehub match --json``; read-only (never syncs the index)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import CallerDep, FilterDep, ReaderDep
from api.errors import OPTIONAL_AUTH, responses
from api.services import matching as service
from api.services.filters import MAX_QUERY_CHARS
from api.services.matching import Match
from api.services.models import MatchPublic
from core.records import RecordKind

router = APIRouter(prefix="/match", tags=["match"])

TopK = Annotated[int, Query(ge=1, le=service.MAX_TOP_K)]
RecordId = Annotated[str, Path(max_length=200, examples=["HZ-2025-S002"])]
LegsQ = Annotated[service.Legs, Query(description="hybrid | bm25 | dense")]


def _out(matches: list[Match]) -> list[MatchPublic]:
    return [MatchPublic(**m.as_dict()) for m in matches]


@router.get(
    "/scene/{record_id}",
    response_model=list[MatchPublic],
    responses=responses(404, 503),
    openapi_extra=OPTIONAL_AUTH,
)
def suppliers_for_scene(
    reader: ReaderDep,
    who: CallerDep,
    filters: FilterDep,
    record_id: RecordId,
    top_k: TopK = 10,
    legs: LegsQ = service.Legs.HYBRID,
    collapse: bool = True,
) -> list[MatchPublic]:
    """Capabilities that fit this scene, each with its reasons (terms, per-leg ranks)."""
    return _out(
        service.match_record(
            reader.matcher,
            record_id,
            expect=RecordKind.SCENE,
            who=who,
            filters=filters,
            top_k=top_k,
            legs=legs,
            collapse=collapse,
        )
    )


@router.get(
    "/capability/{record_id}",
    response_model=list[MatchPublic],
    responses=responses(404, 503),
    openapi_extra=OPTIONAL_AUTH,
)
def scenes_for_capability(
    reader: ReaderDep,
    who: CallerDep,
    filters: FilterDep,
    record_id: RecordId,
    top_k: TopK = 10,
    legs: LegsQ = service.Legs.HYBRID,
    collapse: bool = True,
) -> list[MatchPublic]:
    """Scenes this capability fits (add `open_only=true` for open opportunities)."""
    return _out(
        service.match_record(
            reader.matcher,
            record_id,
            expect=RecordKind.CAPABILITY,
            who=who,
            filters=filters,
            top_k=top_k,
            legs=legs,
            collapse=collapse,
        )
    )


@router.get(
    "/text", response_model=list[MatchPublic], responses=responses(503), openapi_extra=OPTIONAL_AUTH
)
def match_text(
    reader: ReaderDep,
    who: CallerDep,
    filters: FilterDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_CHARS,
            description="Free text",
            examples=["无人机巡检"],
        ),
    ],
    against: RecordKind = RecordKind.CAPABILITY,
    top_k: TopK = 10,
    legs: LegsQ = service.Legs.HYBRID,
    collapse: bool = True,
) -> list[MatchPublic]:
    """Capabilities (or scenes, `against=scene`) for free text."""
    return _out(
        service.match_text(
            reader.matcher,
            q,
            against,
            who=who,
            filters=filters,
            top_k=top_k,
            legs=legs,
            collapse=collapse,
        )
    )
