"""Shared handles for the CLI and the web app: settings and the store, built once."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import Depends

from core.settings import get_settings
from core.store import RecordStore


@lru_cache(maxsize=1)
def get_store() -> RecordStore:
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    return RecordStore.from_settings(settings)


StoreDep = Annotated[RecordStore, Depends(get_store)]
