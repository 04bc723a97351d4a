"""The one flock helper behind migrations, the index builder, folder swaps and SQLite jobs."""

from __future__ import annotations

from pathlib import Path

from core.filelock import file_lock


def test_a_held_lock_is_refused_without_waiting_then_free_again(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "x.lock"  # folders are made
    with file_lock(path) as held:
        assert held
        # flock belongs to each open file: a second opening is another holder
        with file_lock(path, wait=False) as second:
            assert second is False
    with file_lock(path, wait=False) as again:
        assert again is True
