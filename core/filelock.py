"""One exclusive POSIX ``flock`` on a file: the cross-process lock of the embedded set-up
(migrations, the index builder, index folder swaps, scheduled jobs on SQLite)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def file_lock(path: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (created, with its folder, if missing).

    Yields True once held; with ``wait=False`` yields False at once when another process
    holds it. The lock goes with the process, so a killed holder never leaves it taken.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
