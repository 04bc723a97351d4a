"""``scenehub index | match | eval``: the matching commands (subscriptions: ``alerts.py``).

``match --json`` prints ``[{"id", "rank", "score", "explanation"}]``, the JSON of
``GET /api/v1/match/…``; both call :mod:`api.services.matching`. Every bad input (unknown
id, empty text, a filter value no record has, an unknown embedder) ends with one
``error:`` line and exit status 1.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from api.commands.common import EmbedderOption, make_matcher, reads_records, say, with_filters
from api.services import evaluation
from api.services import matching as service
from api.services.errors import InvalidInput
from api.services.filters import RecordFilter
from api.services.index import build_index, load_embedder
from api.services.matching import Match
from api.services.stores import get_store
from core.records import RecordKind
from core.settings import get_settings


class Split(StrEnum):
    HALVES = "halves"
    ALL = "all"
    DEV = "dev"
    TEST = "test"


def print_matches(matches: list[Match], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([m.as_dict() for m in matches], ensure_ascii=False, indent=1))
        return
    if not matches:
        typer.echo("no matches.")
    for m in matches:
        ex = m.explanation
        legs = " | ".join(
            f"{leg} #{hit['rank']} {hit['score']:.3f}" if hit else f"{leg} -"
            for leg, hit in ex.get("legs", {}).items()
        )
        record = ex["record"]
        typer.echo(f"{m.rank:>2}. {m.score:.3f}  {m.id}  {record['title']} — {record['org'] or ''}")
        typer.echo(f"      [{legs}]")
        terms = "; ".join(
            f"{field}: {'、'.join(words[:6])}" for field, words in ex["matched_terms"].items()
        )
        if terms:
            typer.echo(f"      matched {terms}")
        if ex["facets"]:
            typer.echo(f"      agrees on {json.dumps(ex['facets'], ensure_ascii=False)}")
        twins = ex.get("near_duplicates", [])
        if ex["more_from_firm"]:
            own = [i for i in ex["collapsed"] if i not in {t["id"] for t in twins}]
            typer.echo(f"      +{ex['more_from_firm']} more from this firm: {', '.join(own)}")
        if twins:
            listed = ", ".join(f"{t['id']} ({t['org'] or 'no organisation'})" for t in twins)
            typer.echo(f"      near-identical entries folded in: {listed}")


@reads_records
def index(embedder: EmbedderOption = None) -> None:
    """Build or update the scene and capability indexes from the store.

    One builder at a time; a running server swaps the new index in on its next refresh.
    """
    from rich.console import Console
    from rich.progress import Progress

    settings = get_settings()
    model = load_embedder(embedder or settings.embedder)
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("syncing with the store", total=None)

        def embedded(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def stage(message: str) -> None:
            bar.update(task, description=message)

        reports = build_index(get_store(), settings.home, model, progress=stage, embedded=embedded)
    assert reports is not None  # wait=True: we held the lock
    for kind, report in reports.items():
        if report.rebuilt_reason:
            typer.echo(f"warning: {report.rebuilt_reason}", err=True)
        typer.echo(f"{kind.value}: {report.summary()} ({get_store().count(kind)} indexed)")


@reads_records
@with_filters
def match(
    filters: RecordFilter,
    scene: Annotated[
        str | None, typer.Option("--scene", help="Suppliers for this scene id.")
    ] = None,
    capability: Annotated[
        str | None, typer.Option("--capability", help="Scenes for this capability id.")
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="Free-text query.")] = None,
    against: Annotated[
        RecordKind | None, typer.Option("--against", help="With --text: capability or scene.")
    ] = None,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=1000)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    legs: Annotated[service.Legs, typer.Option("--legs")] = service.Legs.HYBRID,
    no_collapse: Annotated[
        bool, typer.Option("--no-collapse", help="Keep every row of a firm.")
    ] = False,
    embedder: EmbedderOption = None,
) -> None:
    """Match a scene to suppliers, a supplier to scenes, or free text to either."""
    given = [v for v in (scene, capability, text) if v is not None]
    if len(given) != 1:
        raise InvalidInput("give exactly one of --scene, --capability or --text")
    if text is not None and against is None:
        raise InvalidInput("--text needs --against capability|scene")
    matcher = make_matcher(embedder)
    options: dict[str, Any] = {
        "filters": filters,
        "top_k": top_k,
        "legs": legs,
        "collapse": not no_collapse,
        "max_top_k": 1000,
    }
    if scene is not None or capability is not None:
        expect = RecordKind.SCENE if scene is not None else RecordKind.CAPABILITY
        record_id = scene if scene is not None else capability
        assert record_id is not None
        results = service.match_record(matcher, record_id, expect=expect, **options)
    else:
        assert text is not None and against is not None
        results = service.match_text(matcher, text, against, **options)
    for report in matcher.reports.values():
        if report.rebuilt_reason:
            typer.echo(f"warning: {report.rebuilt_reason}", err=True)
    print_matches(results, as_json)


def evaluate_gold(
    gold: Annotated[
        list[Path] | None,
        typer.Option(
            "--gold",
            help="Folder with scenes.jsonl, capabilities.jsonl, qrels.tsv [split.tsv] "
            "(repeatable); default: the bundled tests/data/gold and tests/data/gold_real.",
        ),
    ] = None,
    embedder: Annotated[
        list[str] | None, typer.Option("--embedder", help="Embedders to compare (repeatable).")
    ] = None,
    split: Annotated[
        Split,
        typer.Option(
            "--split", help="halves (dev, then test) | all | dev | test (split.tsv, else odd/even)"
        ),
    ] = Split.HALVES,
    use_store: Annotated[
        bool,
        typer.Option("--use-store", help="Ingest into the configured store, not a scratch one."),
    ] = False,
    sweep: Annotated[
        bool, typer.Option("--sweep", help="Also score fusion settings on every set's halves.")
    ] = False,
) -> None:
    """nDCG@10, Recall@10/50, MRR and missed@10 for BM25, each embedder, and fused.

    missed@10 counts scenes whose top 10 holds no relevant capability although the top 50
    does. Each gold set is evaluated on its own corpus.
    """
    parts = {
        Split.HALVES: ("dev", "test"),
        Split.ALL: ("all",),
        Split.DEV: ("dev",),
        Split.TEST: ("test",),
    }
    specs = list(embedder or [get_settings().embedder])
    reports, swept = evaluation.evaluate_gold(
        list(gold or BUNDLED_GOLD),
        specs,
        parts[split],
        store=get_store() if use_store else None,
        progress=say,
    )
    for report in reports:
        typer.echo(f"gold set {report.name}: {report.capabilities} capabilities")
        typer.echo(f"fusion: {report.fusion}")
        for part, scenes, figures in report.parts:
            typer.echo(f"[{part}] {scenes} scenes")
            typer.echo(figures)
        typer.echo("")
    if sweep:
        _print_sweep(swept, specs[0])


def register(app: typer.Typer) -> None:
    app.command("index")(index)
    app.command("match")(match)
    app.command("eval")(evaluate_gold)


#: the gold sets kept in the repository (docs/matching.md)
BUNDLED_GOLD = [
    Path(__file__).resolve().parents[2] / "tests" / "data" / name for name in ("gold", "gold_real")
]


def _print_sweep(sets: Any, spec: str) -> None:
    rows, chosen = evaluation.sweep_fusion(sets)
    names = list(sets)
    typer.echo(f"fusion sweep (bm25 + {spec}), nDCG@10, sorted by the mean of the dev halves:")
    head = "  ".join(f"dev{i + 1:<4} test{i + 1:<3}" for i in range(len(names)))
    typer.echo(f"{'mean':>7}  {head}  setting")
    for row in rows:
        mark = "  <- chosen" if row is chosen else ("" if row.eligible else "  (below a leg)")
        cells = "  ".join(f"{row.dev[n]:7.4f} {row.test[n]:7.4f}" for n in names)
        typer.echo(f"{row.objective:7.4f}  {cells}  {row.config.describe()}{mark}")
    for i, name in enumerate(names, start=1):
        typer.echo(f"set {i}: {name}")
    typer.echo(
        f"rule: mean dev nDCG@10; must beat both legs on every dev half; within "
        f"{evaluation.TOLERANCE} "
        "counts as tied; fewest knobs wins"
    )
