"""``scenehub loop funnel|supply|unanswered|export|invitations``: what came of the lists.

The CLI acts as the operator. ``supply`` and ``unanswered`` score open needs against the
index (synced first, as every CLI matcher is); the API computes the same from the index
it has loaded, never rebuilding it in a request.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.commands.common import EmbedderOption, make_matcher, reads_records
from api.services import loop_board
from api.services import loop_figures as figures
from api.services.loop_figures import GroupBy
from api.services.stores import get_store

ByOption = Annotated[GroupBy, typer.Option("--by", help="Group by batch, domain or district.")]
ThresholdOption = Annotated[
    float, typer.Option("--threshold", min=0.0, max=1.0, help="Minimum match score, 0-1.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _show(title: str, rows: list[Any], as_json: bool) -> None:
    header, cells = figures.table(rows)
    if as_json:
        typer.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, default=str))
        return
    table = Table(title=title)
    for name in header:
        table.add_column(name)
    for row in cells:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


@reads_records
def funnel(by: ByOption = GroupBy.DOMAIN, as_json: JsonOption = False) -> None:
    """published → answered → shortlisted → contracted → delivered, median days between."""
    _show(f"funnel by {by.value}", figures.funnel(get_store(), by, operator=True), as_json)


@reads_records
def supply(
    by: ByOption = GroupBy.DOMAIN,
    threshold: ThresholdOption = 0.5,
    max_scenes: Annotated[
        int, typer.Option("--max-scenes", min=1, max=5000, help="Open needs to score at most.")
    ] = 500,
    embedder: EmbedderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open needs against firms matching them above the threshold; firms answering nothing."""
    found = figures.supply_demand(
        make_matcher(embedder), by, threshold=threshold, max_scenes=max_scenes, operator=True
    )
    if as_json:
        typer.echo(json.dumps(asdict(found), ensure_ascii=False, default=str))
        return
    _show(f"supply against demand by {by.value}", found.rows, False)
    _show("firms with strong matches that answer nothing", found.silent_firms, False)
    typer.echo(
        f"{found.scenes_considered} open needs scored, {found.scenes_left_out} left out "
        f"(--max-scenes {max_scenes})"
    )


MaxScenes = Annotated[
    int, typer.Option("--max-scenes", min=1, max=5000, help="Open needs to score at most.")
]


@reads_records
def unanswered(
    days: Annotated[int, typer.Option("--days", min=0, max=3650)] = 14,
    threshold: ThresholdOption = 0.5,
    max_scenes: MaxScenes = 500,
    embedder: EmbedderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open needs with no interest at least --days after publication, and strong firms."""
    found, left_out = figures.unanswered(
        make_matcher(embedder), days=days, threshold=threshold, max_scenes=max_scenes, operator=True
    )
    _show(f"no interest after {days} days", found, as_json)
    if left_out and not as_json:
        typer.echo(f"{left_out} more not listed")


class Table_(StrEnum):
    FUNNEL = "funnel"
    SUPPLY = "supply"


@reads_records
def export(
    out: Annotated[Path, typer.Argument(help="File to write: .csv or .xlsx.")],
    table: Annotated[Table_, typer.Option("--table")] = Table_.FUNNEL,
    by: ByOption = GroupBy.DOMAIN,
    threshold: ThresholdOption = 0.5,
    max_scenes: MaxScenes = 500,
    embedder: EmbedderOption = None,
) -> None:
    """Write the funnel or the supply table as CSV or XLSX (by the file's suffix)."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise typer.BadParameter("the file ends in .csv or .xlsx", param_hint="OUT")
    if table is Table_.FUNNEL:
        header, rows = figures.table(figures.funnel(get_store(), by, operator=True))
    else:
        found = figures.supply_demand(
            make_matcher(embedder), by, threshold=threshold, max_scenes=max_scenes, operator=True
        )
        header, rows = figures.table(found.rows)
    if out.suffix.lower() == ".csv":
        out.write_text(figures.to_csv(header, rows), encoding="utf-8-sig")
    else:
        out.write_bytes(figures.to_xlsx(header, rows, table.value))
    typer.echo(f"{len(rows)} rows written to {out}")


def invitations(as_json: JsonOption = False) -> None:
    """Invitations no channel has delivered yet (the firm has no channel, or sending fails)."""
    _show("invitations awaiting delivery", loop_board.pending_invitations(get_store()), as_json)


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="The matchmaking loop's figures: funnel, supply/demand, unanswered needs.",
        no_args_is_help=True,
    )
    for command in (funnel, supply, unanswered, export, invitations):
        group.command(command.__name__)(command)
    app.add_typer(group, name="loop")
