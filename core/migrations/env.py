"""Alembic environment: runs migrations on the engine handed over by ``core.db.upgrade``."""

from __future__ import annotations

from alembic import context

from core.db import Base
from core.settings import get_settings

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # plain `alembic` invocation: fall back to the configured store
    from core.db import make_engine

    engine = make_engine(get_settings().resolved_database_url)

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
