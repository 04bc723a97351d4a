"""``/loop``: the city's figures on its lists (admins). Figures only, never proposals."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import CallerDep, ReaderDep, StoreDep
from api.errors import REQUIRED_AUTH, responses
from api.services import loop_figures as figures
from api.services.loop_figures import GroupBy

router = APIRouter(prefix="/loop", tags=["loop"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Threshold = Annotated[float, Query(ge=0.0, le=1.0, description="Minimum match score, 0-1.")]
By = Annotated[GroupBy, Query(description="Group by batch, domain or district.")]


class FunnelRowPublic(BaseModel):
    group: str
    published: int
    answered: int
    shortlisted: int
    contracted: int
    delivered: int
    days_to_answer: float | None
    days_to_shortlist: float | None
    days_to_contract: float | None
    days_to_deliver: float | None


class SupplyRowPublic(BaseModel):
    group: str
    open_needs: int
    needs_with_supply: int
    needs_answered: int
    matching_firms: int
    answering_firms: int


class SilentFirmPublic(BaseModel):
    firm_org: str
    strong_matches: int
    best_scene: str
    best_score: float


class SupplyDemandPublic(BaseModel):
    by: GroupBy
    threshold: float
    rows: list[SupplyRowPublic]
    silent_firms: list[SilentFirmPublic]
    scenes_considered: int
    scenes_left_out: int


class StrongFirm(BaseModel):
    firm_org: str
    score: float


class UnansweredPublic(BaseModel):
    scene_id: str
    title: str
    published: date
    days_waiting: int
    deadline: date | None
    strong_firms: list[StrongFirm]


class UnansweredPage(BaseModel):
    data: list[UnansweredPublic]
    left_out: int


@router.get(
    "/funnel",
    response_model=list[FunnelRowPublic],
    responses=responses(403),
    openapi_extra=REQUIRED_AUTH,
)
def funnel(store: StoreDep, who: CallerDep, by: By = GroupBy.DOMAIN) -> list[FunnelRowPublic]:
    """published → answered → shortlisted → contracted → delivered, with median days."""
    return [FunnelRowPublic(**vars(r)) for r in figures.funnel(store, by, who=who)]


def _supply(reader: ReaderDep, who: CallerDep, by: GroupBy, threshold: float) -> SupplyDemandPublic:
    found = figures.supply_demand(reader.matcher, by, threshold=threshold, who=who)
    return SupplyDemandPublic(
        by=found.by,
        threshold=found.threshold,
        rows=[SupplyRowPublic(**vars(r)) for r in found.rows],
        silent_firms=[SilentFirmPublic(**vars(f)) for f in found.silent_firms],
        scenes_considered=found.scenes_considered,
        scenes_left_out=found.scenes_left_out,
    )


@router.get(
    "/supply",
    response_model=SupplyDemandPublic,
    responses=responses(403, 503),
    openapi_extra=REQUIRED_AUTH,
)
def supply(
    reader: ReaderDep, who: CallerDep, by: By = GroupBy.DOMAIN, threshold: Threshold = 0.5
) -> SupplyDemandPublic:
    """Open needs against firms matching them above the threshold, and firms that answer
    nothing."""
    return _supply(reader, who, by, threshold)


@router.get(
    "/unanswered",
    response_model=UnansweredPage,
    responses=responses(403, 503),
    openapi_extra=REQUIRED_AUTH,
)
def unanswered(
    reader: ReaderDep,
    who: CallerDep,
    days: Annotated[int, Query(ge=0, le=3650)] = 14,
    threshold: Threshold = 0.5,
) -> UnansweredPage:
    """Open needs with no interest at least ``days`` after publication, with strong firms."""
    found, left_out = figures.unanswered(reader.matcher, days=days, threshold=threshold, who=who)
    return UnansweredPage(
        data=[
            UnansweredPublic(
                scene_id=n.scene_id,
                title=n.title,
                published=n.published,
                days_waiting=n.days_waiting,
                deadline=n.deadline,
                strong_firms=[StrongFirm(firm_org=f, score=s) for f, s in n.strong_firms],
            )
            for n in found
        ],
        left_out=left_out,
    )


class Table(StrEnum):
    FUNNEL = "funnel"
    SUPPLY = "supply"


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@router.get(
    "/export",
    responses={
        **responses(403, 503),
        200: {
            "description": "The table as a file.",
            "content": {"text/csv": {}, XLSX: {}},
        },
    },
    response_class=Response,
    openapi_extra=REQUIRED_AUTH,
)
def export(
    store: StoreDep,
    reader: ReaderDep,
    who: CallerDep,
    table: Table = Table.FUNNEL,
    by: By = GroupBy.DOMAIN,
    format: Format = Format.CSV,
    threshold: Threshold = 0.5,
) -> Response:
    """The funnel or the supply table as CSV or XLSX."""
    if table is Table.FUNNEL:
        header, rows = figures.table(figures.funnel(store, by, who=who))
    else:
        header, rows = figures.table(
            figures.supply_demand(reader.matcher, by, threshold=threshold, who=who).rows
        )
    name = f"scenehub-{table.value}-{by.value}"
    if format is Format.CSV:
        return Response(
            figures.to_csv(header, rows).encode("utf-8-sig"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        figures.to_xlsx(header, rows, table.value),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )
