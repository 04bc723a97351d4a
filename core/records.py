"""The record schema shared by both lists: scene demands and enterprise capabilities.

``Record`` is what importers and crawlers hand to the store; ``StoredRecord`` adds the
bookkeeping the store owns (hash, first/last seen, version). Both are pydantic models:
they sit at the edges (files, HTTP, CLI), the store keeps its own SQLAlchemy rows.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.normalize.money import MAX_BUDGET_CNY


class RecordKind(StrEnum):
    SCENE = "scene"  # 场景机会 (demand)
    CAPABILITY = "capability"  # 企业能力 (supply)


#: Fields whose values make up a record's content; bookkeeping and provenance are excluded so
#: that the same item seen on two pages or in two re-orderings hashes the same.
CONTENT_FIELDS: tuple[str, ...] = (
    "kind",
    "title",
    "org",
    "domains",
    "domain_raw",
    "description",
    "tech_requirements",
    "district",
    "region",
    "budget_cny",
    "deadline",
    "published_at",
    "contact",
    "cooperation_mode",
    "qualifications",
    "cases",
    "product",
    "batch",
    "list_name",
)

#: Optional free-text fields as published (title aside): cleaned alike by every importer.
TEXT_FIELDS: tuple[str, ...] = (
    "org",
    "domain_raw",
    "description",
    "tech_requirements",
    "district",
    "region",
    "contact",
    "cooperation_mode",
    "qualifications",
    "cases",
    "product",
    "batch",
    "list_name",
)

#: A budget as a range. ``budget_cny`` (in :data:`CONTENT_FIELDS`) is derived from it: the
#: upper bound, else the lower one. The range joins the content hash only when it says more
#: than ``budget_cny`` (a real range, or per year), so single amounts hash as they always did.
BUDGET_RANGE_FIELDS: tuple[str, ...] = ("budget_low_cny", "budget_high_cny", "budget_per_year")
#: Stored with the current version, outside the hash: the budget text as published (a page and
#: its attachment write the same amount differently; that is not a new version).
BUDGET_RAW_FIELD = "budget_raw"
STORED_CONTENT_FIELDS: tuple[str, ...] = (*CONTENT_FIELDS, *BUDGET_RANGE_FIELDS, BUDGET_RAW_FIELD)

PROVENANCE_FIELDS: tuple[str, ...] = ("source_url", "attachment_url", "raw")
BOOKKEEPING_FIELDS: tuple[str, ...] = ("content_hash", "first_seen", "last_seen", "version")


class Record(BaseModel):
    """One item of an opportunity or capability list, as published (normalised)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = Field(default=None, max_length=200)
    kind: RecordKind
    title: str = Field(min_length=1, max_length=1000)
    org: str | None = None
    domains: list[str] = Field(default_factory=list)
    domain_raw: str | None = None
    description: str | None = None
    tech_requirements: str | None = None
    district: str | None = None
    region: str | None = None
    budget_cny: int | None = Field(default=None, ge=0, le=MAX_BUDGET_CNY)
    budget_low_cny: int | None = Field(default=None, ge=0, le=MAX_BUDGET_CNY)
    budget_high_cny: int | None = Field(default=None, ge=0, le=MAX_BUDGET_CNY)
    budget_per_year: bool = False
    budget_raw: str | None = None
    deadline: date | None = None
    published_at: date | None = None
    contact: str | None = None
    cooperation_mode: str | None = None
    qualifications: str | None = None
    cases: str | None = None
    product: str | None = None
    batch: str | None = None
    list_name: str | None = None
    source_url: str | None = None
    attachment_url: str | None = None
    raw: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id_is_printable(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value or any(ch.isspace() or not ch.isprintable() for ch in value):
            raise ValueError("id must be non-empty and contain no whitespace or control characters")
        return value

    @field_validator(
        *(*TEXT_FIELDS, BUDGET_RAW_FIELD, "source_url", "attachment_url"), mode="after"
    )
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("budget_cny", "budget_low_cny", "budget_high_cny", mode="before")
    @classmethod
    def _amount_not_bool(cls, value: object) -> object:
        if isinstance(value, bool):  # pydantic would read True as 1 yuan
            raise ValueError("a yes/no value is not an amount")
        return value

    @field_validator("budget_per_year", mode="before")
    @classmethod
    def _per_year_flag(cls, value: object) -> object:
        if value is None or value == "":
            return False
        return value

    @model_validator(mode="before")
    @classmethod
    def _budget_range(cls, data: Any) -> Any:
        """Fill the range from a single ``budget_cny``, or ``budget_cny`` from the range."""
        if not isinstance(data, dict):
            return data
        low, high = data.get("budget_low_cny"), data.get("budget_high_cny")
        single = data.get("budget_cny")
        if low is None and high is None:
            if single is not None:
                data = {**data, "budget_low_cny": single, "budget_high_cny": single}
            return data
        derived = high if high is not None else low
        if single is not None and single != derived:
            raise ValueError(
                f"budget_cny {single!r} disagrees with the range "
                f"{low!r}–{high!r} (budget_cny is the upper bound, else the lower one)"
            )
        return {**data, "budget_cny": derived}

    @model_validator(mode="after")
    def _consistent(self) -> Record:
        low, high = self.budget_low_cny, self.budget_high_cny
        if low is not None and high is not None and low > high:
            raise ValueError(f"budget range runs backwards: {low} > {high}")
        nul = _first_nul(self.model_dump(include={*_STRING_FIELDS, "raw", "domains"}))
        if nul:
            raise ValueError(f"{nul} contains a NUL character (\\x00); remove it")
        return self

    @field_validator("domains", mode="after")
    @classmethod
    def _dedupe_domains(cls, value: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for item in value:
            item = item.strip()
            if item:
                seen.setdefault(item, None)
        return list(seen)

    def content(self) -> dict[str, Any]:
        """The fields that define this record's content, JSON-ready."""
        data = self.model_dump(mode="json", include=set(CONTENT_FIELDS))
        if self.budget_low_cny != self.budget_high_cny or self.budget_per_year:
            data.update(self.model_dump(mode="json", include=set(BUDGET_RANGE_FIELDS)))
        return data

    def compute_hash(self) -> str:
        """SHA-256 of :meth:`content`; equal for equal content whatever its source."""
        return content_hash(self.content())

    def with_id(self) -> Record:
        """This record with its external id, or a stable id derived from its identity."""
        if self.id:
            return self
        return self.model_copy(update={"id": derive_record_id(self.kind, self.org, self.title)})


class StoredRecord(Record):
    """A record as the store holds it: id always set, plus bookkeeping."""

    id: str
    content_hash: str
    first_seen: datetime
    last_seen: datetime
    version: int = Field(ge=1)
    sources: list[str] = Field(default_factory=list)

    def to_record(self) -> Record:
        return Record.model_validate(
            self.model_dump(exclude={*BOOKKEEPING_FIELDS, "sources"}),
        )


_STRING_FIELDS = frozenset(
    {"id", "title", *TEXT_FIELDS, BUDGET_RAW_FIELD, "source_url", "attachment_url"}
)


def _first_nul(value: Any, where: str = "") -> str | None:
    """Where the first NUL character sits (PostgreSQL refuses it; SQLite would store it)."""
    if isinstance(value, str):
        return (where or "value") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                return f"{where}.{key!r}" if where else repr(key)
            found = _first_nul(item, f"{where}.{key}" if where else str(key))
            if found:
                return found
    if isinstance(value, list | tuple):
        for item in value:
            found = _first_nul(item, where)
            if found:
                return found
    return None


def canonical_text(value: str | None) -> str:
    """NFKC-fold, drop all whitespace and lower-case: the identity form of a name."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKC", value)
    return "".join(folded.split()).lower()


def derive_record_id(kind: RecordKind | str, org: str | None, title: str) -> str:
    """A stable id from what identifies an item: its kind, publishing org and title.

    Re-importing or re-crawling the same item (even from another page, or with other
    whitespace / full-width forms) yields the same id; a changed description does not
    change the id, it makes a new version.
    """
    kind = RecordKind(kind)
    key = "\x1f".join([kind.value, canonical_text(org), canonical_text(title)])
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    return f"{'S' if kind is RecordKind.SCENE else 'C'}-{digest}"


def content_hash(content: dict[str, Any]) -> str:
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
