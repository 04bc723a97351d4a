"""``scenehub contrib …`` (registry, pull, rank, export) and ``scenehub sample-hub serve``."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.deps import get_store
from api.services import rankings as ranking_service
from api.services.errors import InvalidInput, UsageError
from contrib.export import ExportFormat, render
from contrib.pull import DEFAULT_ENDPOINTS, Clients, pull
from contrib.ranking.rank import RankingRun
from contrib.registry import load_registry
from contrib.store import import_registry, load_stored_registry
from contrib.types import Hub
from core.settings import get_settings

CATEGORIES = ("models", "operators", "datasets")
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Snapshot date YYYY-MM-DD (default: today / latest).")
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Award config YAML (default: bundled).")
]


class RankingFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


_RENDER: dict[RankingFormat, ExportFormat] = {
    RankingFormat.JSON: "json",
    RankingFormat.CSV: "csv",
    RankingFormat.XLSX: "xlsx",
}


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--as-of must be YYYY-MM-DD, got {value!r}") from exc


SHORT = {
    "downloads_30d": "30d",
    "downloads_all_time": "all",
    "consistency": "lead",
    "derivative_influence": "deriv",
    "community": "OR",
    "benchmark": "bench",
}


def print_run(run: RankingRun) -> None:
    console = Console(width=max(Console().width, 150))
    table = Table(
        title=f"{run.category} as of {run.as_of} "
        f"(snapshots {run.snapshot_ids}, config {run.config_version}, code {run.code_version})",
        caption="components: contribution to the score (– missing); flags are shown, never applied",
    )
    for column in ("rank", "enterprise", "score", "tier", "components", "flags"):
        table.add_column(column, overflow="fold")
    for r in run.ranked():
        parts = [
            f"{SHORT.get(k, k)} {'–' if v['value'] is None else format(v['contribution'], '.3f')}"
            for k, v in r["components"].items()
        ]
        table.add_row(
            f"{r['rank']}{'=' if r['tie'] else ''}",
            r["enterprise"],
            f"{r['score']:.4f}",
            f"{r['tier']} ¥{r['amount_cny']:,}" if r["tier"] else "",
            " · ".join(parts),
            "; ".join(f["type"] for f in r["flags"]),
        )
    console.print(table)


def registry_import(file: Annotated[Path, typer.Argument(metavar="FILE")]) -> None:
    """Import enterprises and their hub accounts from YAML or CSV (all or nothing)."""
    report = import_registry(get_store().engine, load_registry(file))
    typer.echo(f"registry {file.name}: {report.summary()}")


def pull_command(
    registry: Annotated[Path | None, typer.Option(help="Import this registry first.")] = None,
    hf_endpoint: Annotated[str, typer.Option("--hf-endpoint")] = DEFAULT_ENDPOINTS[Hub.HF],
    modelscope_endpoint: Annotated[str, typer.Option("--modelscope-endpoint")] = DEFAULT_ENDPOINTS[
        Hub.MODELSCOPE
    ],
    github_endpoint: Annotated[str, typer.Option("--github-endpoint")] = DEFAULT_ENDPOINTS[
        Hub.GITHUB
    ],
    as_of: AsOf = None,
) -> None:
    """Pull every hub with registered accounts into one dated, immutable snapshot."""
    day = _date(as_of) or datetime.now(UTC).date()
    engine = get_store().engine
    if registry is not None:
        typer.echo(f"registry: {import_registry(engine, load_registry(registry)).summary()}")
    endpoints = {
        Hub.HF: hf_endpoint,
        Hub.MODELSCOPE: modelscope_endpoint,
        Hub.GITHUB: github_endpoint,
    }
    settings = get_settings()
    clients = Clients.for_endpoints(
        endpoints,
        hf_token=settings.hf_token.get_secret_value() if settings.hf_token else None,
        github_token=settings.github_token.get_secret_value() if settings.github_token else None,
    )
    report = pull(
        engine,
        load_stored_registry(engine),
        day,
        endpoints,
        clients=clients,
        progress=lambda line: typer.echo(f"  {line}", err=True),
    )
    typer.echo(report.summary())


RANK_KEYS = (
    "enterprise",
    "rank",
    "score",
    "tier",
    "amount_cny",
    "tie",
    "components",
    "missing",
    "flags",
    "evidence",
)


def rank_command(
    category: Annotated[str, typer.Option(help="models | operators | datasets")],
    as_of: AsOf = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Rank eligible enterprises of one category (at most 10), with components and flags."""
    run = ranking_service.ranking(get_store(), category, _date(as_of), config=config, record=True)
    if as_json:
        payload = [{k: r[k] for k in RANK_KEYS} for r in run.ranked()]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    else:
        print_run(run)


def export_command(
    fmt: Annotated[RankingFormat, typer.Option("--format")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout for json/csv).")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option(help="Repeatable; default: every category.")
    ] = None,
    as_of: AsOf = None,
    config: ConfigOpt = None,
) -> None:
    """Export rankings (every candidate, every component, evidence URLs)."""
    if fmt is RankingFormat.XLSX and output is None:
        raise UsageError("xlsx needs --output FILE")
    names = category or ranking_service.categories(config)
    day = _date(as_of)
    runs = [ranking_service.ranking(get_store(), c, day, config=config, record=True) for c in names]
    data = render(runs, _RENDER[fmt])
    if output is None:
        sys.stdout.buffer.write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from exc
    typer.echo(f"wrote {output} ({len(data):,} bytes)")


def demo_command(
    months: Annotated[int, typer.Option(min=1, max=12, help="Monthly snapshots to pull.")] = 6,
) -> None:
    """Offline demo: sample hub → bundled registry → monthly pulls → rankings."""
    from contrib.demo import sample_rankings

    for run in sample_rankings(get_store().engine, months=months, progress=typer.echo):
        print_run(run)


def sample_hub_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    models: Annotated[int, typer.Option(help="Models to generate.")] = 2000,
    rate_limit_every: Annotated[
        int, typer.Option(help="Answer every N-th request with 429 (0: never).")
    ] = 200,
) -> None:
    """Serve the sample hub until interrupted; prints the per-month endpoints."""
    from contrib.sample_hub import generate, registry_path, serve_in_thread

    handle = serve_in_thread(generate(models), port=port, rate_limit_every=rate_limit_every)
    typer.echo(
        f"sample hub at {handle.url} (latest month); months: "
        + ", ".join(d.isoformat() for d in handle.as_of_dates())
    )
    typer.echo(
        f"e.g. scenehub contrib pull --registry {registry_path()} --hf-endpoint {handle.url} "
        f"--modelscope-endpoint {handle.url} --github-endpoint {handle.url}"
    )
    try:
        while handle.thread.is_alive():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Hub contribution tracker and award ranking.", no_args_is_help=True)
    registry_group = typer.Typer(help="The enterprise registry.", no_args_is_help=True)
    group.add_typer(registry_group, name="registry")
    app.add_typer(group, name="contrib")
    registry_group.command("import")(registry_import)
    group.command("pull")(pull_command)
    group.command("rank")(rank_command)
    group.command("export")(export_command)
    group.command("demo")(demo_command)
    hub_group = typer.Typer(
        help="The offline sample hub (HF, ModelScope, GitHub API shapes).", no_args_is_help=True
    )
    app.add_typer(hub_group, name="sample-hub")
    hub_group.command("serve")(sample_hub_serve)


__all__ = ["CATEGORIES", "RankingFormat", "register"]
