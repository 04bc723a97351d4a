"""``/rankings/{category}``: award candidates as ``scenehub contrib rank --json`` prints them.

Reading a ranking over HTTP does not record a ranking run; ``scenehub contrib rank`` and
``export`` do, for the committee's record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException

from api.deps import StoreDep
from contrib.errors import ContribError
from contrib.runs import run_ranking

router = APIRouter(prefix="/rankings", tags=["rankings"])


@router.get("/{category}")
def read_ranking(store: StoreDep, category: str, as_of: date | None = None) -> dict[str, Any]:
    try:
        run = run_ranking(store.engine, category, as_of, record=False)
    except ContribError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return run.as_dict()
