"""Export ranking runs as JSON, CSV or XLSX with every component and the evidence URLs."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook

from contrib.ranking.components import REGISTRY
from contrib.ranking.rank import RankingRun

ExportFormat = Literal["json", "csv", "xlsx"]
_FIXED = (
    "category",
    "rank",
    "enterprise",
    "eligible",
    "eligibility_note",
    "score",
    "tier",
    "amount_cny",
    "award_position",
    "tie",
)


def _header() -> list[str]:
    parts = [f"{c}_{k}" for c in sorted(REGISTRY) for k in ("value", "score", "contribution")]
    return [
        *_FIXED,
        *parts,
        "missing",
        "flags",
        "evidence",
        "snapshot_ids",
        "config_hash",
        "code_version",
    ]


def _rows(runs: list[RankingRun]) -> list[list[Any]]:
    rows = []
    for run in runs:
        for r in run.results:
            row: list[Any] = [
                run.category,
                r["rank"],
                r["enterprise"],
                r["eligible"],
                r["eligibility_note"] or "",
                r["score"],
                r["tier"] or "",
                r["amount_cny"],
                r["award_position"],
                r["tie"],
            ]
            for c in sorted(REGISTRY):
                entry = r["components"].get(c)
                row += (
                    [None, None, None]
                    if entry is None
                    else [entry["value"], entry["score"], entry["contribution"]]
                )
            row += [
                "; ".join(r["missing"]),
                " | ".join(f"{f['type']}: {f['detail']}" for f in r["flags"]),
                " ".join(r["evidence"]),
                ",".join(map(str, run.snapshot_ids)),
                run.config_hash,
                run.code_version,
            ]
            rows.append(row)
    return rows


def render(runs: list[RankingRun], fmt: ExportFormat) -> bytes:
    """The export as bytes; the same runs give the same bytes in every format."""
    if fmt == "json":
        payload = [run.as_dict() for run in runs]
        return (json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode(
            "utf-8"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_header())
        writer.writerows(["" if v is None else v for v in row] for row in _rows(runs))
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese correctly
    if fmt == "xlsx":
        return _xlsx(runs)
    raise ValueError(f"unknown export format {fmt!r}")


def _xlsx(runs: list[RankingRun]) -> bytes:
    from datetime import datetime

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "rankings"
    sheet.append(_header())
    for row in _rows(runs):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    fixed = datetime(2000, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "scenehub"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the XLSX zip with a fixed entry time, so equal cells give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def write(runs: list[RankingRun], fmt: ExportFormat, path: Path) -> None:
    path.write_bytes(render(runs, fmt))
