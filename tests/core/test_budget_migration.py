"""Migration 0006: rows stored with one budget amount become a range of it, and hash as
before, so re-importing the same list after the upgrade makes no new versions."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from core.db import _alembic_config, make_engine
from core.records import Record
from core.settings import normalize_database_url
from core.store import RecordStore


def test_existing_rows_get_their_range_and_keep_their_hash(database_url: str) -> None:
    engine = make_engine(normalize_database_url(database_url))
    command.upgrade(_alembic_config(engine), "0001_records")  # the store as it was
    old = Record(id="S-1", kind="scene", title="巡检", budget_cny=3_000_000)
    digest = old.compute_hash()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO records (id, kind, title, domains, budget_cny, raw, content_hash,"
                " version, first_seen, last_seen, updated_at) VALUES ('S-1', 'scene', '巡检',"
                " '[]', 3000000, '{}', :h, 1, :t, :t, :t)"
            ),
            {"h": digest, "t": now},
        )
    store = RecordStore(engine)  # applies the pending migrations
    stored = store.get("S-1")
    assert (stored.budget_low_cny, stored.budget_high_cny, stored.budget_cny) == (
        3_000_000,
        3_000_000,
        3_000_000,
    )
    assert stored.budget_per_year is False and stored.content_hash == digest
    assert store.upsert(old).unchanged == ["S-1"]  # no spurious new version
    ranged = old.model_copy(update={"budget_low_cny": 1_000_000})
    assert Record.model_validate(ranged.model_dump()).compute_hash() != digest
    engine.dispose()
