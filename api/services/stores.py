"""The store this process uses (one per process, from the settings) and what a command says
when it finds that store empty. Kept apart from :mod:`api.deps` (FastAPI's dependencies) so
that a command reading the store imports no web framework."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from core.settings import get_settings
from core.store import RecordStore


@lru_cache(maxsize=1)
def get_store() -> RecordStore:
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    return RecordStore.from_settings(settings)


def empty_store_note(store: RecordStore) -> str:
    """What a command says when the store it read is empty: which store, and how to fill it
    (or point at another one), so a wrong ``SCENEHUB_HOME`` is not mistaken for no data."""
    note = (
        f"the store is empty: {store.describe()} (set SCENEHUB_HOME or SCENEHUB_DATABASE_URL "
        "to use another; `scenehub ingest FILE` or `scenehub demo` fills it)"
    )
    legacy = Path.cwd() / ".scenehub" / "scenehub.db"
    if legacy.is_file() and legacy.resolve() != get_settings().home.resolve() / "scenehub.db":
        note += (
            f"; a store from an older version is at {legacy.parent}: SCENEHUB_HOME={legacy.parent}"
        )
    return note
