"""Turn one published row into a :class:`Record`: the one path shared by ``scenehub ingest``
(CSV/XLSX) and the crawler's pipelines, so the same item hashes the same whichever way it came.

A row is ``{published header: cell}``. Headers map through the synonym table
(``core.headers``); values are cleaned (NFKC, whitespace), repeated fields joined, dates,
budgets, districts and domains normalised; fields the page gave around the row (list name,
batch, section, publish date) fill what the row leaves empty; the raw row is kept.

Every problem of a row is collected, not only the first: ``ingest`` refuses a row with any
error and prints them all; a crawl keeps the item with the unreadable value left empty and
counts the problem (``scenehub/field/<field>/<code>``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from core.headers import join_repeated, map_headers
from core.normalize.dates import DateParseError, parse_date
from core.normalize.districts import normalize_district
from core.normalize.domains import normalize_domains
from core.normalize.money import check_amount, parse_money
from core.normalize.text import clean_text
from core.records import BUDGET_RANGE_FIELDS, Record, RecordKind

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
_DATE_FIELDS = ("published_at", "deadline")  # published first: a deadline takes its year
_SINGLE_FIELDS = {"title", "id", "kind"}  # a second column claiming these stays raw


class RowError(ValueError):
    """A row that cannot become a record; the message lists every problem."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth counting) in a row."""

    field: str  # a record field, or "record"
    code: str  # unparsed | invalid | missing | negotiable | unmapped | none
    message: str
    #: ``ingest`` refuses a row with an error; a crawl leaves the value empty and counts it
    is_error: bool = True


@dataclass(frozen=True)
class RowContext:
    """What surrounds a row: the caller's kind, the page's year and fields, provenance."""

    kind: RecordKind | str | None = None
    #: year for dates printed without one (7月15日); a deadline prefers the publish year
    default_year: int | None = None
    #: list_name, batch, domain_raw (a section heading), published_at: used when the row has none
    page_fields: Mapping[str, Any] = field(default_factory=dict)
    source_url: str | None = None
    attachment_url: str | None = None
    #: crawled lists number their rows (编号 1, 2, 3): not identities, so crawls drop them
    published_ids: bool = True
    #: record-level flags already known (e.g. org_from_row_above), kept next to the raw row
    flags: tuple[str, ...] = ()


@dataclass
class BuiltRow:
    """The record (None when the row cannot be one) and every problem met on the way."""

    record: Record | None
    problems: list[Problem]
    unmapped_columns: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def error_message(self) -> str:
        return "; ".join(p.message for p in self.errors)


def json_safe(value: Any) -> Any:
    """Raw cells as JSON values: dates become ISO text, everything else as it was."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def validation_problems(exc: ValidationError) -> list[str]:
    """Pydantic's errors as ``field: message`` lines, the one format for every caller."""
    return [
        f"{'.'.join(str(p) for p in err['loc']) or 'record'}: {err['msg']}" for err in exc.errors()
    ]


# -- published rows (CSV, XLSX, crawled tables and pages) -----------------------------


def build_record(values: Mapping[str, Any], context: RowContext, *, strict: bool) -> BuiltRow:
    """A published row keyed by its headers, normalised into a record.

    ``strict`` (``ingest``): any error leaves ``record`` None. Otherwise (crawls) an
    unreadable value is left empty and the record is still built; only a row that is no
    record at all (no title, no kind, a schema violation) comes back without one.
    """
    problems: list[Problem] = []
    fields: dict[str, Any] = {}
    raw_values: dict[str, tuple[str, Any, int]] = {}  # field -> (header, cell, multiplier)
    unmapped = 0
    for mapping in map_headers([h for h in values if not str(h).startswith("_")]):
        value = values[mapping.header]
        if mapping.field is None:
            unmapped += 1
            continue
        if value is None or value == "":
            continue
        name = mapping.field
        if name in {"budget_cny", *_DATE_FIELDS}:
            raw_values.setdefault(name, (mapping.header, value, mapping.multiplier))
            continue
        text = clean_text(value)
        if not text:
            continue
        if name in fields and name not in _SINGLE_FIELDS:
            fields[name] = join_repeated(name, fields[name], text)
        else:
            fields.setdefault(name, text)
    if not context.published_ids:
        fields.pop("id", None)
    for name, value in context.page_fields.items():
        if value and name not in fields and name not in raw_values:
            if name in _DATE_FIELDS:
                raw_values[name] = ("page", value, 1)
            else:
                fields[name] = clean_text(value)
    flags = list(context.flags)
    _dates(fields, raw_values, context.default_year, problems)
    _budget(fields, raw_values, problems, flags)
    _district(fields, problems)
    _domains(fields, problems)
    raw = json_safe(dict(values))
    if flags:
        raw["_flags"] = list(dict.fromkeys([*raw.get("_flags", []), *flags]))
    fields["raw"] = raw
    fields["source_url"] = context.source_url
    fields["attachment_url"] = context.attachment_url
    _kind(fields, context.kind, problems)
    record = _validate(fields, problems)  # run anyway: its problems are reported too
    if strict and any(p.is_error for p in problems):
        record = None
    return BuiltRow(record, problems, unmapped)


def record_from_table_row(
    values: dict[str, Any], *, kind: RecordKind | None, default_year: int | None = None
) -> Record:
    """A CSV/XLSX row, strictly: every problem of the row in one :class:`RowError`."""
    built = build_record(values, RowContext(kind=kind, default_year=default_year), strict=True)
    if built.record is None:
        raise RowError(built.error_message())
    return built.record


def _dates(
    fields: dict[str, Any],
    raw_values: dict[str, tuple[str, Any, int]],
    default_year: int | None,
    problems: list[Problem],
) -> None:
    for name in _DATE_FIELDS:
        if name not in raw_values:
            continue
        header, value, _ = raw_values[name]
        published = fields.get("published_at")
        year = published.year if name == "deadline" and published else default_year
        try:
            fields[name] = parse_date(value, default_year=year)
        except DateParseError as exc:
            problems.append(Problem(name, "unparsed", f"{header}: {exc}"))


def _budget(
    fields: dict[str, Any],
    raw_values: dict[str, tuple[str, Any, int]],
    problems: list[Problem],
    flags: list[str],
) -> None:
    if "budget_cny" not in raw_values:
        return
    header, value, multiplier = raw_values["budget_cny"]
    money = parse_money(value, multiplier=multiplier)
    fields["budget_raw"] = clean_text(value)
    if money.problem:
        message = _money_message(header, value, money.problem)
        problems.append(Problem("budget_cny", "unparsed", message))
    elif money.negotiable:
        problems.append(Problem("budget_cny", "negotiable", f"{header}: negotiable", False))
        flags.append("budget_negotiable")
    elif not money.is_empty:
        fields["budget_low_cny"] = money.low_cny
        fields["budget_high_cny"] = money.high_cny
        fields["budget_per_year"] = money.per_year


def _money_message(where: str, value: object, problem: str) -> str:
    why = "" if problem == "not an amount" else f" ({problem})"
    return f"{where}: {value!r} is not an amount{why}"


def _district(fields: dict[str, Any], problems: list[Problem]) -> None:
    if not fields.get("district"):
        return
    place = normalize_district(fields["district"])
    if place.unparsed:
        problems.append(Problem("district", "unparsed", "district kept as published", False))
        return
    fields["district"] = place.district or fields["district"]
    if place.region and not fields.get("region"):
        fields["region"] = place.region


def _domains(fields: dict[str, Any], problems: list[Problem]) -> None:
    fields["domains"] = infer_domains(fields)
    if fields.get("domain_raw") and not normalize_domains(fields["domain_raw"]):
        problems.append(Problem("domains", "unmapped", "domain text maps to no domain", False))
    if not fields["domains"]:
        problems.append(Problem("domains", "none", "no domain", False))


def infer_domains(fields: Mapping[str, Any]) -> list[str]:
    """Domains from the published 领域 cell; from title and description only when it says none."""
    return normalize_domains(fields.get("domain_raw")) or normalize_domains(
        fields.get("title"), fields.get("description")
    )


def _kind(fields: dict[str, Any], kind: RecordKind | str | None, problems: list[Problem]) -> None:
    given = fields.get("kind")
    wanted = str(kind.value if isinstance(kind, RecordKind) else kind) if kind else None
    if given is None:
        if wanted is None:
            message = "no kind: pass --kind scene|capability or give a 'kind' field"
            problems.append(Problem("kind", "missing", message))
            return
        fields["kind"] = wanted
    elif wanted is not None and str(given) != wanted:
        message = f"kind {given!r} conflicts with --kind {wanted}"
        problems.append(Problem("kind", "invalid", message))


def _validate(fields: dict[str, Any], problems: list[Problem]) -> Record | None:
    """The record, or None with the reasons appended to ``problems``."""
    if not fields.get("title"):
        problems.append(
            Problem(
                "title",
                "missing",
                "missing title (no value in a title column such as 场景名称/项目名称)",
            )
        )
    if any(p.is_error and p.field in {"title", "kind"} for p in problems):
        return None
    try:
        return Record.model_validate(fields).with_id()
    except ValidationError as exc:
        problems.extend(Problem("record", "invalid", line) for line in validation_problems(exc))
        return None


# -- records as JSON (JSONL, and the CSV that `records export` writes) ----------------


def record_from_json(values: dict[str, Any], *, kind: RecordKind | None) -> Record:
    """A JSONL object: keys are field names (or aliases); unknown keys land in ``raw``."""
    problems: list[Problem] = []
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
    raw = fields.get("raw") or {}
    if not isinstance(raw, dict):
        problems.append(Problem("raw", "invalid", "'raw' must be a JSON object"))
        raw = {}
    fields["raw"] = {**raw, **json_safe(extra)}
    _kind(fields, kind, problems)
    _json_budget(fields, problems)
    for name in _DATE_FIELDS:
        if isinstance(fields.get(name), str) and fields[name]:
            try:
                fields[name] = parse_date(fields[name])
            except DateParseError as exc:
                problems.append(Problem(name, "unparsed", f"{name}: {exc}"))
                fields.pop(name)
    if "domains" not in fields:
        fields["domains"] = infer_domains(fields)
    record = None if any(p.is_error for p in problems) else _validate(fields, problems)
    if record is None:
        raise RowError("; ".join(p.message for p in problems if p.is_error))
    return record


def _json_budget(fields: dict[str, Any], problems: list[Problem]) -> None:
    """``budget_cny`` given as text is parsed (a range fills the bounds); every amount is
    checked as the money parser checks it: no booleans, negatives, NaN or absurd sizes."""
    for name in ("budget_cny", *BUDGET_RANGE_FIELDS[:2]):
        value = fields.get(name)
        if value is None or value == "":
            fields.pop(name, None)
            continue
        if isinstance(value, str) and name == "budget_cny":
            money = parse_money(value)
            if money.problem:
                message = _money_message(name, value, money.problem)
                problems.append(Problem(name, "unparsed", message))
            fields.pop(name)
            if money.problem or money.is_empty:
                continue
            fields.setdefault("budget_raw", value)
            if "budget_low_cny" in fields or "budget_high_cny" in fields:
                problems.append(
                    Problem(name, "invalid", f"{name}: give either a budget text or the bounds")
                )
                continue
            fields["budget_low_cny"], fields["budget_high_cny"] = money.low_cny, money.high_cny
            fields["budget_per_year"] = fields.get("budget_per_year") or money.per_year
            continue
        try:
            fields[name] = check_amount(value)
        except ValueError as exc:
            problems.append(Problem(name, "invalid", f"{name}: {value!r}: {exc}"))
            fields.pop(name)


def json_from_export_row(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row of the CSV that ``records export`` writes, back to the JSON it came from."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "domains":  # an empty cell is "no domains", not "infer them"
            out[key] = [d for d in str(value or "").split("|") if d]
            continue
        if key in STORE_OWNED_KEYS or value is None or value == "":
            continue
        if key == "raw":
            try:
                out[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise RowError(f"raw: not JSON ({exc.msg})") from exc
        elif key in {"budget_cny", *BUDGET_RANGE_FIELDS[:2]}:
            out[key] = int(value) if str(value).isdigit() else value
        elif key == "budget_per_year":
            out[key] = {"true": True, "false": False}.get(str(value).lower(), value)
        else:
            out[key] = value
    return out
