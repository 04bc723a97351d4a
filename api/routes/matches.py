"""``/match``: suppliers for a scene, scenes for a supplier, or records for free text.

Same scorer and JSON shape as ``scenehub match --json``: ``[{"id", "rank", "score",
"explanation"}]``. One matcher per process, loaded on first use and kept in memory; a lock
serialises index syncs, since a request may update the index from the store.
"""

from __future__ import annotations

import threading
from datetime import date
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from api.deps import get_store
from core.records import RecordKind
from core.settings import get_settings
from matching.embedders import make_embedder
from matching.engine import Matcher
from matching.errors import MatchingError, UnknownRecord
from matching.facets import Filters

router = APIRouter(prefix="/match", tags=["match"])
_lock = threading.Lock()

TopK = Annotated[int, Query(ge=1, le=100)]
Domains = Annotated[list[str] | None, Query(description="Keep these domains (repeatable).")]
Districts = Annotated[list[str] | None, Query(description="Keep these districts (repeatable).")]
Regions = Annotated[list[str] | None, Query(description="Keep these cities (repeatable).")]
OpenOn = Annotated[date | None, Query(description="Only records whose deadline is on or after.")]


def _filters(
    domain: list[str] | None,
    district: list[str] | None,
    region: list[str] | None,
    open_on: date | None,
) -> Filters:
    return Filters(
        domains=list(domain or []),
        districts=list(district or []),
        regions=list(region or []),
        open_on=open_on,
    )


@lru_cache(maxsize=1)
def get_matcher() -> Matcher:
    settings = get_settings()
    return Matcher(get_store(), settings.home, make_embedder(settings.embedder))


def _run(call: Any) -> list[dict[str, Any]]:
    try:
        with _lock:
            return [m.as_dict() for m in call()]
    except UnknownRecord as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except MatchingError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@router.get("/record/{record_id}")
def match_record(
    record_id: str,
    top_k: TopK = 10,
    domain: Domains = None,
    district: Districts = None,
    region: Regions = None,
    open_on: OpenOn = None,
) -> list[dict[str, Any]]:
    """Suppliers for a scene, or open scenes for a capability."""
    filters = _filters(domain, district, region, open_on)
    return _run(lambda: get_matcher().match_record(record_id, top_k=top_k, filters=filters))


@router.get("/text")
def match_text(
    q: Annotated[str, Query(min_length=1, description="Free text, e.g. 无人机巡检")],
    against: RecordKind = RecordKind.CAPABILITY,
    top_k: TopK = 10,
    domain: Domains = None,
    district: Districts = None,
    region: Regions = None,
    open_on: OpenOn = None,
) -> list[dict[str, Any]]:
    filters = _filters(domain, district, region, open_on)
    return _run(lambda: get_matcher().match_text(q, against, top_k=top_k, filters=filters))
