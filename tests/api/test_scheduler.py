"""The scheduler: schedule strings, jobs from sources, claims, locks, catch-up, two processes."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from api.scheduling import JobScheduler, JobSpec, build_jobs
from core.jobs import JobLedger, latest_slot, slot_key
from core.models.jobs import JobRunRow
from core.schedule import ScheduleError, parse_schedule
from core.settings import get_settings, normalize_database_url
from core.store import RecordStore
from crawlers.sources import SourceError, load_sources

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("weekly mon 06:00", {"day_of_week": "mon", "hour": "6", "minute": "0"}),
        ("weekly mon,thu 18:30", {"day_of_week": "mon,thu", "hour": "18", "minute": "30"}),
        ("daily 06:00", {"hour": "6", "minute": "0"}),
        ("monthly 1 03:00", {"day": "1", "hour": "3", "minute": "0"}),
        ("hourly :15", {"hour": "*", "minute": "15"}),
        ("  Weekly  MON 6:05 ", {"day_of_week": "mon", "hour": "6", "minute": "5"}),
    ],
)
def test_schedule_strings(text: str, fields: dict[str, str]) -> None:
    got = parse_schedule(text).cron_fields()
    assert {k: got[k] for k in fields} == fields
    assert got["second"] == "0"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "weekly",
        "weekly funday 06:00",
        "daily 25:00",
        "daily 6",
        "monthly 31 03:00",
        "monthly x 03:00",
        "every day",
        "hourly 15",
        "cron * * * * *",
    ],
)
def test_bad_schedule_strings_name_the_accepted_forms(text: str) -> None:
    with pytest.raises(ScheduleError, match=r"daily HH:MM|days are"):
        parse_schedule(text)


def test_a_source_with_a_bad_schedule_fails_on_load(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        'name = "bad"\nstart_urls = ["http://a.example/"]\nschedule = "weekly moon 06:00"\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=r"bad\.toml.*moon"):
        load_sources(tmp_path)


def test_latest_slot_is_the_last_fire_time_in_the_schedule_zone() -> None:
    cron = parse_schedule("weekly mon 06:00").cron_fields()
    # Tuesday 2026-12-01 10:00 Beijing: the last slot was Monday 06:00 Beijing = 22:00 UTC Sunday
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert latest_slot(cron, SHANGHAI, now) == datetime(2026, 11, 29, 22, 0, tzinfo=UTC)
    # exactly at the slot: that slot
    at = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)
    assert latest_slot(cron, SHANGHAI, at) == at
    monthly = parse_schedule("monthly 1 03:00").cron_fields()
    assert latest_slot(monthly, SHANGHAI, now) == datetime(2026, 11, 30, 19, 0, tzinfo=UTC)


def test_jobs_come_from_the_operators_sources_and_the_award_config(home: Path) -> None:
    folder = home / "sources"
    folder.mkdir(parents=True)
    (folder / "hz.toml").write_text(
        'name = "hz-jxj"\nstart_urls = ["http://jxj.hz.example/"]\nschedule = "weekly mon 06:00"\n',
        encoding="utf-8",
    )
    (folder / "manual.toml").write_text(
        'name = "manual-only"\nstart_urls = ["http://b.example/"]\n', encoding="utf-8"
    )
    jobs = {j.name: j for j in build_jobs(get_settings())}
    assert jobs["crawl:hz-jxj"].cron == {
        "minute": "0",
        "second": "0",
        "hour": "6",
        "day_of_week": "mon",
    }
    assert "crawl:manual-only" not in jobs  # no schedule, no job
    # the built-in template and the demo portal are not crawled by themselves
    assert "crawl:example-gov" not in jobs and "crawl:sample-portal" not in jobs
    assert jobs["hub-pull"].cron["day"] == "1" and jobs["hub-pull"].schedule == "monthly 1 03:00"
    assert "alerts-deliver" in jobs


def test_ledger_claims_a_slot_once_and_records_failures(store: RecordStore) -> None:
    ledger = JobLedger(store.engine)
    calls: list[str] = []

    def ok() -> str:
        calls.append("ok")
        return "done"

    first = ledger.run("job", ok, slot="2026-12-01T00:00:00+00:00", trigger="schedule")
    again = ledger.run("job", ok, slot="2026-12-01T00:00:00+00:00", trigger="schedule")
    assert (first.status, again.status, calls) == ("finished", "claimed-elsewhere", ["ok"])

    def boom() -> str:
        raise RuntimeError("portal down")

    failed = ledger.run("job", boom, slot="2026-12-02T00:00:00+00:00", trigger="schedule")
    assert failed.status == "failed" and "portal down" in failed.message
    rows = ledger.history("job")
    assert [r.status for r in rows] == ["failed", "finished"]
    assert all(r.duration_s is not None and r.finished_at for r in rows)


def test_a_run_never_overlaps_the_previous_one(store: RecordStore) -> None:
    ledger = JobLedger(store.engine)
    with ledger.job_lock("crawl:x") as held:
        assert held
        outcome = ledger.run("crawl:x", lambda: "ran", slot="s1", trigger="schedule")
    assert outcome.status == "skipped"
    assert ledger.run("crawl:x", lambda: "ran", slot="s2", trigger="schedule").status == "finished"


def test_a_run_left_running_by_a_dead_process_is_closed(store: RecordStore) -> None:
    ledger = JobLedger(store.engine)
    assert ledger.claim("j", "s-dead", "schedule") is not None  # its process "died" here
    ledger.run("j", lambda: "ok", slot="s-next", trigger="schedule")
    statuses = {r.slot: (r.status, r.message) for r in ledger.history("j")}
    assert statuses["s-dead"] == ("failed", "the process running it died")


def test_missed_slots_run_once_on_start_and_new_jobs_wait(store: RecordStore) -> None:
    ran: list[str] = []
    daily = {"hour": "6", "minute": "0", "second": "0"}
    jobs = [
        JobSpec("old", "daily 06:00", daily, lambda: ran.append("old") or "ok"),
        JobSpec("new", "daily 06:00", daily, lambda: ran.append("new") or "ok"),
    ]
    scheduler = JobScheduler(store.engine, jobs)
    scheduler.ledger.run("old", lambda: "long ago", slot="2000-01-01T00:00:00+00:00", trigger="x")
    missed = scheduler.missed()
    # several daily slots were missed since 2000: one catch-up run, for the latest slot
    latest = slot_key(latest_slot(daily, SHANGHAI, datetime.now(UTC)))  # type: ignore[arg-type]
    assert missed == [("old", latest)]
    for name, slot in missed:
        scheduler.fire(name, "catch-up", slot)
    assert ran == ["old"]
    assert JobScheduler(store.engine, jobs).missed() == []  # a restart does not run it again


def test_jobs_cli_run_and_history(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.commands.scheduler as scheduler_commands

    def fake_jobs(_settings: object) -> list[JobSpec]:
        def fail() -> str:
            raise RuntimeError("hub unreachable")

        return [
            JobSpec("tick", "daily 06:00", {"hour": "6"}, lambda: "ticked"),
            JobSpec("broken", "daily 06:00", {"hour": "6"}, fail),
        ]

    monkeypatch.setattr(scheduler_commands, "build_jobs", fake_jobs)
    result = runner.invoke(app, ["jobs", "run", "tick"])
    assert result.exit_code == 0 and "tick: finished" in result.output
    result = runner.invoke(app, ["jobs", "run", "broken"])
    assert result.exit_code == 1 and "hub unreachable" in result.output
    result = runner.invoke(app, ["jobs", "run", "nope"])
    assert result.exit_code == 2 and "no job named 'nope'" in result.output
    result = runner.invoke(app, ["jobs", "history"])
    lines = result.output.splitlines()
    assert "broken  manual  failed" in lines[0] and "tick  manual  finished" in lines[1]
    result = runner.invoke(app, ["jobs", "list"])
    assert "tick: daily 06:00" in result.output and "last finished" in result.output


@pytest.mark.postgres
@pytest.mark.slow
def test_two_scheduler_processes_run_each_slot_once(pg_url: str, tmp_path: Path) -> None:
    store = RecordStore.from_url(normalize_database_url(pg_url))
    ledger = JobLedger(store.engine)
    # "catchup" ran once long ago: both processes see its latest slot missed
    ledger.run("catchup", lambda: "old", slot="2000-01-01T00:00:00+00:00", trigger="schedule")
    out = tmp_path / "runs.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCENEHUB_")}
    env["PYTHONPATH"] = str(ROOT)

    def child(seconds: float) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("scheduler_child.py")),
                pg_url,
                str(out),
                str(seconds),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    procs = [child(9), child(9)]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), [e[-1500:] for e in errs]
    lines = [line.split() for line in out.read_text().splitlines()]
    probes = [float(t) for name, t, _ in lines if name == "probe"]
    slots = Counter(int(t // 2) for t in probes)
    assert len(slots) >= 3 and set(slots.values()) == {1}, slots  # every 2 s slot once
    with store.session() as s:
        rows = s.scalars(select(JobRunRow).where(JobRunRow.job == "probe")).all()
        assert len([r for r in rows if r.status == "finished"]) == len(probes)
        # both took part: each ran or was refused some slot (which one wins a slot is a race,
        # so one process may win every probe slot of a short run)
        every = s.scalars(select(JobRunRow).where(JobRunRow.job.in_(["probe", "slow"]))).all()
        assert len({r.owner for r in every}) == 2, {(r.job, r.status, r.owner) for r in every}
        slow = s.scalars(select(JobRunRow).where(JobRunRow.job == "slow")).all()
        assert any(r.status == "skipped" for r in slow)
    # the slow job (2.5 s, due every second) never ran twice at once, across both processes
    spans, open_at = [], {}
    for name, t, pid in lines:
        if name == "slow-start":
            open_at[pid] = float(t)
        elif name == "slow-end":
            spans.append((open_at.pop(pid), float(t)))
    spans.sort()
    assert len(spans) >= 2
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    # the missed "catchup" slot ran exactly once, and a restart does not repeat it
    assert [n for n, _, _ in lines].count("catchup") == 1
    restart = child(1.5)
    restart.communicate(timeout=60)
    assert [line.split()[0] for line in out.read_text().splitlines()].count("catchup") == 1
    store.engine.dispose()


def test_serve_with_scheduler_starts_it_in_the_api_process(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    import api.commands.scheduler as scheduler_commands

    calls: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append("uvicorn"))
    monkeypatch.setattr(
        scheduler_commands, "start_background_scheduler", lambda: calls.append("scheduler")
    )
    assert runner.invoke(app, ["serve", "--with-scheduler"]).exit_code == 0
    assert calls == ["scheduler", "uvicorn"]
    calls.clear()
    assert runner.invoke(app, ["serve"]).exit_code == 0
    assert calls == ["uvicorn"]


def test_scheduler_command_lists_jobs_and_runs_until_stopped(
    cli_env: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[bool] = []

    def start(self: JobScheduler, *, blocking: bool) -> None:
        started.append(blocking)
        raise KeyboardInterrupt

    monkeypatch.setattr(JobScheduler, "start", start)
    result = runner.invoke(app, ["scheduler"])
    assert result.exit_code == 0, result.output
    assert "hub-pull: monthly 1 03:00 (next " in result.output
    assert started == [True]


def _portal_source(folder: Path, base_url: str) -> None:
    """The built-in sample-portal entry, copied to the operator's folder and pointed at
    ``base_url`` (politeness off: it is served on loopback by the test)."""
    text = (ROOT / "crawlers" / "sources" / "sample_portal.toml").read_text(encoding="utf-8")
    text = text.replace("http://127.0.0.1:8750", base_url)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sample_portal.toml").write_text(
        text + "download_delay = 0\nconcurrency = 16\n", encoding="utf-8"
    )


@pytest.mark.slow
def test_the_scheduled_crawl_job_crawls_the_sample_portal_and_queues_alerts(
    cli_env: Path, runner: CliRunner
) -> None:
    """The real job, end to end: crawl (child process) → store → index refresh → alerts."""
    from core.models.crawls import CrawlRunRow
    from crawlers.sample_portal import serve_in_thread

    added = runner.invoke(
        app, ["subscribe", "add", "云翼", "--text", "无人机巡检 电力", "--threshold", "0"]
    )
    assert added.exit_code == 0, added.output
    store = RecordStore.from_settings(get_settings())
    with serve_in_thread() as portal:
        _portal_source(cli_env / "sources", portal.url)
        result = runner.invoke(app, ["jobs", "run", "crawl:sample-portal"])
    assert result.exit_code == 0, result.output
    assert "crawl:sample-portal: finished" in result.output
    with store.session() as s:
        run = s.scalars(select(CrawlRunRow)).one()
    assert (run.source, run.status) == ("sample-portal", "finished")
    records = list(store.iter_records())
    titles = {r.title for r in records}
    assert run.items_new == len(records) > 0
    assert any("无人机" in title for title in titles), sorted(titles)[:5]
    row = JobLedger(store.engine).history("crawl:sample-portal")[0]
    assert (row.status, row.trigger) == ("finished", "manual")
    assert row.detail["crawl"]["run_id"] == run.id
    assert row.message.startswith(f"crawl finished: {run.items_new} new, 0 updated")
    scenes = sum(1 for r in records if r.kind == "scene")
    assert row.detail["index"]["scene"].startswith(f"{scenes} added,"), row.detail["index"]
    assert "queued" in row.detail["alerts"]["summary"]
    store.engine.dispose()


def test_a_crawl_job_that_cannot_crawl_fails_with_the_childs_reason(
    cli_env: Path, runner: CliRunner
) -> None:
    folder = cli_env / "sources"
    folder.mkdir(parents=True)
    (folder / "hz.toml").write_text(
        'name = "hz"\nstart_urls = ["http://hz.example/"]\nschedule = "daily 06:00"\n'
        'spider = "nowhere.Spider"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["jobs", "run", "crawl:hz"])
    assert result.exit_code == 1
    row = JobLedger(RecordStore.from_settings(get_settings()).engine).history("crawl:hz")[0]
    assert row.status == "failed"
    assert "\n" not in row.message
    assert "crawl of hz failed:" in row.message
    assert "'nowhere.Spider' cannot be loaded" in row.message


def test_the_scheduled_index_refresh_waits_for_the_one_builder(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduler builds through the same lock as the API's refresher and `scenehub index`:
    while another builder holds it, the job's refresh does not start building."""
    import threading

    import api.scheduling as scheduling
    import api.services.index as index_service

    built: list[float] = []

    class FakeMatcher:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def build(self) -> dict[object, object]:
            built.append(1.0)
            return {}

    monkeypatch.setattr(index_service, "Matcher", FakeMatcher)
    monkeypatch.setattr(index_service, "load_embedder", lambda spec: object())
    settings = get_settings()
    with index_service.builder_lock(settings.home) as got:
        assert got
        job = threading.Thread(target=scheduling.refresh_index, args=(settings,))
        job.start()
        job.join(timeout=1.0)
        assert job.is_alive() and built == []  # waiting on the builder lock
    job.join(timeout=10)
    assert not job.is_alive() and built == [1.0]


def test_the_scheduled_hub_pull_stores_the_award_configs_leaderboards(cli_env: Path) -> None:
    """The real ``hub-pull`` job against the sample hub (a local server): the snapshot it
    stores has every benchmark leaderboard the award config names, as the CLI's pull does."""
    from api.scheduling import pull_job
    from api.services.hubs import benchmarks, import_registry_file
    from contrib.sample_hub import generate, registry_path, serve_in_thread
    from contrib.snapshots import SnapshotStore

    settings = get_settings()
    store = RecordStore.from_settings(settings)
    import_registry_file(store, registry_path())
    handle = serve_in_thread(generate(200))
    try:
        endpoints = dict.fromkeys(("hf", "modelscope", "github"), handle.endpoint())
        spec = next(job for job in build_jobs(settings) if job.name == "hub-pull")
        job = JobSpec(spec.name, spec.schedule, spec.cron, pull_job(settings, endpoints))
        outcome = JobScheduler(store.engine, [job]).fire("hub-pull", trigger="manual")
    finally:
        handle.stop()
    assert outcome.status == "finished", outcome.message
    snapshots = SnapshotStore(store.engine)
    (snapshot,) = snapshots.complete_snapshots()
    assert snapshot.as_of == datetime.now(ZoneInfo(settings.timezone)).date()
    boards = snapshots.leaderboards(snapshot.id)
    assert (
        sorted(boards)
        == sorted(benchmarks())
        == ["bench/c-eval", "bench/gsm8k-zh", "bench/mmlu-zh"]
    )
    assert all(len(entries) >= 5 for entries in boards.values()), {
        k: len(v) for k, v in boards.items()
    }
    row = JobLedger(store.engine).history("hub-pull")[0]
    assert (row.status, row.trigger) == ("finished", "manual")
    store.engine.dispose()
