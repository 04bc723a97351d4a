"""Write records as JSONL or CSV: every field, external ids kept, raw rows as JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any, Literal

from core.records import Record, StoredRecord

ExportFormat = Literal["jsonl", "csv"]
EXPORT_FIELDS: tuple[str, ...] = (
    *Record.model_fields,
    "content_hash",
    "first_seen",
    "last_seen",
    "version",
    "sources",
)


def record_to_json(record: StoredRecord) -> dict[str, Any]:
    return record.model_dump(mode="json")


def write_records(records: Iterable[StoredRecord], out: IO[str], fmt: ExportFormat) -> int:
    count = 0
    if fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record_to_json(record), ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_FIELDS))
    writer.writeheader()
    for record in records:
        row = record_to_json(record)
        for name in ("domains", "sources"):
            row[name] = "|".join(row[name])
        row["raw"] = json.dumps(row["raw"], ensure_ascii=False)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        count += 1
    return count
