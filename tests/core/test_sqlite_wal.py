"""The SQLite store switches a new file to WAL even when another process is busy with it
(two first runs at once: SQLite refuses one switch at once, without its busy wait)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from core.db import ensure_wal, make_engine


class _Cursor:
    """A cursor whose first ``refusals`` switches are refused as SQLite refuses them."""

    def __init__(self, refusals: int, error: str = "database is locked") -> None:
        self.refusals = refusals
        self.error = error
        self.mode = "delete"
        self.switches = 0

    def execute(self, sql: str) -> Any:
        if sql == "PRAGMA journal_mode=WAL":
            self.switches += 1
            if self.switches <= self.refusals:
                raise sqlite3.OperationalError(self.error)
            self.mode = "wal"
        return self

    def fetchone(self) -> tuple[str]:
        return (self.mode,)


def test_a_refused_switch_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.db.time.sleep", lambda seconds: None)
    cursor = _Cursor(refusals=3)
    ensure_wal(cursor)
    assert cursor.mode == "wal" and cursor.switches == 4


def test_a_file_already_in_wal_is_not_switched_again() -> None:
    cursor = _Cursor(refusals=99)
    cursor.mode = "wal"
    ensure_wal(cursor)
    assert cursor.switches == 0


def test_other_errors_and_a_lock_that_never_ends_are_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("core.db.time.sleep", lambda seconds: None)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        ensure_wal(_Cursor(refusals=1, error="disk I/O error"))
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        ensure_wal(_Cursor(refusals=99), attempts=5)


def test_a_new_store_file_is_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()


_FIRST_RUN = """
import sys, time
from sqlalchemy import text
from core.db import make_engine
url, start = sys.argv[1], float(sys.argv[2])
while time.time() < start:
    pass
engine = make_engine(url)
with engine.begin() as connection:
    connection.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
    for i in range(200):
        connection.execute(text("INSERT INTO t VALUES (:i)"), {"i": i})
"""


@pytest.mark.slow
def test_four_first_runs_at_once_all_open_the_file(tmp_path: Path) -> None:
    """Before the retry, 5 of 60 processes failed here with "database is locked"."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    for trial in range(5):
        url = f"sqlite:///{tmp_path / f'race-{trial}.db'}"
        start = time.time() + 1.5  # all four past their imports, then go together
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _FIRST_RUN, url, str(start)],
                cwd=root,
                env=env,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        errors = [p.communicate(timeout=120)[1] for p in procs]
        assert all(p.returncode == 0 for p in procs), [e[-500:] for e in errors if e]
        engine = make_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 800
        engine.dispose()
