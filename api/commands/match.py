"""``scenehub index | match | eval``: the matching commands (subscriptions: ``alerts.py``).

``match --json`` prints ``[{"id", "rank", "score", "explanation"}]``, the JSON of
``GET /api/v1/match/…``; both call :mod:`api.services.matching`. Every bad input (unknown
id, empty text, a filter value no record has, an unknown embedder) ends with one
``error:`` line and exit status 1.
"""

from __future__ import annotations

import json
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from api.commands.common import EmbedderOption, make_matcher, with_filters
from api.deps import get_store
from api.services import matching as service
from api.services.errors import InvalidInput
from api.services.filters import RecordFilter
from api.services.index import build_index, load_embedder
from core.records import RecordKind
from core.settings import get_settings
from core.store import RecordStore
from matching.search import Match


class Split(StrEnum):
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
        if ex["more_from_firm"] or ex["collapsed"]:
            folded = ", ".join(ex["collapsed"])
            typer.echo(f"      +{ex['more_from_firm']} more from this firm; collapsed {folded}")


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
        Path,
        typer.Option("--gold", help="Folder with scenes.jsonl, capabilities.jsonl, qrels.tsv."),
    ],
    embedder: Annotated[
        list[str] | None, typer.Option("--embedder", help="Embedders to compare (repeatable).")
    ] = None,
    split: Annotated[Split, typer.Option("--split", help="dev/test: odd/even scenes")] = Split.ALL,
    use_store: Annotated[
        bool,
        typer.Option("--use-store", help="Ingest into the configured store, not a scratch one."),
    ] = False,
    sweep: Annotated[
        bool, typer.Option("--sweep", help="Also score fusion settings on dev/test halves.")
    ] = False,
) -> None:
    """nDCG@10, Recall@10, Recall@50 and MRR for BM25, each embedder, and fused."""
    from matching.evaluation.gold import GoldSet, run_gold, score_rankers, subset, table

    specs = list(embedder or [get_settings().embedder])
    data = GoldSet.load(gold)
    with tempfile.TemporaryDirectory(prefix="scenehub-eval-") as scratch:
        home = Path(scratch) if not use_store else get_settings().home
        store = (
            get_store()
            if use_store
            else RecordStore.from_url(f"sqlite:///{Path(scratch) / 'gold.db'}")
        )
        data.ingest(store)
        runs = {}
        for spec in specs:
            matcher = make_matcher(spec, store=store, home=home)
            runs[spec] = run_gold(matcher, data)
            fusion = matcher.fusion
        qrels = subset(data.qrels, split.value)
        counts = f"{len(qrels)} scenes ({split.value}), {len(data.capabilities)} capabilities"
        typer.echo(f"gold set {gold}: {counts}")
        typer.echo(f"fusion: {fusion.describe()}")
        typer.echo(table(score_rankers(runs, qrels, fusion)))
        if sweep:
            _print_sweep(runs[specs[0]], data.qrels, specs[0])
        if not use_store:
            store.engine.dispose()


def register(app: typer.Typer) -> None:
    app.command("index")(index)
    app.command("match")(match)
    app.command("eval")(evaluate_gold)


def _print_sweep(runs: Any, qrels: dict[str, dict[str, int]], spec: str) -> None:
    from matching.evaluation.sweep import TOLERANCE, sweep

    rows, chosen = sweep(runs, qrels)
    typer.echo(f"\nfusion sweep (bm25 + {spec}), nDCG@10, sorted by dev:")
    typer.echo(f"{'dev':>7} {'test':>7}  setting")
    for row in rows:
        mark = "  <- chosen" if row is chosen else ""
        typer.echo(f"{row.dev:7.4f} {row.test:7.4f}  {row.config.describe()}{mark}")
    typer.echo(f"rule: best dev within {TOLERANCE} counts as tied; fewest knobs wins")
