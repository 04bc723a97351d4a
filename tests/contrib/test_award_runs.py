"""Replayable runs, snapshot hashes, as-of semantics, missing accounts, committee commands."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.cli import app
from contrib.errors import SnapshotError
from contrib.pull import DEFAULT_ENDPOINTS, pull
from contrib.ranking.config import load_config
from contrib.registry import Registry, load_registry
from contrib.runs import award_json, replay_run, run_awards
from contrib.sample_hub import SampleHubHandle, registry_path
from contrib.snapshots import SnapshotStore
from contrib.store import import_registry
from contrib.types import BaseRef, Hub, RepoKind, RepoStat
from core.db import ensure_schema, make_engine
from core.models.contrib import ContribRepoStatRow
from core.settings import normalize_database_url

DAYS = (date(2026, 11, 1), date(2026, 12, 1))
BENCHMARKS = tuple(b.dataset for b in load_config()[0].performance.benchmarks)


def _pull_sample(engine: Engine, hub: SampleHubHandle, registry: Registry | None = None) -> None:
    registry = registry or load_registry(registry_path())
    import_registry(engine, registry)
    for day in DAYS:
        url = hub.endpoint(day)
        pull(engine, registry, day, dict.fromkeys(Hub, url), benchmarks=BENCHMARKS)


def test_a_recorded_run_replays_byte_identically_and_tampering_is_caught(
    engine: Engine, sample_hub: SampleHubHandle
) -> None:
    _pull_sample(engine, sample_hub)
    recorded = run_awards(engine)
    assert recorded.id is not None
    report = replay_run(engine, recorded.id)
    assert report.identical and report.output == award_json(recorded.award)
    assert report.library_changes == {}
    boards = SnapshotStore(engine).leaderboards(SnapshotStore(engine).snapshots()[-1].id)
    assert set(boards) == set(BENCHMARKS)  # the allow-listed boards are in the snapshot
    with Session(engine) as session, session.begin():
        session.execute(
            update(ContribRepoStatRow)
            .where(ContribRepoStatRow.repo_id.like("yunqi-ai/%"))
            .values(downloads_30d=10**9)
        )
    with pytest.raises(SnapshotError, match="changed since it was completed"):
        replay_run(engine, recorded.id)


@pytest.mark.postgres
def test_sqlite_and_postgresql_give_the_same_bytes(
    pg_url: str, tmp_path: Path, sample_hub: SampleHubHandle
) -> None:
    outputs = []
    for url in (f"sqlite:///{tmp_path / 's.db'}", pg_url):
        engine = make_engine(normalize_database_url(url))
        ensure_schema(engine)
        _pull_sample(engine, sample_hub)
        store = SnapshotStore(engine)
        hashes = [s.content_hash for s in store.snapshots()]
        outputs.append((award_json(run_awards(engine, record=False).award), hashes))
        engine.dispose()
    assert outputs[0] == outputs[1]


def test_an_account_the_hub_does_not_know_is_skipped_and_recorded(
    engine: Engine, sample_hub: SampleHubHandle
) -> None:
    base = load_registry(registry_path())
    first = base.enterprises[0]
    ghost = replace(
        first,
        accounts={**first.accounts, Hub.GITHUB: (*first.accounts[Hub.GITHUB], "ghost-org")},
    )
    registry = Registry((ghost, *base.enterprises[1:]))
    import_registry(engine, registry)
    day = DAYS[-1]
    report = pull(engine, registry, day, dict.fromkeys(Hub, sample_hub.endpoint(day)))
    assert report.not_found == ["github/ghost-org/repos"]
    assert "NOT FOUND (skipped, recorded): github/ghost-org/repos" in report.summary()
    store = SnapshotStore(engine)
    (snap,) = store.snapshots("complete")
    ((hub, account, unit, note),) = store.part_notes(snap.id)
    assert (hub, account, unit) == ("github", "ghost-org", "repos") and "not found" in str(note)


def test_the_real_hubs_can_only_be_pulled_for_today(engine: Engine) -> None:
    registry = load_registry(registry_path())
    with pytest.raises(SnapshotError, match="can only be dated today"):
        pull(engine, registry, date(2026, 1, 1), DEFAULT_ENDPOINTS, today=date(2026, 11, 30))


def test_a_partial_snapshot_cannot_be_completed_weeks_later(engine: Engine) -> None:
    registry = load_registry(registry_path())
    start = datetime(2026, 11, 1, tzinfo=UTC)
    SnapshotStore(engine, now=start).open(date(2026, 11, 1), registry, {})
    SnapshotStore(engine, now=start + timedelta(days=1)).open(date(2026, 11, 1), registry, {})
    with pytest.raises(SnapshotError, match="cannot be completed now"):
        SnapshotStore(engine, now=start + timedelta(days=20)).open(date(2026, 11, 1), registry, {})


def test_rows_round_trip_every_field(engine: Engine) -> None:
    registry = load_registry(registry_path())
    store = SnapshotStore(engine)
    info = store.open(date(2026, 11, 1), registry, {})
    stat = RepoStat(
        Hub.HF,
        RepoKind.MODEL,
        "o/m",
        "o",
        downloads_30d=5,
        downloads_all_time=50,
        likes=3,
        trending_score=1.5,
        children_count=2,
        created_at="2026-01-01T00:00:00.000Z",
        last_modified="2026-02-01T00:00:00.000Z",
        tags=("a", "b"),
        base_models=(BaseRef("x/y", "quantized"),),
        eval_results=({"dataset": "d", "value": 1.0},),
        url="https://huggingface.co/o/m",
    )
    store.write_part(info.id, Hub.HF, "o", "model", repos=[stat])
    assert store.repo_stats(info.id) == [stat]


def test_committee_commands(cli_env: Path, runner: CliRunner, sample_hub: SampleHubHandle) -> None:
    from api.deps import get_store

    _pull_sample(get_store().engine, sample_hub)
    firm = "杭州西溪深度智能有限公司"
    rank = runner.invoke(app, ["contrib", "rank"])
    assert rank.exit_code == 0, rank.output
    assert "cap check ok" in rank.output and "at most 10 firms in all" in rank.output
    run_id = rank.output.rsplit("recorded as run ", 1)[1].split()[0]
    replay = runner.invoke(app, ["contrib", "replay", run_id])
    assert replay.exit_code == 0 and "byte-identical" in replay.output

    evidence = runner.invoke(app, ["contrib", "evidence", firm, "--json"])
    assert evidence.exit_code == 0, evidence.output
    pack = json.loads(evidence.stdout)
    models = next(c for c in pack["categories"] if c["category"] == "models")
    assert models["repos"] and all("monthly_downloads" in r for r in models["repos"])
    assert any(e["kind"] == "sock_puppet_derivatives" for e in models["excluded"])
    missing = runner.invoke(app, ["contrib", "evidence", "没有这家公司"])
    assert missing.exit_code == 1 and "unknown enterprise" in missing.output

    review = ["contrib", "review", "add", firm, "--decision", "x", "--reason", "why"]
    nobody = runner.invoke(app, [*review, "--kind", "override", "--reviewer", "王委员"])
    assert nobody.exit_code == 1 and "no enabled account named '王委员'" in nobody.output
    password = ["--password", "pw-12345678"]
    supplier = ["users", "add", "sup", "--role", "supplier", "--org", firm, *password]
    assert runner.invoke(app, supplier).exit_code == 0
    wrong_role = runner.invoke(app, [*review, "--kind", "override", "--reviewer", "sup"])
    assert wrong_role.exit_code == 1 and "may not review.record" in wrong_role.output
    member = ["users", "add", "王委员", "--role", "committee", *password]
    assert runner.invoke(app, member).exit_code == 0, "committee account"
    for bad, words, code in (
        (["--kind", "override", "--reason", " "], "reason is empty", 1),
        (["--kind", "verdict"], "kind must be one of", 1),
        (["--kind", "override", "--category", "bogus"], "unknown category 'bogus'", 2),
        (["--kind", "override", "--run", "999"], "no ranking run #999", 1),
    ):
        refused = runner.invoke(app, [*review, *bad, "--reviewer", "王委员"])
        assert refused.exit_code == code and words in refused.output, refused.output
    assert (
        "no review decisions recorded" in runner.invoke(app, ["contrib", "review", "list"]).output
    )
    added = runner.invoke(
        app,
        ["contrib", "review", "add", firm, "--kind", "appeal", "--decision", "recount",
         "--reason", "mirror account is a community member", "--reviewer", "王委员"],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["contrib", "review", "list", firm, "--json"])
    (decision,) = json.loads(listed.stdout)
    assert decision["reviewer"] == "王委员" and decision["kind"] == "appeal"
    shown = runner.invoke(app, ["contrib", "rank", "--category", "models"])
    assert "appeal by 王委员" in shown.output  # beside the computed rank

    table = runner.invoke(app, ["contrib", "sensitivity", "--json"])
    assert table.exit_code == 0, table.output
    data = json.loads(table.stdout)
    assert "models.downloads ×0.8" in data["variants"] and data["rows"]
