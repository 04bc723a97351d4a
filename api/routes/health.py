"""``/health``: is the store reachable, is Redis, is there an index; how old are the index and
the last crawl. For load balancers (HTTP 503 when the store is down) and for people.

Cheap and read-only: one ``SELECT 1``, one Redis ``PING`` (short timeout), file times of the
index manifests, and one grouped query over crawl runs and job runs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from api.deps import StoreDep
from core.models.crawls import CrawlRunRow
from core.models.jobs import JobRunRow
from core.settings import get_settings

router = APIRouter(tags=["meta"])


def _age(when: datetime | None, now: datetime) -> float | None:
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return round((now - when).total_seconds(), 1)


def _check_store(store: Any) -> dict[str, Any]:
    try:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"ok": True, "backend": store.engine.dialect.name}
    except Exception as exc:  # any failure to reach it is the answer
        return {"ok": False, "backend": store.engine.dialect.name, "error": type(exc).__name__}


def _check_redis(url: str) -> dict[str, Any]:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
        return {"ok": True}
    except redis.RedisError as exc:
        return {"ok": False, "error": type(exc).__name__}
    finally:
        client.close()


def _check_index(home: Path, now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ("scene", "capability"):
        manifests = list((home / "index").glob(f"*/{kind}/manifest.json"))
        if not manifests:
            out[kind] = {"ok": False, "age_s": None}
            continue
        newest = max(p.stat().st_mtime for p in manifests)
        out[kind] = {"ok": True, "age_s": _age(datetime.fromtimestamp(newest, UTC), now)}
    return out


def _last_activity(store: Any, now: datetime) -> dict[str, Any]:
    with Session(store.engine) as session:
        latest_crawl = session.execute(
            select(CrawlRunRow.source, CrawlRunRow.status, CrawlRunRow.finished_at)
            .where(CrawlRunRow.finished_at.is_not(None))
            .order_by(CrawlRunRow.finished_at.desc())
            .limit(1)
        ).first()
        latest_job = session.scalar(select(func.max(JobRunRow.started_at)))
        failed_jobs = session.scalar(
            select(func.count()).select_from(JobRunRow).where(JobRunRow.status == "failed")
        )
    crawl = None
    if latest_crawl is not None:
        source, status, finished = latest_crawl
        crawl = {"source": source, "status": status, "age_s": _age(finished, now)}
    return {
        "last_crawl": crawl,
        "scheduler": {"last_job_age_s": _age(latest_job, now), "failed_runs": failed_jobs or 0},
    }


@router.get("/health")
def health(store: StoreDep) -> JSONResponse:
    """``status``: ok | degraded (Redis or an index missing) | down (store unreachable)."""
    settings = get_settings()
    now = datetime.now(UTC)
    body: dict[str, Any] = {"store": _check_store(store)}
    body["redis"] = _check_redis(settings.redis_url)
    body["index"] = _check_index(settings.home, now)
    if body["store"]["ok"]:
        try:
            body.update(_last_activity(store, now))
        except Exception as exc:  # an old schema: say so rather than fail the probe
            body["activity_error"] = type(exc).__name__
    if not body["store"]["ok"]:
        status, code = "down", 503
    elif not body["redis"]["ok"] or not all(v["ok"] for v in body["index"].values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JSONResponse({"status": status, **body}, status_code=code)
