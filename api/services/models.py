"""Pydantic shapes shared by both faces: what the service returns and accepts."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.records import StoredRecord

TEXT = 2000  # most text fields
LONG_TEXT = 20000  # descriptions


class RecordStatus(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    ARCHIVED = "archived"


class RecordPublic(StoredRecord):
    """A current record with who owns it and whether the public sees it."""

    status: RecordStatus = RecordStatus.PUBLISHED
    owner_org: str | None = None


class RecordsPage(BaseModel):
    data: list[RecordPublic]
    count: int = Field(description="Records matching the filters (all pages).")
    next_after: str | None = Field(
        default=None, description="Pass as `after` for the next page; null on the last page."
    )


class _RecordFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    domains: list[str] | None = Field(default=None, max_length=20)
    description: str | None = Field(default=None, max_length=LONG_TEXT)
    tech_requirements: str | None = Field(default=None, max_length=LONG_TEXT)
    district: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    budget: str | None = Field(
        default=None, max_length=40, description="As written: 500000, 50万, 300万元."
    )
    deadline: date | None = None
    published_at: date | None = None
    contact: str | None = Field(default=None, max_length=TEXT)
    cooperation_mode: str | None = Field(default=None, max_length=TEXT)
    qualifications: str | None = Field(default=None, max_length=TEXT)
    cases: str | None = Field(default=None, max_length=LONG_TEXT)
    product: str | None = Field(default=None, max_length=TEXT)
    batch: str | None = Field(default=None, max_length=200)


class RecordCreate(_RecordFields):
    title: str = Field(min_length=1, max_length=1000)
    org: str | None = Field(
        default=None, max_length=200, description="Default and only allowed value: your org."
    )
    status: RecordStatus = RecordStatus.PUBLISHED

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "title": "城市道路病害智能巡检",
                    "domains": ["智慧交通"],
                    "description": "利用车载摄像头与AI识别道路裂缝、坑槽",
                    "district": "西湖区",
                    "budget": "80万",
                    "deadline": "2026-12-31",
                }
            ]
        },
    )


class RecordUpdate(_RecordFields):
    title: str | None = Field(default=None, min_length=1, max_length=1000)
    status: RecordStatus | None = Field(
        default=None, description="published or draft; archive with POST …/archive."
    )


class MatchPublic(BaseModel):
    """One match, the same JSON as ``scenehub match --json``."""

    id: str
    rank: int
    score: float
    explanation: dict[str, Any]
