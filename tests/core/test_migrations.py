"""The migrations form one chain: a newcomer always knows what a new migration builds on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from core.db import current_revisions, head_revisions, upgrade


def test_there_is_exactly_one_head(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'heads.db'}")
    assert len(head_revisions(engine)) == 1, head_revisions(engine)


def test_a_new_store_is_at_that_head(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    assert current_revisions(engine) == head_revisions(engine)
