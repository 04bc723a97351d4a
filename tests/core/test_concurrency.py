"""Concurrent writers: two processes upserting the same ids, two ingests, two first runs.

Each child starts at an agreed wall-clock moment so the writes really overlap; without the
row locks and the whole-transaction retry in ``upsert_many`` one of them dies with a unique
violation (or SQLite's "database is locked") and the assertions on exit codes fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from api.cli import app
from core.db import head_revisions
from core.models import RecordRow, RecordSourceRow, RecordVersionRow
from core.records import Record
from core.settings import normalize_database_url
from core.store import RecordStore, StoreBusy


def store_heads(store: RecordStore) -> set[str]:
    return head_revisions(store.engine)


ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("concurrent_writer.py")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCENEHUB_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def _writers(url: str, count: int, variants: list[str]) -> list[subprocess.CompletedProcess[str]]:
    start_at = time.time() + 4.0  # both children import and connect before this moment
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), url, str(count), v, str(start_at)],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for v in variants
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=240)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_same_records_same_content(pg_url: str) -> None:
    store = RecordStore.from_url(normalize_database_url(pg_url))  # schema exists first
    results = _writers(pg_url, 1000, ["a", "a"])
    assert all(r.returncode == 0 for r in results), [r.stderr[-1500:] for r in results]
    summaries = sorted(r.stdout.strip() for r in results)
    # one of them created every record (maybe split between them), the other saw them
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(RecordRow)) == 1000
        assert set(s.scalars(select(RecordRow.version))) == {1}
        assert s.scalar(select(func.count()).select_from(RecordSourceRow)) == 1000
        assert s.scalar(select(func.count()).select_from(RecordVersionRow)) == 0
    new = sum(int(x.split(" new")[0]) for x in summaries)
    assert new == 1000, summaries  # each record counted new exactly once across the two
    store.engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_same_records_different_content(pg_url: str) -> None:
    store = RecordStore.from_url(normalize_database_url(pg_url))
    results = _writers(pg_url, 1000, ["a", "b"])
    assert all(r.returncode == 0 for r in results), [r.stderr[-1500:] for r in results]
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(RecordRow)) == 1000
        # whoever came second made version 2 from the first one's version 1: no lost update
        assert set(s.scalars(select(RecordRow.version))) == {2}
        archived = s.execute(select(RecordVersionRow.record_id, RecordVersionRow.version)).all()
        assert len(archived) == 1000 and {v for _, v in archived} == {1}
        current = {r.id: r.description for r in s.scalars(select(RecordRow))}
        old = {r.record_id: r.description for r in s.scalars(select(RecordVersionRow))}
        assert all({current[i], old[i]} == {"描述 a", "描述 b"} for i in current)
        assert s.scalar(select(func.count()).select_from(RecordSourceRow)) == 2000
    store.engine.dispose()


def _rows(count: int) -> str:
    return "".join(
        json.dumps(
            {
                "id": f"ING-{i:05d}",
                "kind": "scene",
                "title": f"智能场景{i}",
                "org": "某单位",
                "contact": "秘密联系人 13800000000",
            },
            ensure_ascii=False,
        )
        + "\n"
        for i in range(count)
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_two_ingests_of_the_same_ids_both_complete(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'store.db'}"
        if backend == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    file = tmp_path / "rows.jsonl"
    file.write_text(_rows(3000), encoding="utf-8")
    env = _env(SCENEHUB_DATABASE_URL=url, SCENEHUB_HOME=str(tmp_path / "home"))
    # no schema yet: the two first runs also race on the migrations
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "api.cli", "ingest", str(file)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=240) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err[-2000:]
        assert "Traceback" not in err and "13800000000" not in err
    # one import wrote the whole file in one transaction, the other found it all there
    summaries = sorted(out.split(": ", 1)[1].strip() for out, _ in results)
    assert summaries == [
        "0 new, 0 updated, 3000 unchanged, 0 skipped",
        "3000 new, 0 updated, 0 unchanged, 0 skipped",
    ]
    store = RecordStore.from_url(normalize_database_url(url))
    assert store.count() == 3000
    with store.session() as s:
        assert set(s.scalars(select(RecordRow.version))) == {1}
    store.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_first_runs_do_not_race_on_migrations(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'fresh.db'}"
        if backend == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    code = (
        "import sys,time; from core.settings import normalize_database_url as n;"
        "from core.store import RecordStore as S;"
        "time.sleep(max(0, float(sys.argv[2]) - time.time()));"
        "S.from_url(n(sys.argv[1])).engine.dispose(); print('ok')"
    )
    start_at = str(time.time() + 3.0)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, url, start_at],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e[-1500:] for _, e in results]
    store = RecordStore.from_url(normalize_database_url(url))
    with store.engine.connect() as c:
        heads = c.execute(text("SELECT count(*) FROM alembic_version")).scalar()
    assert heads == len(store_heads(store))  # one row per migration branch, no duplicates
    store.engine.dispose()


def test_persistent_collision_is_a_clear_error_without_record_contents(
    cli_env: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.store as store_module

    calls = []

    def collide(self: RecordStore, batch: list[Record], *args: object) -> None:
        calls.append(len(batch))
        raise IntegrityError(
            "INSERT INTO records ... 秘密联系人 13800000000",
            {"contact": "秘密联系人 13800000000"},
            Exception("duplicate key value violates unique constraint records_pkey"),
        )

    monkeypatch.setattr(store_module, "WRITE_ATTEMPTS", 3)
    monkeypatch.setattr(store_module.time, "sleep", lambda _s: None)
    monkeypatch.setattr(RecordStore, "_upsert_once", collide)
    file = tmp_path / "rows.jsonl"
    file.write_text(_rows(5), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(file)])
    assert result.exit_code == 1
    assert calls == [5, 5, 5]
    assert "another writer kept changing the same records" in result.output
    assert "13800000000" not in result.output and "Traceback" not in result.output
    with pytest.raises(StoreBusy):
        RecordStore.from_url(normalize_database_url(os.environ["SCENEHUB_DATABASE_URL"])).upsert(
            Record(id="x", kind="scene", title="t")
        )
