"""Pull from the sample hub into dated snapshots, resume, refuse overwrites, rank, export."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from contrib.errors import PullIncomplete, RankingError, SnapshotError
from contrib.export import render
from contrib.pull import pull
from contrib.ranking.config import default_config_path
from contrib.registry import load_registry
from contrib.runs import award_json, replay_run, run_awards, run_ranking
from contrib.sample_hub import SampleHubHandle, generate, registry_path, serve_in_thread
from contrib.snapshots import SnapshotStore
from contrib.store import import_registry
from contrib.types import Hub
from core.db import ensure_schema, make_engine
from core.models.contrib import ContribRankingRunRow, ContribRepoStatRow

MONTHS = 4


def _endpoints(url: str) -> dict[Hub, str]:
    return {Hub.HF: url, Hub.MODELSCOPE: url, Hub.GITHUB: url}


@pytest.fixture(scope="module")
def pulled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, SampleHubHandle]]:
    """The last MONTHS months of the sample hub, pulled once into SQLite."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('contrib') / 'store.db'}")
    ensure_schema(engine)
    handle = serve_in_thread(generate())
    registry = load_registry(registry_path())
    import_registry(engine, registry)
    for day in handle.as_of_dates()[-MONTHS:]:
        pull(engine, registry, day, _endpoints(handle.endpoint(day)))
    yield engine, handle
    handle.stop()
    engine.dispose()


def test_snapshots_are_dated_complete_and_hold_every_kind(
    pulled: tuple[Engine, SampleHubHandle],
) -> None:
    engine, handle = pulled
    snaps = SnapshotStore(engine).complete_snapshots()
    assert [s.as_of for s in snaps] == handle.as_of_dates()[-MONTHS:]
    stats = SnapshotStore(engine).repo_stats(snaps[-1].id)
    kinds = {(s.hub.value, s.kind.value) for s in stats}
    assert {
        ("hf", "model"),
        ("hf", "dataset"),
        ("hf", "kernel"),
        ("hf", "derivative"),
        ("modelscope", "model"),
        ("github", "code"),
    } <= kinds
    assert SnapshotStore(engine).activity(snaps[-1].id)


def test_complete_snapshot_is_immutable(pulled: tuple[Engine, SampleHubHandle]) -> None:
    engine, handle = pulled
    day = handle.as_of_dates()[-1]
    with Session(engine) as session:
        before = session.scalar(select(func.count()).select_from(ContribRepoStatRow))
    with pytest.raises(SnapshotError, match="complete and immutable"):
        pull(engine, load_registry(registry_path()), day, _endpoints(handle.endpoint(day)))
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ContribRepoStatRow)) == before


def test_failed_pull_stays_partial_and_resumes_without_refetching(
    engine: Engine, tmp_path: Path
) -> None:
    registry = load_registry(registry_path())
    import_registry(engine, registry)
    broken = serve_in_thread(generate(), fault_accounts=frozenset({"linping-med"}))
    day = broken.as_of_dates()[-1]
    try:
        with pytest.raises(PullIncomplete, match="stays partial") as info:
            pull(engine, registry, day, _endpoints(broken.endpoint(day)))
        assert "expected JSON" in str(info.value.__cause__)
    finally:
        broken.stop()
    store = SnapshotStore(engine)
    assert store.complete_snapshots() == []
    (snap,) = store.snapshots()
    done = store.done_parts(snap.id)
    assert done and ("hf", "linping-med", "model") not in done
    with pytest.raises(RankingError, match="no complete snapshot"):
        run_ranking(engine, "models")
    good = serve_in_thread(generate())
    try:
        report = pull(engine, registry, day, _endpoints(good.endpoint(day)))
    finally:
        good.stop()
    assert report.skipped == len(done) and report.fetched > 0
    assert [s.as_of for s in store.complete_snapshots()] == [day]


def test_ranking_is_reproducible_byte_for_byte(pulled: tuple[Engine, SampleHubHandle]) -> None:
    engine, _ = pulled
    first = award_json(run_awards(engine).award)
    second = award_json(run_awards(engine).award)
    assert first == second
    with Session(engine) as session:
        rows = list(
            session.scalars(
                select(ContribRankingRunRow).where(ContribRankingRunRow.category == "awards")
            )
        )
    assert len(rows) >= 2 and rows[-1].output == first and len(rows[-1].snapshot_ids) == MONTHS
    assert rows[-1].config_hash == rows[-2].config_hash and rows[-1].code_version
    assert rows[-1].config_text == default_config_path().read_text(encoding="utf-8")
    report = replay_run(engine, rows[-1].id)
    assert report.identical and report.output == first


def test_ranking_shape_eligibility_tiers_and_planted_anomalies(
    pulled: tuple[Engine, SampleHubHandle],
) -> None:
    engine, _ = pulled
    run = run_ranking(engine, "models", record=False)
    ranked = run.ranked()
    assert ranked and sum(1 for r in ranked if r["tier"]) <= 10
    assert all(r["eligible"] for r in ranked)
    assert [r["rank"] for r in ranked] == sorted(r["rank"] for r in ranked)
    assert ranked[0]["tier"] == "一档" and ranked[0]["amount_cny"] == 1_000_000
    ineligible = {r["enterprise"]: r["eligibility_note"] for r in run.results if not r["eligible"]}
    assert (
        "北京中关智源科技有限公司" in ineligible
        and "city 北京" in ineligible["北京中关智源科技有限公司"]
    )
    assert "type university" in ineligible["西子湖大学"]
    first = ranked[0]
    assert set(first["components"]) == {
        "downloads",
        "consistency",
        "derivative_influence",
        "community",
        "performance",
    }
    assert first["score"] == pytest.approx(
        sum(c["contribution"] for c in first["components"].values()), abs=1e-5
    )
    assert all(url.startswith("https://") for url in first["evidence"])
    flags = {r["enterprise"]: {f["type"] for f in r["flags"]} for r in run.results}
    # the planted mirror account serves only 西溪's models: a sock puppet, its credit refused
    assert "sock_puppet_derivatives" in flags["杭州西溪深度智能有限公司"]
    assert "bot_contributors" in flags["杭州城西对齐科技有限公司"]
    speech = next(r for r in run.results if r["enterprise"] == "杭州湖滨语音科技有限公司")
    assert "community" in speech["missing"] and speech["components"]["community"]["value"] is None


@pytest.mark.slow
def test_download_spike_is_flagged_over_months(engine: Engine) -> None:
    registry = load_registry(registry_path())
    import_registry(engine, registry)
    handle = serve_in_thread(generate())
    try:
        for day in handle.as_of_dates()[3:11]:  # the planted spike is in month index 9
            pull(engine, registry, day, _endpoints(handle.endpoint(day)))
    finally:
        handle.stop()
    run = run_ranking(engine, "models", record=False)
    mengqi = next(r for r in run.results if r["enterprise"] == "杭州梦栖增长科技有限公司")
    assert any(f["type"] == "download_spike" and "2026-10" in f["detail"] for f in mengqi["flags"])


def test_unknown_category_is_refused(pulled: tuple[Engine, SampleHubHandle]) -> None:
    with pytest.raises(RankingError, match="unknown category 'spaces'"):
        run_ranking(pulled[0], "spaces")


def test_exports_carry_components_and_evidence(
    pulled: tuple[Engine, SampleHubHandle], tmp_path: Path
) -> None:
    runs = [run_ranking(pulled[0], c, record=False) for c in ("models", "datasets")]
    data = json.loads(render(runs, "json"))
    assert [d["category"] for d in data] == ["models", "datasets"]
    rows = list(csv.DictReader(io.StringIO(render(runs, "csv").decode("utf-8-sig"))))
    assert (
        rows[0]["rank"] == "1"
        and rows[0]["downloads_value"]
        and rows[0]["evidence"].startswith("https://")
    )
    # a later, separate ranking of the same snapshots exports the same bytes: across a
    # clock-second boundary, so a timestamp in the zip or the sheet would show
    time.sleep(1.1)
    again = [run_ranking(pulled[0], c, record=False) for c in ("models", "datasets")]
    assert render(again, "csv") == render(runs, "csv")
    assert render(again, "xlsx") == render(runs, "xlsx")
    path = tmp_path / "awards.xlsx"
    path.write_bytes(render(runs, "xlsx"))
    sheet = load_workbook(path).active
    assert sheet is not None and sheet.cell(1, 1).value == "category"
    assert sheet.cell(2, 3).value == rows[0]["enterprise"]


def test_only_hubs_with_accounts_are_queried(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "hf_only.csv"
    path.write_text(
        "name,uscc,city,district,type,hf,modelscope,github\n"
        "杭州云栖智算科技有限公司,,杭州,西湖区,enterprise,yunqi-ai,,\n",
        encoding="utf-8",
    )
    registry = load_registry(path)
    handle = serve_in_thread(generate())
    try:
        report = pull(
            engine,
            registry,
            date(2026, 12, 1),
            {
                Hub.HF: handle.url,
                Hub.MODELSCOPE: "http://127.0.0.1:9",
                Hub.GITHUB: "http://127.0.0.1:9",
            },
        )
    finally:
        handle.stop()
    assert report.hubs == ["hf"] and {p[0] for p in report.parts} == {"hf"}


def test_github_pull_resumes_repo_by_repo(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "one_org.csv"
    path.write_text(
        "name,uscc,city,district,type,hf,modelscope,github\n"
        "杭州云栖智算科技有限公司,,杭州,西湖区,enterprise,,,yunqi-ai-oss\n",
        encoding="utf-8",
    )
    registry = load_registry(path)
    hub = generate()
    repos = [r.full_name for r in hub.github_by_owner["yunqi-ai-oss"]]
    assert len(repos) >= 3
    day = date(2026, 12, 1)
    broken = serve_in_thread(hub, fault_accounts=frozenset({repos[2].lower()}))
    try:
        with pytest.raises(PullIncomplete):
            pull(engine, registry, day, _endpoints(broken.url))
    finally:
        broken.stop()
    (snap,) = SnapshotStore(engine).snapshots()
    done = {unit for _, _, unit in SnapshotStore(engine).done_parts(snap.id)}
    assert done == {"repos", f"activity:{repos[0]}", f"activity:{repos[1]}"}
    good = serve_in_thread(hub)
    try:
        report = pull(engine, registry, day, _endpoints(good.url))
        paths = list(good.state.paths)
    finally:
        good.stop()
    assert report.skipped == 3 and report.fetched == len(repos) - 2
    assert all(unit.startswith("activity:") for _, _, unit, _ in report.parts)
    fetched = {p.split("/")[3] for p in paths if p.startswith("/repos/")}
    assert fetched == {r.split("/")[1] for r in repos[2:]}  # nothing stored was fetched again
    assert not any(p.startswith("/orgs/") for p in paths)
    assert SnapshotStore(engine).complete_snapshots()[0].id == snap.id
