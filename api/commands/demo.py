"""``scenehub demo``: the main job on embedded defaults, end to end, no server needed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer
from rich.console import Console

from api.deps import get_store
from core.ingest.importer import load_file
from core.records import RecordKind

SAMPLE_FILES: tuple[tuple[str, RecordKind], ...] = (
    ("scenes.jsonl", RecordKind.SCENE),
    ("capabilities.csv", RecordKind.CAPABILITY),  # GBK-encoded, as many portals publish
)


def sample_path(name: str) -> Path:
    return Path(str(resources.files("core") / "sample_data" / name))


def ingest_samples(console: Console) -> None:
    store = get_store()
    for name, kind in SAMPLE_FILES:
        loaded = load_file(sample_path(name), kind=kind)
        report = store.upsert_many(loaded.records)
        console.print(f"[bold]ingest[/] {name}: {report.summary()}")


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo() -> None:
        """Ingest the bundled sample lists into the store and print them."""
        console = Console()
        ingest_samples(console)
        store = get_store()
        for kind in RecordKind:
            console.rule(f"{kind.value} records ({store.count(kind)})")
            for record in store.iter_records(kind=kind):
                console.print(
                    f"{record.id}  {record.title}  [dim]{record.org or ''}  "
                    f"{'、'.join(record.domains)}  {record.district or ''}  v{record.version}[/]"
                )
