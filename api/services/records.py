"""Scenes and capabilities: list, get, history, create, update, archive (never delete).

Visibility: anonymous callers see published records only; an organisation's own drafts and
archived records are visible to it, everything to admins. A hidden record is "not found".
"""

from __future__ import annotations

import bisect
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Select, or_, select

from api.services.errors import Conflict, InvalidInput, NotFound, translate
from api.services.filters import RecordFilter, check_text
from api.services.index import IndexReader
from api.services.models import (
    RecordCreate,
    RecordPublic,
    RecordsPage,
    RecordStatus,
    RecordUpdate,
)
from api.services.policy import Action, Principal, allowed, authorize, signed_in
from core.models import RecordRow
from core.models.accounts import RecordStatusRow
from core.normalize.money import parse_money
from core.records import Record, RecordKind, StoredRecord
from core.store import RecordNotFound, RecordStore
from matching.search import Query, rank

MAX_LIMIT = 100
_ACTIONS = {
    RecordKind.SCENE: (Action.SCENE_CREATE, Action.SCENE_UPDATE, Action.SCENE_ARCHIVE),
    RecordKind.CAPABILITY: (
        Action.CAPABILITY_CREATE,
        Action.CAPABILITY_UPDATE,
        Action.CAPABILITY_ARCHIVE,
    ),
}


def _visible_clause(who: Principal | None) -> Any:
    public = or_(RecordStatusRow.status.is_(None), RecordStatusRow.status == "published")
    if who is not None and allowed(who, Action.UNPUBLISHED_READ, None):
        return None  # admins see everything
    if who is not None and who.org and allowed(who, Action.UNPUBLISHED_READ, who.org):
        return or_(public, RecordStatusRow.owner_org == who.org)
    return public


def _with_status(query: Select[Any], who: Principal | None) -> Select[Any]:
    query = query.outerjoin(RecordStatusRow, RecordStatusRow.record_id == RecordRow.id)
    clause = _visible_clause(who)
    return query if clause is None else query.where(clause)


def hidden_ids(store: RecordStore, who: Principal | None) -> set[str]:
    """Records in the index that ``who`` must not see (drafts, archived, others' drafts)."""
    query = select(RecordStatusRow.record_id, RecordStatusRow.owner_org).where(
        RecordStatusRow.status != "published"
    )
    with store.session() as session:
        rows = session.execute(query).all()
    return {rid for rid, owner in rows if not allowed(who, Action.UNPUBLISHED_READ, owner)}


def closed_to_answers(store: RecordStore, filters: RecordFilter | None) -> set[str]:
    """With an "open" filter, the scenes the matchmaking loop has settled (contracted,
    delivered, closed): they leave the open lists and stay searchable without one."""
    if filters is None or not (filters.open_only or filters.open_on):
        return set()
    from api.services.loop import settled_scene_ids

    return settled_scene_ids(store)


def _statuses(store: RecordStore, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    with store.session() as session:
        rows = session.execute(
            select(
                RecordStatusRow.record_id, RecordStatusRow.status, RecordStatusRow.owner_org
            ).where(RecordStatusRow.record_id.in_(ids))
        ).all()
    return {rid: (status, owner) for rid, status, owner in rows}


def _public(record: StoredRecord, status: tuple[str, str | None] | None) -> RecordPublic:
    data = record.model_dump()
    if status is not None:
        data["status"], data["owner_org"] = status
    return RecordPublic.model_validate(data)


def _fetch_visible(store: RecordStore, ids: list[str], who: Principal | None) -> list[RecordPublic]:
    """These records in the given order, without those ``who`` may not see."""
    if not ids:
        return []
    with store.session() as session:
        visible = set(
            session.scalars(_with_status(select(RecordRow.id), who).where(RecordRow.id.in_(ids)))
        )
    records = {r.id: r for r in store.iter_records(ids=[i for i in ids if i in visible])}
    statuses = _statuses(store, list(records))
    return [_public(records[i], statuses.get(i)) for i in ids if i in records]


def list_records(
    store: RecordStore,
    reader: IndexReader,
    *,
    kind: RecordKind,
    who: Principal | None = None,
    filters: RecordFilter | None = None,
    q: str | None = None,
    after: str | None = None,
    limit: int = 20,
) -> RecordsPage:
    """Keyset pages ordered by id, or with ``q`` the best ``limit`` by relevance."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must lie in 1..{MAX_LIMIT}", field="limit")
    filters = filters or RecordFilter()
    facet_filters = filters.to_filters()
    if q is not None:
        if after is not None:
            raise InvalidInput("a text search returns one page by relevance: drop `after`")
        text = check_text(q)
        hidden = hidden_ids(store, who) | closed_to_answers(store, filters)
        corpus = reader.corpus(kind)
        with translate():
            matches = rank(
                corpus,
                Query(text=text),
                filters=facet_filters,
                top_k=limit + min(len(hidden), 100),
                fusion=reader.matcher.fusion,
                collapse=False,
                explain=False,
            )
        ids = [m.id for m in matches if m.id not in hidden][:limit]
        found = _fetch_visible(store, ids, who)
        return RecordsPage(data=found, count=len(found), next_after=None)
    if facet_filters.is_empty():
        return _page_from_store(store, kind, who, after, limit)
    corpus = reader.corpus(kind)
    with translate():
        mask = facet_filters.mask(corpus.facets)
    assert mask is not None
    settled = closed_to_answers(store, filters)
    candidates = sorted(
        corpus.ids[row] for row in np.flatnonzero(mask) if corpus.ids[row] not in settled
    )
    start = bisect.bisect_right(candidates, after) if after else 0
    data: list[RecordPublic] = []
    position = start
    while len(data) < limit and position < len(candidates):
        chunk = candidates[position : position + 4 * limit]
        position += len(chunk)
        data.extend(_fetch_visible(store, chunk, who))
    data = data[:limit]
    more = bool(data) and (position < len(candidates) or len(data) == limit)
    return RecordsPage(
        data=data,
        count=len(candidates),
        next_after=data[-1].id if more and data[-1].id != candidates[-1] else None,
    )


def _page_from_store(
    store: RecordStore, kind: RecordKind, who: Principal | None, after: str | None, limit: int
) -> RecordsPage:
    query = _with_status(select(RecordRow.id).where(RecordRow.kind == kind.value), who)
    if after:
        query = query.where(RecordRow.id > after)
    with store.session() as session:
        ids = list(session.scalars(query.order_by(RecordRow.id).limit(limit + 1)))
        from sqlalchemy import func

        count_query = _with_status(
            select(func.count()).select_from(RecordRow).where(RecordRow.kind == kind.value), who
        )
        count = int(session.scalar(count_query) or 0)
    more = len(ids) > limit
    data = _fetch_visible(store, ids[:limit], who)
    return RecordsPage(data=data, count=count, next_after=data[-1].id if more and data else None)


def get_record(
    store: RecordStore,
    record_id: str,
    *,
    kind: RecordKind | None = None,
    who: Principal | None = None,
) -> RecordPublic:
    found = _fetch_visible(store, [record_id], who)
    if not found or (kind is not None and found[0].kind is not kind):
        what = kind.value if kind else "record"
        raise NotFound(f"no {what} with id {record_id!r}")
    return found[0]


def get_stored(store: RecordStore, record_id: str, *, who: Principal | None = None) -> StoredRecord:
    """The stored record itself when ``who`` may see it (no public model built): for matching."""
    with store.session() as session:
        visible = session.scalar(
            _with_status(select(RecordRow.id), who).where(RecordRow.id == record_id)
        )
    if visible is None:
        raise NotFound(f"no record with id {record_id!r}")
    try:
        return store.get(record_id)
    except RecordNotFound as exc:  # pragma: no cover - records are never deleted
        raise NotFound(f"no record with id {record_id!r}") from exc


def record_history(
    store: RecordStore,
    record_id: str,
    *,
    kind: RecordKind | None = None,
    who: Principal | None = None,
) -> list[StoredRecord]:
    """Every version, oldest first (the last is current)."""
    get_record(store, record_id, kind=kind, who=who)
    try:
        return store.history(record_id)
    except RecordNotFound as exc:  # pragma: no cover - raced with nothing: records never go
        raise NotFound(str(exc)) from exc


def _budget(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    parsed = parse_money(value)
    if parsed.unparsed or parsed.amount_cny is None:
        raise InvalidInput(
            f"budget {value!r} is not an amount (e.g. 500000 or 50万)", field="budget"
        )
    return parsed.amount_cny


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    if "budget" in data:
        data["budget_cny"] = _budget(data.pop("budget"))
    data.pop("status", None)
    return data


def create_record(
    store: RecordStore, *, kind: RecordKind, body: RecordCreate, who: Principal | None
) -> RecordPublic:
    """A new record owned by the caller's organisation (a publisher's scene, a firm's profile)."""
    create, _, _ = _ACTIONS[kind]
    owner = body.org or (who.org if who else None)
    authorize(who, create, owner)
    assert who is not None
    data = _fields(body.model_dump(exclude_none=True))
    data["org"] = owner
    with translate():
        try:
            record = Record(kind=kind, raw={"entered_by": who.username}, **data).with_id()
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
    assert record.id is not None
    try:
        store.get(record.id)
    except RecordNotFound:
        pass
    else:
        raise Conflict(
            f"{record.id} already exists (same organisation and title): update it instead"
        )
    store.upsert(record)
    _set_status(store, record.id, body.status, owner, who.user_id)
    return get_record(store, record.id, who=who)


def _owner(store: RecordStore, record_id: str) -> tuple[str, str | None] | None:
    return _statuses(store, [record_id]).get(record_id)


def _set_status(
    store: RecordStore, record_id: str, status: RecordStatus, owner: str | None, by: int | None
) -> None:
    now = datetime.now(UTC)
    with store.session() as session, session.begin():
        row = session.get(RecordStatusRow, record_id)
        if row is None:
            session.add(
                RecordStatusRow(
                    record_id=record_id,
                    status=status.value,
                    owner_org=owner,
                    created_by=by,
                    changed_at=now,
                )
            )
        else:
            row.status = status.value
            row.changed_at = now


def update_record(
    store: RecordStore,
    record_id: str,
    *,
    kind: RecordKind,
    body: RecordUpdate,
    who: Principal | None,
) -> RecordPublic:
    """Apply the given fields as a new version (unchanged content keeps the version)."""
    _, update, _ = _ACTIONS[kind]
    signed_in(who, update.value)
    current = get_record(store, record_id, kind=kind, who=who)
    status = _owner(store, record_id)
    owner = status[1] if status else None
    authorize(who, update, owner)
    if current.status is RecordStatus.ARCHIVED:
        raise Conflict(f"{record_id} is archived; archived records are kept as they were")
    changes = _fields(body.model_dump(exclude_unset=True))
    stored = StoredRecord.model_validate(current.model_dump(exclude={"status", "owner_org"}))
    base = stored.to_record().model_dump()
    base.update({k: v for k, v in changes.items()})
    for name in ("domains",):
        if base.get(name) is None:
            base[name] = []
    base["raw"] = {"entered_by": who.username if who else ""}
    try:
        record = Record.model_validate(base)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    store.upsert(record)
    if body.status is not None:
        if body.status is RecordStatus.ARCHIVED:
            raise InvalidInput("archive with POST …/archive", field="status")
        _set_status(store, record_id, body.status, owner, who.user_id if who else None)
    return get_record(store, record_id, who=who)


def archive_record(
    store: RecordStore, record_id: str, *, kind: RecordKind, who: Principal | None
) -> RecordPublic:
    """Withdraw a record from view; every version stays in the store."""
    _, _, archive = _ACTIONS[kind]
    signed_in(who, archive.value)
    get_record(store, record_id, kind=kind, who=who)
    status = _owner(store, record_id)
    owner = status[1] if status else None
    authorize(who, archive, owner)
    _set_status(store, record_id, RecordStatus.ARCHIVED, owner, who.user_id if who else None)
    return get_record(store, record_id, who=who)
