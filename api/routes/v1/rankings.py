"""``/rankings``: award candidates per category and as-of date, one candidate's evidence and
the weight sensitivity table. Reading a ranking does not record a ranking run (``scenehub
contrib rank`` does)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

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


class SensitivityPublic(BaseModel):
    """Per eligible candidate, ``rank/tier`` at the configured weights (``base``) and under
    each variant (one weight of one category ×(1±delta)), e.g. ``"2/一档"``."""

    variants: list[str] = Field(examples=[["models.downloads_30d ×0.8"]])
    rows: list[dict[str, str]] = Field(
        examples=[
            [
                {
                    "category": "models",
                    "enterprise": "杭州云栖智算科技有限公司",
                    "base": "1/一档",
                    "models.downloads_30d ×0.8": "1/一档",
                }
            ]
        ]
    )
    moved: list[dict[str, str]] = Field(
        description="candidates whose rank or tier changes under some variant"
    )


class EvidencePack(BaseModel):
    """Everything the committee checks for one firm in one category."""

    enterprise: str
    registry: dict[str, Any]
    as_of: date
    window: list[str]
    missing_months: list[str]
    snapshot_ids: list[int]
    config_version: str
    config_hash: str
    categories: list[dict[str, Any]] = Field(
        description="rank, tier, amount, components, flags, exclusions, families and each "
        "repo's monthly downloads"
    )
    awards: list[dict[str, Any]] = Field(description="the computed award (after the cap)")
    review: list[dict[str, Any]] = Field(description="the recorded review decisions")


@router.get(
    "/sensitivity",
    response_model=SensitivityPublic,
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def read_sensitivity(
    store: StoreDep,
    who: CallerDep,
    as_of: date | None = None,
    delta: Annotated[float, Query(gt=0, lt=1)] = 0.2,
) -> SensitivityPublic:
    """How each candidate's rank and tier move when any one weight moves ±delta (committee
    and admins); the cross-category cap is re-applied in every variant."""
    table = service.weight_sensitivity(store, who=who, as_of=as_of, delta=delta)
    data = table.as_dict()
    moved = [{"category": c, "enterprise": e} for c, e in table.moved()]
    return SensitivityPublic(variants=data["variants"], rows=data["rows"], moved=moved)


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


@router.get(
    "/{category}/evidence/{enterprise}",
    response_model=EvidencePack,
    responses=responses(403, 404),
    openapi_extra=REQUIRED_AUTH,
)
def read_evidence_pack(
    store: StoreDep,
    who: CallerDep,
    category: Category,
    enterprise: Annotated[str, Path(max_length=200, examples=["杭州云栖智算科技有限公司"])],
    as_of: date | None = None,
) -> EvidencePack:
    """One firm's evidence pack in one category: components, each repo's monthly downloads,
    flags, exclusions, the computed award and the recorded decisions (committee and admins)."""
    return EvidencePack(
        **service.evidence(store, enterprise, who=who, category=category, as_of=as_of)
    )
