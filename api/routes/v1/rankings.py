"""``/rankings``: award candidates per category and as-of date, and one candidate's evidence.
Reading a ranking does not record a ranking run (``scenehub contrib rank`` does)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel

from api.deps import CallerDep, StoreDep
from api.errors import REQUIRED_AUTH, responses
from api.services import rankings as service
from api.services.policy import Action, authorize

router = APIRouter(prefix="/rankings", tags=["rankings"])

Category = Annotated[str, Path(max_length=50, examples=["models"])]


class RankingPublic(BaseModel):
    category: str
    as_of: date
    snapshot_ids: list[int]
    config_hash: str
    config_version: str
    code_version: str
    results: list[dict[str, Any]]


@router.get("", response_model=list[str], responses=responses())
def list_categories() -> list[str]:
    """The award categories of the bundled configuration."""
    return service.categories()


@router.get("/{category}", response_model=RankingPublic, responses=responses(404))
def read_ranking(store: StoreDep, category: Category, as_of: date | None = None) -> RankingPublic:
    """Every candidate with its components, tier and flags (flags are shown, never applied)."""
    run = service.ranking(store, category, as_of)
    data = run.as_dict()
    data["results"] = [{k: v for k, v in r.items() if not k.startswith("_")} for r in run.results]
    return RankingPublic(**data)


@router.get(
    "/{category}/{enterprise}",
    response_model=dict[str, Any],
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def read_evidence(
    store: StoreDep,
    who: CallerDep,
    category: Category,
    enterprise: Annotated[str, Path(max_length=200)],
    as_of: date | None = None,
) -> dict[str, Any]:
    """One candidate's components, flags and evidence (committee and admins)."""
    authorize(who, Action.EVIDENCE_READ)
    return service.enterprise_evidence(store, category, enterprise, as_of)
