"""Engine creation, the declarative base and schema migrations (Alembic).

SQLite (the embedded default) runs in WAL mode with foreign keys on; PostgreSQL is used
when ``SCENEHUB_DATABASE_URL`` names one. The schema is always created by Alembic, so
``scenehub db upgrade`` and the automatic upgrade on first use run the same migrations.
"""

from __future__ import annotations

import ast
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    ensure_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def ensure_wal(cursor: Any, *, attempts: int = 40) -> None:
    """Switch the file to WAL unless it is already (the mode is stored in the file).

    The switch needs an exclusive lock, and when two processes open a new file at once (one
    already migrating it) SQLite refuses one of them at once, without its busy wait, to
    avoid a deadlock: "database is locked". So look again and retry for a while.
    """
    for attempt in range(attempts):
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(min(1.0, 0.05 * (attempt + 1)))


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite, create the parent folder and switch WAL on."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def head_revisions(engine: Engine) -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(_alembic_config(engine)).get_heads())


#: ``pg_advisory_lock`` key held around migrations (any constant; "scenehub" in ASCII)
MIGRATION_LOCK_KEY = 0x7363656E65687562


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise schema upgrades across processes.

    Two first-ever runs against a new database would otherwise both start the migrations
    (``UniqueViolation … alembic_version`` on PostgreSQL, ``table … already exists`` on
    SQLite). PostgreSQL: a session advisory lock on its own connection. SQLite: an ``flock``
    on a file next to the database.
    """
    if engine.dialect.name == "sqlite":
        database = engine.url.database or ""
        if not database or database == ":memory:":
            yield
            return
        from core.filelock import file_lock

        with file_lock(Path(f"{database}.migrate.lock")):
            yield
        return
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        lock.commit()
        try:
            yield
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
            lock.commit()


def upgrade(engine: Engine) -> list[str]:
    """Apply every pending migration; return the revisions now current.

    Holds :func:`migration_lock`; a process that waited finds the work done and does nothing.
    """
    from alembic import command

    with migration_lock(engine):
        if current_revisions(engine) != head_revisions(engine):
            command.upgrade(_alembic_config(engine), "heads")
    return sorted(current_revisions(engine))


def declared_heads() -> set[str]:
    """The migration heads as the files in ``migrations/versions`` declare them, read
    without importing Alembic (which loads every dialect it supports: ~1 s)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if not isinstance(target, ast.Name):
                continue
            if target.id == "revision":
                revisions.add(ast.literal_eval(value))
            elif target.id == "down_revision":
                declared = ast.literal_eval(value)
                parents.update([declared] if isinstance(declared, str) else declared or ())
    return revisions - parents


def stored_revisions(engine: Engine) -> set[str]:
    """The revisions the database is at, read with one query (no Alembic); none yet: empty."""
    try:
        with engine.connect() as connection:
            return set(
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
    except DBAPIError:  # no alembic_version table: a database never migrated
        return set()


def ensure_schema(engine: Engine) -> None:
    """Upgrade on first use, so a fresh SQLite file or database just works. A database at
    the declared heads is recognised without importing Alembic (every command starts here)."""
    if stored_revisions(engine) == declared_heads():
        return
    if current_revisions(engine) != head_revisions(engine):
        upgrade(engine)
