"""``scenehub contrib …`` and ``scenehub sample-hub serve``.

Every command is a module-level function that parses options, calls one service function
(:mod:`api.services.contrib`, :mod:`api.services.hubs`) and renders the result. There is one
way to fail: a service or engine error, mapped once for every command by
:class:`~api.commands.group.CommandGroup` to an ``error:`` line and exit code 1; bad option
values exit 2.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.services import contrib as service
from api.services import hubs
from api.services.contrib import KINDS, AwardRun, ContribError, RankingRun, ReviewDecision
from api.services.errors import UsageError
from api.services.rankings import check_category
from api.services.stores import get_store

CATEGORIES = ("models", "operators", "datasets")


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Snapshot date YYYY-MM-DD (default: the latest).")
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Award config YAML (default: bundled).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")]


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of must be YYYY-MM-DD, got {value!r}") from None


def _dump(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n")


def _console() -> Console:
    return Console(width=max(Console().width, 150))


def print_run(run: RankingRun, reviews: dict[str, list[ReviewDecision]] | None = None) -> None:
    reviews = reviews or {}
    table = Table(
        title=f"{run.category} as of {run.as_of} (window {run.window[0]}…{run.window[-1]}, "
        f"snapshots {run.snapshot_ids}, config {run.config_version}, code {run.code_version})",
        caption="components: contribution to the score (– missing); flags are shown, never "
        "applied; tiers are decided across all categories (at most 10 firms in all)",
    )
    for column in ("rank", "enterprise", "score", "award", "components", "flags", "review"):
        table.add_column(column, overflow="fold")
    for r in run.ranked():
        parts = [
            f"{service.component_short(k)} "
            f"{'–' if v['value'] is None else format(v['contribution'], '.3f')}"
            for k, v in r["components"].items()
        ]
        table.add_row(
            f"{r['rank']}{'=' if r['tie'] else ''}",
            r["enterprise"],
            f"{r['score']:.4f}",
            f"#{r['award_position']} {r['tier']} ¥{r['amount_cny']:,}" if r["tier"] else "",
            " · ".join(parts),
            "; ".join(f["type"] for f in r["flags"]),
            "; ".join(d.line() for d in reviews.get(r["enterprise"], [])),
        )
    console = _console()
    console.print(table)
    if run.missing_months:
        console.print(f"missing months (no snapshot, counted as no data): {run.missing_months}")
    if run.note:
        console.print(f"[bold]{run.note}[/]")


def print_award(award: AwardRun, reviews: dict[str, list[ReviewDecision]] | None = None) -> None:
    for run in award.categories:
        print_run(run, reviews)
    console = _console()
    table = Table(title="awards across categories (政策第四条: at most 10 firms, one award each)")
    for column in ("position", "enterprise", "category", "rank", "tier", "amount"):
        table.add_column(column)
    for a in award.awards:
        table.add_row(
            str(a["position"]),
            a["enterprise"],
            a["category"],
            str(a["category_rank"]),
            a["tier"],
            f"¥{a['amount_cny']:,}",
        )
    console.print(table)
    console.print(f"total ¥{award.total_cny:,} to {len(award.awards)} firms")
    for check in award.checks:
        mark = "ok  " if check["ok"] else "FAIL"
        console.print(f"cap check {mark} {check['check']}: {check['detail']}")
    for note in award.notes:
        console.print(f"note: {note}")


# -- commands ---------------------------------------------------------------------------
def registry_import(file: Annotated[Path, typer.Argument(metavar="FILE")]) -> None:
    """Import enterprises and their hub accounts from YAML or CSV (all or nothing)."""
    report = hubs.import_registry_file(get_store(), file)
    typer.echo(f"registry {file.name}: {report.summary()}")


def pull_command(
    registry: Annotated[Path | None, typer.Option(help="Import this registry first.")] = None,
    hf_endpoint: Annotated[
        str, typer.Option("--hf-endpoint", help="Default: the real Hugging Face Hub.")
    ] = hubs.REAL_ENDPOINTS["hf"],
    modelscope_endpoint: Annotated[
        str, typer.Option("--modelscope-endpoint", help="Default: the real ModelScope.")
    ] = hubs.REAL_ENDPOINTS["modelscope"],
    github_endpoint: Annotated[
        str, typer.Option("--github-endpoint", help="Default: the real GitHub API.")
    ] = hubs.REAL_ENDPOINTS["github"],
    as_of: AsOf = None,
    config: ConfigOpt = None,
) -> None:
    """Pull every hub with registered accounts into one dated snapshot.

    Without endpoint options this talks to the REAL hubs
    (huggingface.co, modelscope.cn, api.github.com), and --as-of
    must then be today. Offline: start `scenehub sample-hub serve`
    and pass its URLs. An account the hub answers 404 for is
    reported, recorded in the snapshot and skipped.
    """
    store = get_store()
    if registry is not None:
        typer.echo(f"registry: {hubs.import_registry_file(store, registry).summary()}")
    report = hubs.pull_hubs(
        store,
        _date(as_of),
        {"hf": hf_endpoint, "modelscope": modelscope_endpoint, "github": github_endpoint},
        config=config,
        progress=lambda line: typer.echo(f"  {line}", err=True),
    )
    typer.echo(report.summary())


def rank_command(
    category: Annotated[
        str | None, typer.Option(help="models | operators | datasets (default: all).")
    ] = None,
    as_of: AsOf = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Rank candidates; award at most 10 firms in all, with cap checks.

    Tiers are decided across all categories (one award per firm).
    The run is recorded for `scenehub contrib replay`.
    """
    if category is not None:
        check_category(category, config)
    store = get_store()
    recorded = service.rank_awards(store, _date(as_of), config)
    award = recorded.award
    if as_json:
        if category is None:
            _dump({"run_id": recorded.id, **award.as_dict()})
        else:
            keys = (
                "enterprise",
                "rank",
                "score",
                "tier",
                "amount_cny",
                "award_position",
                "tie",
                "components",
                "missing",
                "flags",
                "evidence",
            )
            _dump([{k: r[k] for k in keys} for r in award.category(category).ranked()])
        return
    reviews = service.reviews_by_enterprise(store)
    if category is None:
        print_award(award, reviews)
    else:
        print_run(award.category(category), reviews)
        for check in award.checks:
            typer.echo(f"cap check {'ok' if check['ok'] else 'FAIL'}: {check['check']}")
    typer.echo(f"recorded as run {recorded.id} (replay: scenehub contrib replay {recorded.id})")


def export_command(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="json | csv | xlsx")],
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
    if fmt is ExportFormat.XLSX and output is None:
        raise typer.BadParameter("xlsx needs --output FILE", param_hint="--format")
    for name in category or ():
        check_category(name, config)
    data = service.export_rankings(get_store(), fmt.value, category, _date(as_of), config)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise ContribError(f"cannot write {output}: {exc.strerror}") from exc
    typer.echo(f"wrote {output} ({len(data):,} bytes)")


def evidence_command(
    enterprise: Annotated[str, typer.Argument(metavar="ENTERPRISE")],
    as_of: AsOf = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """The evidence pack of one candidate.

    Repos with monthly series, copies, exclusions, flags with their
    numbers, leaderboard standing, self-reported results, review.
    """
    pack = service.evidence_pack(get_store(), enterprise, _date(as_of), config)
    if as_json:
        _dump(pack)
        return
    console = _console()
    console.rule(f"{enterprise} as of {pack['as_of']} (window {pack['window'][0]}…)")
    for a in pack["awards"]:
        console.print(f"award: #{a['position']} {a['tier']} ¥{a['amount_cny']:,} ({a['category']})")
    for c in pack["categories"]:
        console.print(
            f"[bold]{c['category']}[/]: rank {c['rank']} score {c['score']:.4f} "
            f"{c['eligibility_note'] or 'eligible'}"
        )
        for name, comp in c["components"].items():
            console.print(f"  {name}: {comp['detail']} (score {comp['score']})")
        for flag in c["flags"]:
            console.print(f"  flag {flag['type']}: {flag['detail']}")
        for item in c["excluded"]:
            console.print(f"  excluded: {json.dumps(item, ensure_ascii=False)}")
        for family in c["families"]:
            console.print(f"  family (counted once): {', '.join(family)}")
        console.print(f"  {len(c['repos'])} repos (monthly series in --json)")
    for d in pack["review"]:
        console.print(f"review #{d['id']} {d['kind']} by {d['reviewer']}: {d['decision']}")


def review_add(
    enterprise: Annotated[str, typer.Argument(metavar="ENTERPRISE")],
    kind: Annotated[str, typer.Option(help=f"{' | '.join(KINDS)}")],
    decision: Annotated[str, typer.Option(help="What was decided.")],
    reason: Annotated[str, typer.Option(help="Why.")],
    reviewer: Annotated[
        str, typer.Option(help="Who decided: a committee member's account (scenehub users add).")
    ],
    category: Annotated[str | None, typer.Option(help="The category it concerns.")] = None,
    run_id: Annotated[int | None, typer.Option("--run", help="The run it concerns.")] = None,
) -> None:
    """Record a committee decision, override or appeal (who, when, why).

    Checked as the API checks it: a known kind, category, enterprise and run, a reason, and
    a reviewer whose account may record decisions.
    """
    d = service.record_review(
        get_store(),
        enterprise=enterprise,
        kind=kind,
        decision=decision,
        reason=reason,
        reviewer=reviewer,
        category=category,
        run_id=run_id,
    )
    typer.echo(f"recorded {d.line()}")


def review_list(
    enterprise: Annotated[str | None, typer.Argument(metavar="[ENTERPRISE]")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List recorded decisions (all, or one firm's)."""
    found = service.review_decisions(get_store(), enterprise)
    if as_json:
        _dump([d.as_dict() for d in found])
        return
    for d in found:
        typer.echo(f"{d.enterprise}: {d.line()}")
    if not found:
        typer.echo("no review decisions recorded.")


def sensitivity_command(
    as_of: AsOf = None,
    delta: Annotated[float, typer.Option(min=0.01, max=0.9, help="Weight change.")] = 0.2,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
) -> None:
    """How each candidate's rank/tier moves when any one weight moves ±delta."""
    table = service.sensitivity_table(get_store(), _date(as_of), config, delta)
    if as_json:
        _dump(table.as_dict())
        return
    moved = set(table.moved())
    view = Table(title=f"sensitivity: rank/tier under each weight ×(1±{delta:g})")
    for column in ("category", "enterprise", "base", "moves"):
        view.add_column(column, overflow="fold")
    for (category, firm), cells in sorted(table.rows.items()):
        if cells["base"].startswith("–") and (category, firm) not in moved:
            continue
        changes = [f"{k}: {v}" for k, v in cells.items() if k != "base" and v != cells["base"]]
        view.add_row(category, firm, cells["base"], "; ".join(changes) or "stable")
    _console().print(view)
    typer.echo(f"{len(moved)} of {len(table.rows)} candidates move under some variant")


def replay_command(run_id: Annotated[int, typer.Argument(metavar="RUN_ID")]) -> None:
    """Recompute a recorded run from its snapshot ids and config text; compare bytes."""
    report = service.replay(get_store(), run_id)
    typer.echo(report.summary())
    if not report.identical:
        raise typer.Exit(1)


def demo_command(
    months: Annotated[int, typer.Option(min=1, max=12, help="Monthly snapshots to pull.")] = 6,
) -> None:
    """Offline demo: sample hub → bundled registry → monthly pulls → awards and cap checks."""
    print_award(hubs.sample_awards(get_store(), months=months, progress=typer.echo))


def serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    models: Annotated[int, typer.Option(help="Models to generate.")] = 2000,
    rate_limit_every: Annotated[
        int, typer.Option(help="Answer every N-th request with 429 (0: never).")
    ] = 200,
) -> None:
    """Serve the sample hub until interrupted; prints the per-month endpoints."""
    with service.sample_hub(models, port, rate_limit_every) as handle:
        typer.echo(
            f"sample hub at {handle.url} (latest month); months: "
            + ", ".join(d.isoformat() for d in handle.as_of_dates())
        )
        typer.echo(
            f"e.g. scenehub contrib pull --registry {service.sample_registry_path()} "
            f"--hf-endpoint {handle.url} --modelscope-endpoint {handle.url} "
            f"--github-endpoint {handle.url} --as-of {handle.as_of_dates()[-1]}"
        )
        with contextlib.suppress(KeyboardInterrupt):
            while handle.thread.is_alive():
                time.sleep(0.5)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Hub contribution tracker and award ranking.", no_args_is_help=True)
    registry_group = typer.Typer(help="The enterprise registry.", no_args_is_help=True)
    review_group = typer.Typer(
        help="Committee decisions, overrides, appeals.", no_args_is_help=True
    )
    group.add_typer(registry_group, name="registry")
    group.add_typer(review_group, name="review")
    app.add_typer(group, name="contrib")
    registry_group.command("import")(registry_import)
    review_group.command("add")(review_add)
    review_group.command("list")(review_list)
    for name, fn in (
        ("pull", pull_command),
        ("rank", rank_command),
        ("export", export_command),
        ("evidence", evidence_command),
        ("sensitivity", sensitivity_command),
        ("replay", replay_command),
        ("demo", demo_command),
    ):
        group.command(name)(fn)
    hub_group = typer.Typer(
        help="The offline sample hub (HF, ModelScope, GitHub API shapes).", no_args_is_help=True
    )
    app.add_typer(hub_group, name="sample-hub")
    hub_group.command("serve")(serve)


__all__ = ["CATEGORIES", "ExportFormat", "print_award", "print_run", "register"]
