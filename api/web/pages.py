"""The pages: 场景机会, 企业能力, 开源贡献评审, 管理. Routes only parse and render; all
work is the service layer's, with the signed-in user's rights (session cookie)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from api.deps import SESSION_COOKIE, PageCallerDep, ReaderDep, StoreDep, get_store
from api.services import accounts
from api.services import crawls as crawl_service
from api.services import matching as match_service
from api.services import rankings as ranking_service
from api.services import records as record_service
from api.services import subscriptions as subscription_service
from api.services.errors import Forbidden, InvalidInput, ServiceError, Unauthenticated
from api.services.filters import MAX_QUERY_CHARS, RecordFilter
from api.services.policy import Action, Principal, Role, authorize
from api.web.loop_pages import publisher_context, scene_context, supplier_context
from api.web.rendering import https, render
from api.web.security import check_csrf
from core.jobs import JobLedger
from core.models import RecordRow
from core.records import RecordKind
from core.settings import get_settings

router = APIRouter(include_in_schema=False)

Text = Annotated[str | None, Query(max_length=MAX_QUERY_CHARS)]
Label = Annotated[str | None, Query(max_length=200)]


# -- 场景机会 -----------------------------------------------------------------------------


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/scenes", status_code=303)


def _filter(district: str | None, domain: str | None, open_only: bool) -> RecordFilter:
    return RecordFilter(
        districts=[district] if district else [],
        domains=[domain] if domain else [],
        open_only=open_only,
    )


@router.get("/scenes")
def scenes(
    request: Request,
    store: StoreDep,
    reader: ReaderDep,
    who: PageCallerDep,
    q: Text = None,
    district: Label = None,
    domain: Label = None,
    open_only: bool = False,
    after: Label = None,
) -> Response:
    filters = _filter(district, domain, open_only)
    page = record_service.list_records(
        store,
        reader,
        kind=RecordKind.SCENE,
        who=who,
        filters=filters,
        q=q.strip() or None if q else None,
        after=after if not q else None,
        limit=20,
    )
    return render(
        request,
        "scenes.html",
        who,
        page=page,
        q=q or "",
        district=district or "",
        domain=domain or "",
        open_only=open_only,
    )


def _with_records(store: Any, matches: list[Any], who: Principal | None) -> list[tuple[Any, Any]]:
    ids = [m.id for m in matches]
    found = {r.id: r for r in record_service._fetch_visible(store, ids, who)}
    return [(m, found.get(m.id)) for m in matches]


@router.get("/scenes/{record_id}")
def scene_page(
    request: Request, store: StoreDep, reader: ReaderDep, who: PageCallerDep, record_id: str
) -> Response:
    record = record_service.get_record(store, record_id, kind=RecordKind.SCENE, who=who)
    matches = match_service.match_record(
        reader.matcher, record_id, expect=RecordKind.SCENE, who=who, top_k=10
    )
    return render(
        request,
        "scene.html",
        who,
        record=record,
        matches=_with_records(store, matches, who),
        **scene_context(store, record_id, who),
    )


@router.get("/capabilities/{record_id}")
def capability_page(
    request: Request, store: StoreDep, reader: ReaderDep, who: PageCallerDep, record_id: str
) -> Response:
    record = record_service.get_record(store, record_id, kind=RecordKind.CAPABILITY, who=who)
    matches = match_service.match_record(
        reader.matcher,
        record_id,
        expect=RecordKind.CAPABILITY,
        who=who,
        top_k=10,
        filters=RecordFilter(open_only=True),
    )
    return render(
        request,
        "capability.html",
        who,
        record=record,
        matches=_with_records(store, matches, who),
    )


# -- 企业能力: a signed-in organisation's page ------------------------------------------


def _org_ids(store: Any, org: str, kind: RecordKind) -> list[str]:
    with store.session() as session:
        return list(
            session.scalars(
                select(RecordRow.id)
                .where(RecordRow.org == org, RecordRow.kind == kind.value)
                .order_by(RecordRow.id)
                .limit(50)
            )
        )


@router.get("/me")
def my_page(request: Request, store: StoreDep, reader: ReaderDep, who: PageCallerDep) -> Response:
    if who is None:
        raise Unauthenticated("sign in")
    if who.role is Role.SUPPLIER and who.org:
        own = record_service._fetch_visible(
            store, _org_ids(store, who.org, RecordKind.CAPABILITY), who
        )
        best: dict[str, tuple[Any, Any, str]] = {}
        for capability in own:
            for match, scene in _with_records(
                store,
                match_service.match_record(
                    reader.matcher,
                    capability.id,
                    who=who,
                    top_k=10,
                    filters=RecordFilter(open_only=True),
                ),
                who,
            ):
                if scene is not None and (
                    match.id not in best or best[match.id][0].score < match.score
                ):
                    best[match.id] = (match, scene, capability.title)
        opportunities = sorted(
            best.values(), key=lambda t: (t[1].deadline or date.max, -t[0].score)
        )
        subs = subscription_service.list_subscriptions(reader.matcher, who=who)
        return render(
            request,
            "supplier.html",
            who,
            capabilities=own,
            opportunities=opportunities,
            subscriptions=subs,
            **supplier_context(store, who),
        )
    if who.role is Role.PUBLISHER and who.org:
        own = record_service._fetch_visible(store, _org_ids(store, who.org, RecordKind.SCENE), who)
        return render(
            request,
            "publisher.html",
            who,
            scenes=own,
            **publisher_context(store, [r.id for r in own]),
        )
    if who.role is Role.COMMITTEE:
        return RedirectResponse("/review/models", status_code=303)
    return RedirectResponse("/admin", status_code=303)


# -- 开源贡献评审 ---------------------------------------------------------------------------

#: the ranking components' names on the page, one per registered component (a test checks)
COMPONENT_NAMES = {
    "downloads": "月均下载",
    "consistency": "持续领先",
    "derivative_influence": "衍生影响",
    "community": "社区(OpenRank)",
    "performance": "评测榜单",
}


@router.get("/review/{category}")
def review(
    request: Request,
    store: StoreDep,
    who: PageCallerDep,
    category: str,
    as_of: date | None = None,
) -> Response:
    authorize(who, Action.EVIDENCE_READ)
    categories = ranking_service.categories()
    try:
        run = ranking_service.ranking(store, category, as_of)
    except ServiceError as exc:
        if exc.status_code != 404 or category not in categories:
            raise
        return render(
            request,
            "review.html",
            who,
            categories=categories,
            category=category,
            run=None,
            series={},
            error=exc,
        )
    series = ranking_service.monthly_downloads(store, category, run.as_of)
    reviews = ranking_service.reviews_by_enterprise(store, who=who)
    rows = sorted(
        (r for r in run.results), key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["score"])
    )
    return render(
        request,
        "review.html",
        who,
        categories=categories,
        category=category,
        run=run,
        rows=rows,
        series=series,
        component_names=COMPONENT_NAMES,
        reviews=reviews,
        kinds=ranking_service.KINDS,
        recorded=request.query_params.get("recorded") == "1",
        error=None,
    )


@router.post("/review/{category}/decisions")
def record_decision(
    request: Request,
    store: StoreDep,
    who: PageCallerDep,
    category: Annotated[str, PathParam(max_length=50)],
    enterprise: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=20)] = "decision",
    decision: Annotated[str, Form(max_length=ranking_service.MAX_REVIEW_CHARS)] = "",
    comment: Annotated[str, Form(max_length=ranking_service.MAX_REVIEW_CHARS)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The review form: records one decision (the reviewer is the signed-in member)."""
    check_csrf(request, csrf)
    ranking_service.add_review(
        store,
        who=who,
        enterprise=enterprise,
        kind=kind,
        decision=decision,
        reason=comment,
        category=category,
    )
    return RedirectResponse(f"/review/{quote(category)}?recorded=1#ranking", status_code=303)


# -- 管理 -----------------------------------------------------------------------------------


@router.get("/admin")
def admin(request: Request, store: StoreDep, who: PageCallerDep) -> Response:
    authorize(who, Action.CRAWL_START)
    return render(
        request,
        "admin.html",
        who,
        sources=crawl_service.list_sources(store),
        runs=crawl_service.list_runs(store, None, 30),
        users=accounts.list_users(store),
        job_runs=JobLedger(store.engine).history(limit=50),
    )


@router.get("/admin/crawls/{run_id}")
def crawl_report(request: Request, store: StoreDep, who: PageCallerDep, run_id: int) -> Response:
    authorize(who, Action.CRAWL_START)
    return render(request, "crawl.html", who, run=crawl_service.get_run(store, run_id))


@router.post("/admin/crawls")
def start_crawl(
    request: Request,
    who: PageCallerDep,
    source: Annotated[str, Form(max_length=100)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(request, csrf)
    crawl_service.start_crawl(source, who=who)
    return RedirectResponse("/admin?started=" + source, status_code=303)


# -- signing in -------------------------------------------------------------------------------


def _safe_next(value: str | None) -> str:
    """Only local paths: ``//evil.example`` and ``https://…`` go home instead."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/me"


@router.get("/login")
def login_form(
    request: Request, who: PageCallerDep, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    return render(request, "login.html", who, next=_safe_next(next), failed=None)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/me",
) -> Response:
    check_csrf(request, csrf)
    client = request.client.host if request.client else ""
    try:
        user = accounts.authenticate(get_store(), username, password, client)
    except (Unauthenticated, ServiceError) as exc:
        return render(
            request, "login.html", None, exc.status_code, next=_safe_next(next), failed=exc
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        accounts.session_cookie(get_settings().secret_key.get_secret_value(), user),
        max_age=accounts.SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=https(request),
    )
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(request, csrf)
    response = RedirectResponse("/scenes", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


__all__ = ["Forbidden", "InvalidInput", "router"]
