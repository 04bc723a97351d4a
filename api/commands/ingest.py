"""``scenehub ingest FILE``: import a JSONL, CSV or XLSX list into the store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from api.deps import get_store
from core.ingest.importer import IngestError, load_file
from core.records import RecordKind
from core.store import StoreBusy


def register(app: typer.Typer) -> None:
    @app.command("ingest")
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
        """Import FILE. A bad line stops the import and nothing of the file is stored."""
        try:
            loaded = load_file(file, kind=kind, skip_invalid=skip_invalid)
        except IngestError as exc:
            typer.echo(f"error: {exc}", err=True)
            typer.echo("nothing stored.", err=True)
            raise typer.Exit(1) from exc
        for problem in loaded.skipped:
            typer.echo(f"skipped {problem}", err=True)
        total = len(loaded.records)

        def progress(done: int) -> None:
            print(f"writing {done}/{total} (one transaction)", file=sys.stderr, flush=True)

        try:
            report = get_store().upsert_many(loaded.records, progress=progress)
        except StoreBusy as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"{file}: {report.summary()}, {len(loaded.skipped)} skipped")
