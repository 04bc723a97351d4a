"""``scenehub records list|show|export``: read what the store holds."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.commands.common import reads_records
from api.services.errors import InvalidInput
from api.services.stores import get_store
from core.export import ExportFormat, record_to_json, write_records
from core.records import RecordKind, StoredRecord

KindOption = Annotated[RecordKind | None, typer.Option(help="scene or capability; default both.")]


class RecordFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


_EXPORT: dict[RecordFormat, ExportFormat] = {RecordFormat.JSONL: "jsonl", RecordFormat.CSV: "csv"}


def _print_table(records: list[StoredRecord], title: str) -> None:
    table = Table(title=title)
    for column in ("id", "kind", "title", "org", "domains", "district", "v"):
        table.add_column(column, overflow="fold")
    for r in records:
        table.add_row(
            r.id,
            r.kind.value,
            r.title,
            r.org or "",
            "、".join(r.domains),
            r.district or "",
            str(r.version),
        )
    Console().print(table)


@reads_records
def list_records(
    kind: KindOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 50,
) -> None:
    """List current records (id, title, org, domains)."""
    store = get_store()
    records = []
    for record in store.iter_records(kind=kind):
        records.append(record)
        if len(records) >= limit:
            break
    total = store.count(kind)
    _print_table(records, f"{len(records)} of {total} records")


@reads_records
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    history: Annotated[bool, typer.Option("--history", help="Print every version.")] = False,
) -> None:
    """Print one record as JSON (with --history: every version, oldest first)."""
    store = get_store()
    versions = store.history(record_id) if history else [store.get(record_id)]
    payload: object = [record_to_json(v) for v in versions]
    if not history:
        payload = record_to_json(versions[0]) | {"seen_at": store.sources(record_id)}
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=_iso))


@reads_records
def export(
    kind: KindOption = None,
    fmt: Annotated[RecordFormat, typer.Option("--format")] = RecordFormat.JSONL,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default stdout.")
    ] = None,
) -> None:
    """Export current records with every field; external ids are kept."""
    records = get_store().iter_records(kind=kind)
    if output is None:
        write_records(records, sys.stdout, _EXPORT[fmt])
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as out:
            count = write_records(records, out, _EXPORT[fmt])
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from exc
    typer.echo(f"wrote {count} records to {output}", err=True)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="List, show and export stored records.", no_args_is_help=True)
    group.command("list")(list_records)
    group.command("show")(show)
    group.command("export")(export)
    app.add_typer(group, name="records")


def _iso(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
