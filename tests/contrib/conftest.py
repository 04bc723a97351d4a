"""Fixtures: a migrated engine per backend and one sample hub per session (127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from contrib.sample_hub import SampleHubHandle, generate, serve_in_thread
from core.db import ensure_schema, make_engine
from core.settings import normalize_database_url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(normalize_database_url(database_url))
    ensure_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def sample_hub() -> Iterator[SampleHubHandle]:
    handle = serve_in_thread(generate(), rate_limit_every=0)
    yield handle
    handle.stop()
