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

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
    budget_cny: int | None = Field(default=None, ge=0)
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

    @field_validator(*(*TEXT_FIELDS, "source_url", "attachment_url"), mode="after")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

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
        return self.model_dump(mode="json", include=set(CONTENT_FIELDS))

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
