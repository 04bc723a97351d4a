"""Shared fixtures: an isolated home and store per test, on SQLite or PostgreSQL.

PostgreSQL runs when ``SCENEHUB_TEST_DATABASE_URL`` is set (CI sets it); each test then
gets a fresh schema in that database, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from core.db import make_engine
from core.settings import get_settings, normalize_database_url
from core.store import RecordStore

PG_URL = os.environ.get("SCENEHUB_TEST_DATABASE_URL")
PG_SKIP_REASON = (
    "PostgreSQL tests need SCENEHUB_TEST_DATABASE_URL, e.g. "
    "SCENEHUB_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test make test"
)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG_URL:
        return
    skip = pytest.mark.skip(reason=PG_SKIP_REASON)
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh SCENEHUB_HOME; clears cached settings and store handles around the test."""
    from api.deps import get_store

    path = tmp_path / "home"
    monkeypatch.setenv("SCENEHUB_HOME", str(path))
    monkeypatch.delenv("SCENEHUB_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    get_store.cache_clear()
    yield path
    get_settings.cache_clear()
    get_store.cache_clear()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose default schema is new and empty; dropped afterwards."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(normalize_database_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store URL for each backend under test (PostgreSQL only when configured)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(database_url: str) -> Iterator[RecordStore]:
    store = RecordStore.from_url(normalize_database_url(database_url))
    yield store
    store.engine.dispose()


@pytest.fixture
def cli_env(home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for CLI runs against each backend; returns the home folder."""
    monkeypatch.setenv("SCENEHUB_DATABASE_URL", database_url)
    get_settings.cache_clear()
    return home


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
