"""The enterprise registry: who the candidates are and which hub accounts speak for them.

Read from YAML or CSV (header ``name,uscc,city,district,type,hf,modelscope,github``, and
optionally ``confirmed``; several accounts in one cell separated by ``;``). Every problem in
the file is collected and reported together with its line, and nothing is stored unless the
whole file is valid.

Rules an interested party would try to defeat:

* one firm, one entry: a USCC may appear once (a firm registered twice would be ranked twice);
* the city is normalised (``杭州市`` → ``杭州``), so spelling never decides eligibility;
* ``confirmed`` records, per account, how its ownership was confirmed
  (``hf:yunqi-ai=signed letter 2026-01-05; github:yunqi-ai-oss=org email``); the ranking
  treats an account without a confirmation as not the firm's (see ``eligibility``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contrib.errors import RegistryError
from contrib.types import Hub

CSV_HEADER = ("name", "uscc", "city", "district", "type", "hf", "modelscope", "github")
CSV_HEADER_CONFIRMED = (*CSV_HEADER, "confirmed")
ENTERPRISE_TYPES = ("enterprise", "university", "institute")
#: GB 32100-2015: 18 characters, no I, O, S, V, Z
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_TYPE_SYNONYMS = {
    "企业": "enterprise",
    "高校": "university",
    "大学": "university",
    "研究院": "institute",
    "科研院所": "institute",
}


@dataclass(frozen=True)
class Enterprise:
    name: str
    type: str = "enterprise"
    city: str | None = None
    district: str | None = None
    uscc: str | None = None
    accounts: dict[Hub, tuple[str, ...]] = field(default_factory=dict)
    #: (hub, lower-cased account) → how its ownership was confirmed
    confirmed: dict[tuple[Hub, str], str] = field(default_factory=dict)

    @property
    def uscc_region(self) -> str | None:
        """The administrative-division code (characters 3–8 of the USCC)."""
        return self.uscc[2:8] if self.uscc else None

    def unconfirmed(self) -> list[str]:
        return [
            f"{hub.value}:{account}"
            for hub, accounts in sorted(self.accounts.items())
            for account in accounts
            if (hub, account.lower()) not in self.confirmed
        ]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "city": self.city,
            "district": self.district,
            "uscc": self.uscc,
            "accounts": {hub.value: list(self.accounts.get(hub, ())) for hub in Hub},
        }
        if self.confirmed:
            out["confirmed"] = {
                f"{hub.value}:{account}": how
                for (hub, account), how in sorted(self.confirmed.items())
            }
        return out


@dataclass(frozen=True)
class Registry:
    enterprises: tuple[Enterprise, ...]

    def owner_of(self) -> dict[tuple[Hub, str], str]:
        """(hub, lower-cased account) → enterprise name."""
        return {
            (hub, account.lower()): e.name
            for e in self.enterprises
            for hub, accounts in e.accounts.items()
            for account in accounts
        }

    def hubs_in_use(self) -> list[Hub]:
        """Only hubs on which some enterprise has an account get queried."""
        return [hub for hub in Hub if any(e.accounts.get(hub) for e in self.enterprises)]

    def accounts(self, hub: Hub) -> list[str]:
        return sorted({a for e in self.enterprises for a in e.accounts.get(hub, ())})

    def as_json(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in sorted(self.enterprises, key=lambda e: e.name)]

    def content_hash(self) -> str:
        payload = json.dumps(self.as_json(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, rows: list[dict[str, Any]]) -> Registry:
        return build_registry([(i + 1, r) for i, r in enumerate(rows)], "stored registry", "entry")


def _split_accounts(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).replace("；", ";").split(";")
    return [str(item).strip() for item in items if str(item).strip()]


def normalise_city(value: Any) -> str | None:
    """``杭州市`` / `` 杭州 `` → ``杭州``: a suffix must not decide eligibility."""
    text = str(value or "").strip().replace(" ", "")
    if text.endswith("市") and len(text) > 2:
        text = text[:-1]
    return text or None


def _parse_confirmed(
    line: int, value: Any, accounts: dict[Hub, tuple[str, ...]], problems: list[str]
) -> dict[tuple[Hub, str], str]:
    if not value:
        return {}
    items: list[tuple[str, Any]]
    if isinstance(value, dict):
        items = [(str(k), v) for k, v in value.items()]
    else:
        items = []
        for part in str(value).replace("；", ";").split(";"):
            if part.strip():
                key, _, how = part.partition("=")
                items.append((key, how))
    out: dict[tuple[Hub, str], str] = {}
    held = {(hub, a.lower()) for hub, accs in accounts.items() for a in accs}
    for key, how in items:
        hub_name, _, account = key.strip().partition(":")
        how_text = str(how or "").strip()
        try:
            hub = Hub(hub_name.strip().lower())
        except ValueError:
            problems.append(f"line {line}: confirmed {key!r}: expected hub:account=how")
            continue
        if (hub, account.strip().lower()) not in held:
            problems.append(f"line {line}: confirmed {key!r} names an account not in this row")
        elif not how_text:
            problems.append(f"line {line}: confirmed {key!r} does not say how")
        else:
            out[(hub, account.strip().lower())] = how_text
    return out


def _parse_row(line: int, row: dict[str, Any], problems: list[str]) -> Enterprise | None:
    before = len(problems)
    name = str(row.get("name") or "").strip()
    if not name:
        problems.append(f"line {line}: name is empty")
    etype = str(row.get("type") or "enterprise").strip().lower()
    etype = _TYPE_SYNONYMS.get(etype, etype)
    if etype not in ENTERPRISE_TYPES:
        problems.append(f"line {line}: type {etype!r} is not one of {', '.join(ENTERPRISE_TYPES)}")
    uscc = str(row.get("uscc") or "").strip().upper() or None
    if uscc and not _USCC.match(uscc):
        problems.append(f"line {line}: uscc {uscc!r} is not an 18-character credit code")
    nested = row.get("accounts")
    raw_accounts: dict[str, Any] = nested if isinstance(nested, dict) else row
    accounts: dict[Hub, tuple[str, ...]] = {}
    for hub in Hub:
        names = _split_accounts(raw_accounts.get(hub.value))
        for account in names:
            if not _ACCOUNT.match(account):
                problems.append(f"line {line}: {hub.value} account {account!r} is not a valid name")
        if names:
            accounts[hub] = tuple(dict.fromkeys(names))
    confirmed = _parse_confirmed(line, row.get("confirmed"), accounts, problems)
    unknown = set(row) - {*CSV_HEADER_CONFIRMED, "accounts"}
    if unknown:
        problems.append(f"line {line}: unknown field(s) {', '.join(sorted(unknown))}")
    if len(problems) > before:
        return None
    return Enterprise(
        name=name,
        type=etype,
        uscc=uscc,
        accounts=accounts,
        confirmed=confirmed,
        city=normalise_city(row.get("city")),
        district=str(row.get("district") or "").strip() or None,
    )


def build_registry(
    rows: list[tuple[int, dict[str, Any]]], source: str, unit: str = "line"
) -> Registry:
    """Validate every row; raise one :class:`RegistryError` listing all problems."""
    problems: list[str] = []
    enterprises: list[Enterprise] = []
    seen_names: dict[str, int] = {}
    seen_uscc: dict[str, tuple[str, int]] = {}
    owners: dict[tuple[Hub, str], tuple[str, int]] = {}
    for line, row in rows:
        if not isinstance(row, dict):
            problems.append(f"line {line}: expected a mapping, got {type(row).__name__}")
            continue
        enterprise = _parse_row(line, row, problems)
        if enterprise is None:
            continue
        if enterprise.name in seen_names:
            problems.append(
                f"line {line}: {enterprise.name!r} already defined "
                f"on line {seen_names[enterprise.name]}"
            )
            continue
        seen_names[enterprise.name] = line
        if enterprise.uscc:
            if enterprise.uscc in seen_uscc:
                other, other_line = seen_uscc[enterprise.uscc]
                problems.append(
                    f"line {line}: uscc {enterprise.uscc} already belongs to {other!r} "
                    f"(line {other_line}); one firm, one entry"
                )
                continue
            seen_uscc[enterprise.uscc] = (enterprise.name, line)
        for hub, accounts in enterprise.accounts.items():
            for account in accounts:
                key = (hub, account.lower())
                if key in owners and owners[key][0] != enterprise.name:
                    other, other_line = owners[key]
                    problems.append(
                        f"line {line}: {hub.value} account {account!r} already belongs to "
                        f"{other!r} (line {other_line}); one account belongs to one enterprise"
                    )
                owners.setdefault(key, (enterprise.name, line))
        enterprises.append(enterprise)
    if problems:
        if unit != "line":
            problems = [p.replace("line ", f"{unit} ") for p in problems]
        raise RegistryError(f"{source}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    if not enterprises:
        raise RegistryError(f"{source}: no enterprises")
    return Registry(tuple(enterprises))


def _csv_rows(text: str, source: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise RegistryError(f"{source}: empty file") from None
    if tuple(header) not in (CSV_HEADER, CSV_HEADER_CONFIRMED):
        raise RegistryError(
            f"{source}: header must be {','.join(CSV_HEADER)}[,confirmed]; got {','.join(header)}"
        )
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(f"line {line}: {len(values)} cells, expected {len(header)}")
            continue
        rows.append((line, dict(zip(header, values, strict=True))))
    if problems:
        raise RegistryError(f"{source}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return rows


def load_registry(path: Path) -> Registry:
    """Read a registry from ``.csv`` or ``.yaml``/``.yml`` (UTF-8, BOM tolerated)."""
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RegistryError(f"{source}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{source}: not UTF-8 text") from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return build_registry(_csv_rows(text, source), source)
    if suffix in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise RegistryError(f"{source}: invalid YAML: {exc}") from exc
        if isinstance(data, dict):
            data = data.get("enterprises")
        if not isinstance(data, list):
            raise RegistryError(f"{source}: expected a list of enterprises (or enterprises: [...])")
        return build_registry([(i + 1, row) for i, row in enumerate(data)], source, "entry")
    raise RegistryError(f"{source}: unsupported file type {suffix!r}; use .csv, .yaml or .yml")
