"""Engine errors become service errors by their type, never by their message text."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.services import rankings
from api.services.errors import InvalidInput, NotFound, translate
from contrib.errors import ConfigError, NotInSnapshot, RankingError, SnapshotMissing
from core.store import RecordStore


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (SnapshotMissing("anything at all"), NotFound),
        (NotInSnapshot("anything at all"), NotFound),
        (RankingError("no complete snapshot, in the words but not the type"), InvalidInput),
        (ConfigError("bad weights"), InvalidInput),
    ],
)
def test_translate_maps_by_type(raised: Exception, expected: type[Exception]) -> None:
    with pytest.raises(expected) as info, translate():
        raise raised
    assert type(info.value) is expected and info.value.__cause__ is raised


def test_a_ranking_before_any_pull_is_not_found(tmp_path: Path) -> None:
    store = RecordStore.from_url(f"sqlite:///{tmp_path / 'store.db'}")
    with pytest.raises(NotFound) as info:
        rankings.ranking(store, "models")
    assert isinstance(info.value.__cause__, SnapshotMissing)
    assert "scenehub contrib pull" in info.value.message
    store.engine.dispose()
