"""``scenehub ingest FILE``: import a JSONL, CSV or XLSX list into the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from api.services.ingest import ingest_file
from api.services.stores import get_store
from core.records import RecordKind


def ingest(
    file: Annotated[Path, typer.Argument(help="A .jsonl, .csv or .xlsx list.")],
    kind: Annotated[
        RecordKind | None,
        typer.Option(help="scene (demand) or capability (supply); JSONL may carry its own."),
    ] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Store valid rows, report the bad ones.")
    ] = False,
) -> None:
    """Import FILE. A bad line stops the import and nothing of the file is stored.

    Matching sees the new records after `scenehub index` (a running server's refresher
    does it within SCENEHUB_INDEX_REFRESH_SECONDS).
    """

    def progress(done: int, total: int) -> None:
        print(f"writing {done}/{total} (one transaction)", file=sys.stderr, flush=True)

    result = ingest_file(get_store(), file, kind=kind, skip_invalid=skip_invalid, progress=progress)
    for problem in result.skipped:
        typer.echo(f"skipped {problem}", err=True)
    typer.echo(f"{file}: {result.report.summary()}, {len(result.skipped)} skipped")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
