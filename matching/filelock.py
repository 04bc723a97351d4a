"""An advisory lock beside an index folder, held while the folder is swapped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.filelock import file_lock


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Serialise swaps of ``folder`` across processes."""
    with file_lock(folder.with_name(folder.name + ".lock")):
        yield
