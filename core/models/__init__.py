"""All ORM rows. Every module in this package is imported here, so that Alembic and
``Base.metadata`` see each component's tables (records, crawls, matching, contrib) without
this file having to name them."""

from __future__ import annotations

import importlib
import pkgutil

from core.models.records import RecordRow, RecordSourceRow, RecordVersionRow

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["RecordRow", "RecordSourceRow", "RecordVersionRow"]
