"""Pages of the matchmaking loop: 我要对接 on a scene, a publisher's applicants, the city's
对接成效 figures. Routes parse forms and render; the service decides and refuses."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.deps import PageCallerDep, ReaderDep, StoreDep
from api.services import loop, loop_board
from api.services import loop_figures as figures
from api.services.errors import InvalidInput
from api.services.loop import InterestState, Proposal
from api.services.loop_figures import GroupBy
from api.services.policy import Action, Principal, authorize
from api.web.rendering import render
from api.web.security import check_csrf
from core.store import RecordStore

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=500)]
Long = Annotated[str, Form(max_length=4000)]
Csrf = Annotated[str, Form(max_length=200)]

STATE_NAMES = {
    "submitted": "已提交",
    "shortlisted": "已入围",
    "contacted": "已联系",
    "negotiating": "洽谈中",
    "contracted": "已签约",
    "delivered": "已落地",
    "declined": "未入选",
    "closed": "未成交",
    "withdrawn": "已撤回",
}
SCENE_NAMES = {
    "open": "征集中",
    "in_talks": "洽谈中",
    "contracted": "已签约",
    "delivered": "已落地",
    "closed": "已关闭",
}


def scene_context(store: RecordStore, scene_id: str, who: Principal | None) -> dict[str, Any]:
    """What the scene page shows of the loop: the caller's own interest, or the way to
    the applicants for its publisher. Never another firm's proposal."""
    scene = loop.scene_info(store, scene_id)
    status = scene.status
    before_deadline = scene.deadline is None or date.today() <= scene.deadline
    return {
        "loop_status": status.value,
        "loop_names": STATE_NAMES,
        "scene_names": SCENE_NAMES,
        "my_interest": loop.my_interest_in(store, scene_id, who=who),
        "may_answer": who is not None
        and who.role.value == "supplier"
        and status in loop.ANSWERABLE
        and before_deadline,
        "may_decide": loop.may_decide(store, scene_id, who),
    }


def _proposal(
    approach: str, cases: str, expected_days: str, cost_min: str, cost_max: str, contact: str
) -> Proposal:
    days = expected_days.strip()
    if days and not days.isdigit():
        raise InvalidInput("预计周期 is a number of days", field="expected_days")
    try:
        return Proposal(
            approach=approach,
            cases=cases or None,
            expected_days=int(days) if days else None,
            cost_min=cost_min or None,
            cost_max=cost_max or None,
            contact=contact,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidInput(f"{where}: {first.get('msg', '')}".strip(": ")) from exc


@router.post("/scenes/{scene_id}/interest")
def answer(
    request: Request,
    store: StoreDep,
    who: PageCallerDep,
    scene_id: str,
    approach: Long,
    contact: Short,
    cases: Long = "",
    expected_days: Annotated[str, Form(max_length=10)] = "",
    cost_min: Annotated[str, Form(max_length=40)] = "",
    cost_max: Annotated[str, Form(max_length=40)] = "",
    csrf: Csrf = "",
) -> Response:
    """我要对接, or an edit of the firm's active interest."""
    check_csrf(request, csrf)
    proposal = _proposal(approach, cases, expected_days, cost_min, cost_max, contact)
    mine = loop.my_interest_in(store, scene_id, who=who)
    if mine is not None and mine.state in loop.ACTIVE:
        loop.edit_interest(store, mine.id, proposal, who=who)
    else:
        loop.express_interest(store, scene_id, proposal, who=who)
    return RedirectResponse(f"/scenes/{scene_id}#interest", status_code=303)


@router.post("/interests/{interest_id}/withdraw")
def withdraw(
    request: Request, store: StoreDep, who: PageCallerDep, interest_id: int, csrf: Csrf = ""
) -> Response:
    check_csrf(request, csrf)
    found = loop.withdraw_interest(store, interest_id, who=who)
    return RedirectResponse(f"/scenes/{found.scene_id}#interest", status_code=303)


@router.get("/scenes/{scene_id}/applicants")
def applicants(request: Request, reader: ReaderDep, who: PageCallerDep, scene_id: str) -> Response:
    board = loop_board.scene_board(reader.matcher, scene_id, who=who)
    return render(
        request,
        "loop_applicants.html",
        who,
        board=board,
        names=STATE_NAMES,
        scene_names=SCENE_NAMES,
        moves={s.value: sorted(m.value for m in t) for s, t in loop.PUBLISHER_MOVES.items()},
    )


@router.post("/interests/{interest_id}/decision")
def decision(
    request: Request,
    store: StoreDep,
    who: PageCallerDep,
    interest_id: int,
    state: Annotated[InterestState, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
    csrf: Csrf = "",
) -> Response:
    check_csrf(request, csrf)
    found = loop.decide(store, interest_id, state, who=who, note=note or None)
    return RedirectResponse(f"/scenes/{found.scene_id}/applicants", status_code=303)


@router.post("/scenes/{scene_id}/invite")
def invite(
    request: Request,
    reader: ReaderDep,
    who: PageCallerDep,
    scene_id: str,
    capability_id: Annotated[str, Form(max_length=200)],
    csrf: Csrf = "",
) -> Response:
    check_csrf(request, csrf)
    loop_board.invite(reader.matcher, scene_id, capability_id, who=who)
    return RedirectResponse(f"/scenes/{scene_id}/applicants", status_code=303)


@router.post("/scenes/{scene_id}/close")
def close(
    request: Request,
    store: StoreDep,
    who: PageCallerDep,
    scene_id: str,
    note: Annotated[str, Form(max_length=2000)] = "",
    csrf: Csrf = "",
) -> Response:
    check_csrf(request, csrf)
    loop.close_scene(store, scene_id, who=who, note=note or None)
    return RedirectResponse(f"/scenes/{scene_id}/applicants", status_code=303)


def supplier_context(store: RecordStore, who: Principal) -> dict[str, Any]:
    return {
        "interests": loop.my_interests(store, who=who),
        "invitations": loop_board.my_invitations(store, who=who),
        "loop_names": STATE_NAMES,
        "scene_names": SCENE_NAMES,
        "today": date.today(),
    }


def publisher_context(store: RecordStore, scene_ids: list[str]) -> dict[str, Any]:
    return {
        "scene_states": {i: loop.scene_status(store, i).value for i in scene_ids},
        "scene_names": SCENE_NAMES,
    }


@router.get("/admin/loop")
def city(
    request: Request,
    store: StoreDep,
    reader: ReaderDep,
    who: PageCallerDep,
    by: GroupBy = GroupBy.DOMAIN,
    days: Annotated[int, Query(ge=0, le=3650)] = 14,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = 0.5,
) -> Response:
    authorize(who, Action.LOOP_FIGURES)
    funnel = figures.funnel(store, by, who=who)
    supply = figures.supply_demand(reader.matcher, by, threshold=threshold, who=who)
    waiting, left_out = figures.unanswered(reader.matcher, days=days, threshold=threshold, who=who)
    chart = {
        "funnel": [
            {
                "group": r.group,
                "steps": [r.published, r.answered, r.shortlisted, r.contracted, r.delivered],
            }
            for r in funnel
        ],
        "supply": [
            {
                "group": r.group,
                "open": r.open_needs,
                "supplied": r.needs_with_supply,
                "answered": r.needs_answered,
            }
            for r in supply.rows
        ],
    }
    return render(
        request,
        "loop_city.html",
        who,
        funnel=funnel,
        supply=supply,
        waiting=waiting,
        left_out=left_out,
        by=by.value,
        days=days,
        threshold=threshold,
        chart=chart,
    )


@router.get("/admin/loop/export")
def city_export(
    request: Request,
    store: StoreDep,
    reader: ReaderDep,
    who: PageCallerDep,
    table: Annotated[str, Query(pattern="^(funnel|supply)$")] = "funnel",
    by: GroupBy = GroupBy.DOMAIN,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = 0.5,
) -> Response:
    authorize(who, Action.LOOP_FIGURES)
    if table == "funnel":
        header, rows = figures.table(figures.funnel(store, by, who=who))
    else:
        header, rows = figures.table(
            figures.supply_demand(reader.matcher, by, threshold=threshold, who=who).rows
        )
    name = f"scenehub-{table}-{by.value}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        return Response(
            figures.to_csv(header, rows).encode("utf-8-sig"),
            media_type="text/csv; charset=utf-8",
            headers=disposition,
        )
    return Response(
        figures.to_xlsx(header, rows, table),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=disposition,
    )
