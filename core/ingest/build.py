"""Turn one source row into a :class:`Record`: map headers, normalise values, keep the raw row."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from core.headers import join_repeated, map_headers
from core.normalize.dates import DateParseError, parse_date
from core.normalize.districts import normalize_district
from core.normalize.domains import normalize_domains
from core.normalize.money import parse_money
from core.normalize.text import clean_text
from core.records import Record, RecordKind

#: JSONL keys accepted besides the field names themselves
JSONL_ALIASES: dict[str, str] = {
    "domain": "domain_raw",
    "company": "org",
    "name": "title",
    "budget": "budget_cny",
    "organisation": "org",
    "organization": "org",
}
_RECORD_FIELDS = set(Record.model_fields)
#: bookkeeping the store owns: present in exports, ignored on import (the store recomputes it)
STORE_OWNED_KEYS = frozenset({"content_hash", "first_seen", "last_seen", "version", "sources"})


class RowError(ValueError):
    """A row that cannot become a record; the message says what is wrong."""


def json_safe(value: Any) -> Any:
    """Raw cells as JSON values: dates become ISO text, everything else as it was."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def record_from_json(values: dict[str, Any], *, kind: RecordKind | None) -> Record:
    """A JSONL object: keys are field names (or aliases); unknown keys land in ``raw``."""
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in values.items():
        if key in STORE_OWNED_KEYS:
            continue
        name = JSONL_ALIASES.get(key, key)
        if name in _RECORD_FIELDS:
            fields[name] = value
        else:
            extra[key] = value
    raw = dict(fields.get("raw") or {})
    if not isinstance(raw, dict):
        raise RowError("'raw' must be a JSON object")
    raw.update(json_safe(extra))
    fields["raw"] = raw
    _resolve_kind(fields, kind)
    if isinstance(fields.get("budget_cny"), str):
        money = parse_money(fields["budget_cny"])
        if money.unparsed:
            raise RowError(f"budget {fields['budget_cny']!r} is not an amount")
        fields["budget_cny"] = money.amount_cny
    for name in ("deadline", "published_at"):
        if isinstance(fields.get(name), str) and fields[name]:
            try:
                fields[name] = parse_date(fields[name])
            except DateParseError as exc:
                raise RowError(f"{name}: {exc}") from exc
    if "domains" not in fields:
        fields["domains"] = infer_domains(fields)
    return _validate(fields)


def record_from_table_row(
    values: dict[str, Any], *, kind: RecordKind | None, default_year: int | None = None
) -> Record:
    """A CSV/XLSX row keyed by published headers: map through the synonym table, normalise."""
    fields: dict[str, Any] = {}
    for mapping in map_headers(list(values)):
        value = values[mapping.header]
        if mapping.field is None or value is None or value == "":
            continue
        if mapping.field == "budget_cny":
            money = parse_money(value, multiplier=mapping.multiplier)
            if money.unparsed:
                raise RowError(f"{mapping.header}: {value!r} is not an amount")
            if money.amount_cny is not None:
                fields["budget_cny"] = money.amount_cny
        elif mapping.field in {"deadline", "published_at"}:
            try:
                fields[mapping.field] = parse_date(value, default_year=default_year)
            except DateParseError as exc:
                raise RowError(f"{mapping.header}: {exc}") from exc
        else:
            text = clean_text(value)
            if text and mapping.field in fields and mapping.field not in {"title", "id", "kind"}:
                fields[mapping.field] = join_repeated(mapping.field, fields[mapping.field], text)
            elif text:
                fields[mapping.field] = text
    if "district" in fields:
        place = normalize_district(fields["district"])
        fields["district"] = place.district or fields["district"]
        if place.region and not fields.get("region"):
            fields["region"] = place.region
    fields["domains"] = infer_domains(fields)
    fields["raw"] = json_safe(values)
    _resolve_kind(fields, kind)
    return _validate(fields)


def infer_domains(fields: dict[str, Any]) -> list[str]:
    """Domains from the published 领域 cell; from title and description only when it says none."""
    return normalize_domains(fields.get("domain_raw")) or normalize_domains(
        fields.get("title"), fields.get("description")
    )


def _resolve_kind(fields: dict[str, Any], kind: RecordKind | None) -> None:
    given = fields.get("kind")
    if given is None:
        if kind is None:
            raise RowError("no kind: pass --kind scene|capability or give a 'kind' field")
        fields["kind"] = kind
    elif kind is not None and str(given) != kind.value:
        raise RowError(f"kind {given!r} conflicts with --kind {kind.value}")


def _validate(fields: dict[str, Any]) -> Record:
    if not fields.get("title"):
        raise RowError("missing title (no value in a title column such as 场景名称/项目名称)")
    try:
        return Record.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'record'}: {err['msg']}"
            for err in exc.errors()
        )
        raise RowError(problems) from exc
