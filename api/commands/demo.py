"""``scenehub demo``: the main job on embedded defaults, end to end, no server needed.

1. ingest the bundled sample lists (JSONL, and a GBK CSV as many portals publish);
2. crawl the offline sample portal (GBK list/detail pages, an HTML table, xlsx/xls/docx/pdf
   attachments) into the store;
3. build the matching indexes and match a scene to suppliers, and free text to suppliers;
4. pull six monthly snapshots from the offline sample hub and rank award candidates.

5. with ``--serve`` (``make demo``): create one demo account per role and serve the site on
   127.0.0.1:8000 (or the next free port) until Ctrl-C.

Every step is idempotent: a second run stores nothing new and reuses indexes and snapshots.
"""

from __future__ import annotations

import contextlib
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.services import accounts
from api.services.errors import Conflict
from api.services.policy import Role
from api.services.stores import get_store
from core.ingest.importer import load_file
from core.records import RecordKind

SAMPLE_FILES: tuple[tuple[str, RecordKind], ...] = (
    ("scenes.jsonl", RecordKind.SCENE),
    ("capabilities.csv", RecordKind.CAPABILITY),  # GBK-encoded, as many portals publish
)
DEMO_SCENE = "HZ-2025-S002"  # 三甲医院医学影像AI辅助诊断
DEMO_TEXT = "无人机巡检"
DEMO_PASSWORD = "scenehub-demo"
#: username -> (role, organisation): the scene's hospital, the imaging firm
DEMO_ACCOUNTS: tuple[tuple[str, Role, str | None], ...] = (
    ("publisher", Role.PUBLISHER, "浙江大学医学院附属第一医院"),
    ("supplier", Role.SUPPLIER, "杭州深视医疗科技有限公司"),
    ("committee", Role.COMMITTEE, None),
    ("admin", Role.ADMIN, None),
)


def sample_path(name: str) -> Path:
    return Path(str(resources.files("core") / "sample_data" / name))


def ingest_samples(console: Console) -> None:
    store = get_store()
    for name, kind in SAMPLE_FILES:
        loaded = load_file(sample_path(name), kind=kind)
        report = store.upsert_many(loaded.records)
        console.print(f"[bold]ingest[/] {name}: {report.summary()}")


def crawl_portal(console: Console) -> None:
    from api.commands.crawl import crawl_sample_portal
    from api.services.crawls import format_report

    console.print(format_report(crawl_sample_portal()))


def match_examples(console: Console) -> None:
    from api.commands.common import make_matcher
    from api.commands.match import print_matches

    matcher = make_matcher(None)
    for kind, report in matcher.build().items():
        console.print(f"[bold]index[/] {kind.value}: {report.summary()}")
    scene = get_store().get(DEMO_SCENE)
    console.rule(f"suppliers for {scene.id} {scene.title}")
    print_matches(matcher.match_record(DEMO_SCENE, top_k=5), as_json=False)
    console.rule(f"suppliers for the text {DEMO_TEXT!r}")
    print_matches(matcher.match_text(DEMO_TEXT, RecordKind.CAPABILITY, top_k=5), as_json=False)


def rank_contributors(console: Console, months: int) -> None:
    from api.commands.contrib import print_award
    from api.services.hubs import sample_awards

    print_award(sample_awards(get_store(), months=months, progress=console.print))


def demo_accounts() -> list[str]:
    """Create the demo accounts that are missing; return one line per account."""
    store = get_store()
    for name, role, org in DEMO_ACCOUNTS:
        with contextlib.suppress(Conflict):  # a second run keeps the accounts
            accounts.add_user(store, username=name, password=DEMO_PASSWORD, role=role, org=org)
    return [
        f"{role.value:<9}  {name} / {DEMO_PASSWORD}" + (f"  ({org})" if org else "")
        for name, role, org in DEMO_ACCOUNTS
    ]


def demo(
    months: Annotated[int, typer.Option(min=1, max=12, help="Monthly hub snapshots to pull.")] = 6,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Then serve the site until Ctrl-C.")
    ] = False,
    port: Annotated[int, typer.Option(help="First port to try with --serve.")] = 8000,
) -> None:
    """Run the whole job offline: ingest, crawl, index and match, pull and rank."""
    console = Console()
    console.rule("1. ingest the bundled sample lists")
    ingest_samples(console)
    console.rule("2. crawl the offline sample portal")
    crawl_portal(console)
    store = get_store()
    console.print(
        f"store: {store.count(RecordKind.SCENE)} scenes, "
        f"{store.count(RecordKind.CAPABILITY)} capabilities "
        "(scenehub records list / show ID --history)"
    )
    console.rule("3. match scenes and suppliers")
    match_examples(console)
    from api.commands.common import make_matcher
    from api.commands.demo_loop import seed_loop

    seed_loop(make_matcher(None), console)  # answered and contracted scenes for the pages
    console.rule("4. rank open-source award candidates")
    rank_contributors(console, months)
    if not serve:
        return
    from api.commands.serve import free_port, run_server

    console.rule("5. the site")
    lines = demo_accounts()
    chosen = free_port("127.0.0.1", port)
    url = f"http://127.0.0.1:{chosen}"
    console.print(f"[bold]site[/] {url}  (API: {url}/docs; Ctrl-C stops everything)")
    console.print("[bold]demo accounts[/] (role, login / password):")
    for line in lines:
        console.print(f"  {line}")
    console.print("[bold]try[/]")
    console.print(f"  1. {url}/scenes?q=医学影像 → open the scene → matched suppliers and why")
    console.print(f"  2. sign in as supplier → {url}/me: open opportunities by deadline")
    console.print(f"  3. sign in as publisher → {url}/me: applicants by match score, outcomes")
    console.print(f"     sign in as admin → {url}/admin/loop: funnel, supply and demand")
    console.print(f"  4. sign in as committee → {url}/review/models: ranking, chart, decision")
    run_server("127.0.0.1", chosen)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
