"""The record store: upserts that keep every version and every source, nothing lost.

Semantics
---------
* same id, same content  -> only ``last_seen`` moves;
* same id, new content   -> ``version`` + 1, the previous version moves to ``record_versions``;
* every (source, attachment, raw row) an item was seen at is kept in ``record_sources``.

``upsert_many`` runs one transaction per call: a batch killed half-way leaves nothing of itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from core.db import ensure_schema, make_engine
from core.models import RecordRow, RecordSourceRow, RecordVersionRow
from core.records import STORED_CONTENT_FIELDS, Record, RecordKind, StoredRecord
from core.settings import Settings, get_settings

_CHUNK = 500
#: how often a batch that collided with a concurrent writer is run again before giving up
WRITE_ATTEMPTS = 8
logger = logging.getLogger(__name__)
_ROW_FIELDS = (*STORED_CONTENT_FIELDS, "source_url", "attachment_url", "raw")


class StoreBusy(RuntimeError):
    """Concurrent writers kept colliding on the same records; nothing of the batch was stored.

    The message names the backend error's kind only: never the rows (which may be long and
    hold contact details)."""


def _retryable(exc: DBAPIError) -> bool:
    """A collision with another writer that a fresh transaction resolves.

    A unique violation (someone inserted the same id first), a deadlock or serialization
    failure (PostgreSQL) or a busy database (SQLite)."""
    if isinstance(exc, IntegrityError):
        return True
    code = getattr(exc.orig, "sqlstate", None)
    if code in {"40001", "40P01", "55P03"}:
        return True
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower()


class RecordNotFound(KeyError):
    def __init__(self, record_id: str) -> None:
        super().__init__(record_id)
        self.record_id = record_id

    def __str__(self) -> str:
        return f"no record with id {self.record_id!r}"


@dataclass
class UpsertReport:
    """What one batch did to the store, by record id."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.new) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        return f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


ProgressCallback = Callable[[int], None]


def _now() -> datetime:
    return datetime.now(UTC)


def _raw_hash(raw: dict[str, Any]) -> str:
    payload = json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def index_key(content_hash: str, source_count: int) -> str:
    """What :meth:`RecordStore.index_keys` reports for one record."""
    return f"{content_hash}/{source_count}"


class RecordStore:
    """Records on SQLite (default) or PostgreSQL, with history and provenance."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        ensure_schema(engine)

    @classmethod
    def from_url(cls, url: str) -> RecordStore:
        return cls(make_engine(url))

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> RecordStore:
        settings = settings or get_settings()
        return cls.from_url(settings.resolved_database_url)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- writing -----------------------------------------------------------------

    def upsert_many(
        self,
        records: Iterable[Record],
        *,
        now: datetime | None = None,
        progress: ProgressCallback | None = None,
    ) -> UpsertReport:
        """Store a batch in one transaction; return what changed.

        Safe against concurrent writers of the same ids (another process, a distributed
        crawl peer): rows are locked before they are read for update (PostgreSQL) or the
        write lock is taken up front (SQLite), and a transaction that still collides (two
        first inserts of one id) is rolled back whole and run again, so every id ends as one
        row with a gap-free version history. Raises :class:`StoreBusy` after
        ``WRITE_ATTEMPTS`` collisions.
        """
        now = now or _now()
        batch = [record.with_id() for record in records]
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return self._upsert_once(batch, now, progress)
            except DBAPIError as exc:
                if not _retryable(exc):
                    raise
                kind = type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__
                if attempt == WRITE_ATTEMPTS:
                    raise StoreBusy(
                        f"another writer kept changing the same records ({kind}) through "
                        f"{WRITE_ATTEMPTS} attempts; nothing of this batch of {len(batch)} "
                        "was stored: run it again"
                    ) from None
                logger.info("upsert collided with another writer (%s); retry %d", kind, attempt)
                time.sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.5))
        raise AssertionError("unreachable")

    def _upsert_once(
        self, batch: list[Record], now: datetime, progress: ProgressCallback | None
    ) -> UpsertReport:
        report = UpsertReport()
        done = 0
        with self.session() as session, session.begin():
            if self.engine.dialect.name == "sqlite":
                # take the write lock now: a deferred transaction that read first cannot
                # upgrade once another writer committed (SQLITE_BUSY, no waiting)
                session.execute(text("BEGIN IMMEDIATE"))
            for start in range(0, len(batch), _CHUNK):
                chunk = batch[start : start + _CHUNK]
                self._upsert_chunk(session, chunk, now, report)
                done += len(chunk)
                if progress:
                    progress(done)
        return report

    def upsert(self, record: Record, *, now: datetime | None = None) -> UpsertReport:
        return self.upsert_many([record], now=now)

    def _upsert_chunk(
        self, session: Session, batch: list[Record], now: datetime, report: UpsertReport
    ) -> None:
        ids = {record.id for record in batch}
        query = select(RecordRow).where(RecordRow.id.in_(ids)).order_by(RecordRow.id)
        if self.engine.dialect.name == "postgresql":
            # lock in id order: a concurrent writer of the same ids waits, then reads our
            # version, instead of both bumping version n to n + 1
            query = query.with_for_update()
        existing = {row.id: row for row in session.scalars(query)}
        sources = self._existing_sources(session, ids)
        # new rows inserted in id order too, so two writers never wait on each other crosswise
        for record in sorted(batch, key=lambda r: r.id or ""):
            assert record.id is not None
            values = record.model_dump(include=set(_ROW_FIELDS))
            values["kind"] = record.kind.value
            digest = record.compute_hash()
            row = existing.get(record.id)
            if row is None:
                row = RecordRow(
                    id=record.id,
                    **values,
                    content_hash=digest,
                    version=1,
                    first_seen=now,
                    last_seen=now,
                    updated_at=now,
                )
                session.add(row)
                existing[record.id] = row
                report.new.append(record.id)
            elif row.content_hash == digest:
                row.last_seen = now
                report.unchanged.append(record.id)
            else:
                self._archive(session, row, now)
                for name, value in values.items():
                    setattr(row, name, value)
                row.content_hash = digest
                row.version += 1
                row.last_seen = now
                row.updated_at = now
                report.updated.append(record.id)
            self._touch_source(session, sources, record, now)
        session.flush()

    @staticmethod
    def _archive(session: Session, row: RecordRow, now: datetime) -> None:
        session.add(
            RecordVersionRow(
                record_id=row.id,
                version=row.version,
                **{name: getattr(row, name) for name in (*_ROW_FIELDS, "content_hash")},
                first_seen=row.first_seen,
                last_seen=row.last_seen,
                valid_from=row.updated_at,
                valid_to=now,
            )
        )

    @staticmethod
    def _existing_sources(
        session: Session, ids: set[str | None]
    ) -> dict[tuple[str, str, str, str], RecordSourceRow]:
        rows = session.scalars(select(RecordSourceRow).where(RecordSourceRow.record_id.in_(ids)))
        return {(r.record_id, r.source_url, r.attachment_url, r.raw_hash): r for r in rows}

    @staticmethod
    def _touch_source(
        session: Session,
        sources: dict[tuple[str, str, str, str], RecordSourceRow],
        record: Record,
        now: datetime,
    ) -> None:
        assert record.id is not None
        key = (
            record.id,
            record.source_url or "",
            record.attachment_url or "",
            _raw_hash(record.raw),
        )
        source = sources.get(key)
        if source is None:
            source = RecordSourceRow(
                record_id=key[0],
                source_url=key[1],
                attachment_url=key[2],
                raw=record.raw,
                raw_hash=key[3],
                first_seen=now,
                last_seen=now,
            )
            session.add(source)
            sources[key] = source
        else:
            source.last_seen = now

    # -- reading -----------------------------------------------------------------

    def get(self, record_id: str) -> StoredRecord:
        with self.session() as session:
            row = session.get(RecordRow, record_id)
            if row is None:
                raise RecordNotFound(record_id)
            return self._to_model(row, self._source_urls(session, [record_id]).get(record_id, []))

    def history(self, record_id: str) -> list[StoredRecord]:
        """Every version of a record, oldest first; the last one is current."""
        current = self.get(record_id)
        with self.session() as session:
            rows = session.scalars(
                select(RecordVersionRow)
                .where(RecordVersionRow.record_id == record_id)
                .order_by(RecordVersionRow.version)
            ).all()
            old = [self._to_model(row, current.sources, record_id=record_id) for row in rows]
        return [*old, current]

    def sources(self, record_id: str) -> list[dict[str, Any]]:
        """Every place the record was seen, with its raw row there."""
        self.get(record_id)
        with self.session() as session:
            rows = session.scalars(
                select(RecordSourceRow)
                .where(RecordSourceRow.record_id == record_id)
                .order_by(RecordSourceRow.id)
            )
            return [
                {
                    "source_url": row.source_url or None,
                    "attachment_url": row.attachment_url or None,
                    "raw": row.raw,
                    "first_seen": row.first_seen,
                    "last_seen": row.last_seen,
                }
                for row in rows
            ]

    def iter_records(
        self,
        *,
        kind: RecordKind | str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        ids: Iterable[str] | None = None,
        batch_size: int = 1000,
    ) -> Iterator[StoredRecord]:
        """Current versions ordered by id, streamed in batches (keyset pagination).

        ``since``/``until`` bound ``first_seen`` (exclusive, inclusive): a window that
        never counts a record twice across consecutive runs.
        """
        wanted = set(ids) if ids is not None else None
        after = ""
        while True:
            query = select(RecordRow).where(RecordRow.id > after).order_by(RecordRow.id)
            if kind is not None:
                query = query.where(RecordRow.kind == RecordKind(kind).value)
            if since is not None:
                query = query.where(RecordRow.first_seen > since)
            if until is not None:
                query = query.where(RecordRow.first_seen <= until)
            if wanted is not None:
                query = query.where(RecordRow.id.in_(wanted))
            with self.session() as session:
                rows = session.scalars(query.limit(batch_size)).all()
                source_map = self._source_urls(session, [row.id for row in rows])
            if not rows:
                return
            for row in rows:
                yield self._to_model(row, source_map.get(row.id, []))
            after = rows[-1].id

    def index_keys(self, kind: RecordKind | str | None = None) -> dict[str, str]:
        """``{id: "content_hash/sources"}``: changes when the content changes *or* the item
        is seen at a new source, which indexes that facet on provenance must notice."""
        sources = (
            select(
                RecordSourceRow.record_id,
                func.count(func.distinct(RecordSourceRow.source_url)).label("n"),
            )
            .where(RecordSourceRow.source_url != "")
            .group_by(RecordSourceRow.record_id)
            .subquery()
        )
        query = select(RecordRow.id, RecordRow.content_hash, sources.c.n).outerjoin(
            sources, sources.c.record_id == RecordRow.id
        )
        if kind is not None:
            query = query.where(RecordRow.kind == RecordKind(kind).value)
        with self.session() as session:
            return {rid: index_key(digest, n or 0) for rid, digest, n in session.execute(query)}

    def describe(self) -> str:
        """Which store this is, for messages: the SQLite file, or the URL without password."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return f"SQLite file {url.database}"
        return url.render_as_string(hide_password=True)

    def count(self, kind: RecordKind | str | None = None) -> int:
        query = select(func.count()).select_from(RecordRow)
        if kind is not None:
            query = query.where(RecordRow.kind == RecordKind(kind).value)
        with self.session() as session:
            return int(session.scalar(query) or 0)

    @staticmethod
    def _source_urls(session: Session, ids: list[str]) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            query = (
                select(RecordSourceRow.record_id, RecordSourceRow.source_url)
                .where(RecordSourceRow.record_id.in_(chunk))
                .order_by(RecordSourceRow.id)
            )
            for record_id, url in session.execute(query):
                urls = result.setdefault(record_id, [])
                if url and url not in urls:
                    urls.append(url)
        return result

    @staticmethod
    def _to_model(
        row: RecordRow | RecordVersionRow, sources: list[str], record_id: str | None = None
    ) -> StoredRecord:
        data = {name: getattr(row, name) for name in (*_ROW_FIELDS, "content_hash", "version")}
        return StoredRecord(
            id=record_id or getattr(row, "id"),  # noqa: B009 - history rows have record_id
            first_seen=row.first_seen,
            last_seen=row.last_seen,
            sources=sources,
            **data,
        )
