"""``/sources`` and ``/crawls``: crawl sources with their last run, runs and reports; admins
may start a crawl (a background child process; the request returns at once)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, Field

from api.deps import CallerDep, StoreDep
from api.errors import REQUIRED_AUTH, responses
from api.services import crawls as service

router = APIRouter(tags=["crawls"])


class RunPublic(BaseModel):
    id: int
    source: str
    status: str
    started_at: datetime
    pages_fetched: int | None
    items_new: int | None
    items_updated: int | None
    items_unchanged: int | None
    failures: int | None


class RunReportPublic(RunPublic):
    report: dict[str, Any]


class SourcePublic(BaseModel):
    name: str
    kind: str
    shape: str
    start_urls: list[str]
    obey_robots: bool
    last_run: RunPublic | None


class CrawlStart(BaseModel):
    source: str = Field(min_length=1, max_length=100, examples=["sample-portal"])


class CrawlStarted(BaseModel):
    source: str
    pid: int


@router.get("/sources", response_model=list[SourcePublic], responses=responses())
def list_sources(store: StoreDep) -> list[SourcePublic]:
    return [SourcePublic(**vars(s)) for s in service.list_sources(store)]


@router.get("/crawls", response_model=list[RunPublic], responses=responses())
def list_runs(
    store: StoreDep,
    source: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[RunPublic]:
    """Recent crawl runs, newest first."""
    return [RunPublic(**r) for r in service.list_runs(store, source, limit)]


@router.get("/crawls/{run_id}", response_model=RunReportPublic, responses=responses(404))
def read_run(store: StoreDep, run_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> RunReportPublic:
    """One crawl's report: counts, failures by reason with URLs, rejected rows."""
    return RunReportPublic(**service.get_run(store, run_id))


@router.post(
    "/crawls",
    response_model=CrawlStarted,
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def start_crawl(who: CallerDep, body: CrawlStart) -> CrawlStarted:
    """Admins: start `scenehub crawl --source NAME` in the background."""
    return CrawlStarted(source=body.source, pid=service.start_crawl(body.source, who=who))
