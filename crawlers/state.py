"""Crawl bookkeeping in the store's database: runs with their reports, and per-page state.

Page state is written only after the page's items are committed (see ``PageDone``), so it
doubles as the resume log of a killed crawl: finished pages are skipped, the rest re-fetched,
and the store's id-keyed upserts make any overlap harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from core.models.crawls import CrawlPageRow, CrawlRunRow
from crawlers.items import PageDone


@dataclass(frozen=True)
class PageState:
    fingerprint: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    fetched_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


class CrawlState:
    """Runs and page state of crawls, on the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start_run(
        self, source: str, kind: str, start_urls: list[str], shared: bool = False
    ) -> tuple[int, bool]:
        """Open a run; returns (run id, whether it resumes an unfinished crawl).

        A run still marked ``running`` was killed (no process marks it otherwise): it becomes
        ``interrupted``. The new run resumes when the source's latest run was interrupted.
        ``shared``: a distributed worker, whose peers' runs are legitimately running.
        """
        with Session(self.engine) as session, session.begin():
            if not shared:
                session.execute(
                    update(CrawlRunRow)
                    .where(CrawlRunRow.source == source, CrawlRunRow.status == "running")
                    .values(status="interrupted")
                )
            latest = session.scalar(
                select(CrawlRunRow.status)
                .where(CrawlRunRow.source == source)
                .order_by(CrawlRunRow.id.desc())
                .limit(1)
            )
            row = CrawlRunRow(
                source=source,
                status="running",
                start_urls=start_urls,
                kind=kind,
                started_at=_now(),
                pages_fetched=0,
                items_new=0,
                items_updated=0,
                items_unchanged=0,
                failures=0,
                report={},
            )
            session.add(row)
            session.flush()
            return row.id, latest == "interrupted"

    def finish_run(self, run_id: int, report: dict[str, Any], status: str) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(CrawlRunRow, run_id)
            if row is None:
                return
            row.status = status
            row.finished_at = _now()
            row.pages_fetched = int(report.get("pages_fetched", 0))
            row.items_new = int(report.get("items_new", 0))
            row.items_updated = int(report.get("items_updated", 0))
            row.items_unchanged = int(report.get("items_unchanged", 0))
            row.failures = int(report.get("failure_count", 0))
            row.report = report

    def pages(self, source: str) -> dict[str, PageState]:
        with Session(self.engine) as session:
            rows = session.scalars(select(CrawlPageRow).where(CrawlPageRow.source == source))
            return {
                r.url: PageState(
                    r.fingerprint, r.etag, r.last_modified, r.content_hash, r.fetched_at
                )
                for r in rows
            }

    def save_pages(self, source: str, pages: Iterable[PageDone], run_id: int | None) -> None:
        batch = {page.url: page for page in pages}
        if not batch:
            return
        now = _now()
        with Session(self.engine) as session, session.begin():
            existing = {
                row.url: row
                for row in session.scalars(
                    select(CrawlPageRow).where(
                        CrawlPageRow.source == source, CrawlPageRow.url.in_(list(batch))
                    )
                )
            }
            for url, page in batch.items():
                row = existing.get(url)
                if row is None:
                    row = CrawlPageRow(source=source, url=url)
                    session.add(row)
                row.role = page.role
                row.fingerprint = page.fingerprint
                row.etag = page.etag
                row.last_modified = page.last_modified
                row.content_hash = page.content_hash
                row.items = page.items
                row.fetched_at = now
                row.run_id = run_id

    def runs(self, source: str | None = None, limit: int = 20) -> list[CrawlRunRow]:
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(CrawlRunRow).order_by(CrawlRunRow.id.desc()).limit(limit)
            if source:
                query = query.where(CrawlRunRow.source == source)
            return list(session.scalars(query))

    def run(self, run_id: int) -> CrawlRunRow | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(CrawlRunRow, run_id)

    def last_runs(self) -> dict[str, CrawlRunRow]:
        """The latest run of every source."""
        latest: dict[str, CrawlRunRow] = {}
        with Session(self.engine, expire_on_commit=False) as session:
            for row in session.scalars(select(CrawlRunRow).order_by(CrawlRunRow.id)):
                latest[row.source] = row
        return latest
