"""Match a scene to suppliers, a capability to open scenes, or free text to either.

Read-only: the corpora come from an :class:`~api.services.index.IndexReader` (or, in the
CLI, a freshly synced :class:`~matching.engine.Matcher`); results are the JSON of
``scenehub match --json``. Records the caller may not see never appear.
"""

from __future__ import annotations

from enum import StrEnum

from api.services.errors import InvalidInput, NotFound, translate
from api.services.filters import RecordFilter, check_text
from api.services.policy import Principal
from api.services.records import closed_to_answers, get_stored, hidden_ids
from core.records import RecordKind
from matching.engine import Matcher
from matching.search import LEGS, Match

MAX_TOP_K = 100


class Legs(StrEnum):
    HYBRID = "hybrid"
    BM25 = "bm25"
    DENSE = "dense"

    @property
    def legs(self) -> tuple[str, ...]:
        return LEGS if self is Legs.HYBRID else (self.value,)


def _check_top_k(top_k: int, limit: int) -> None:
    if not 1 <= top_k <= limit:
        raise InvalidInput(f"top_k must lie in 1..{limit}", field="top_k")


def match_record(
    matcher: Matcher,
    record_id: str,
    *,
    expect: RecordKind | None = None,
    who: Principal | None = None,
    filters: RecordFilter | None = None,
    top_k: int = 10,
    legs: Legs = Legs.HYBRID,
    collapse: bool = True,
    max_top_k: int = MAX_TOP_K,
) -> list[Match]:
    """Suppliers for a scene (``expect=SCENE``) or open scenes for a capability."""
    _check_top_k(top_k, max_top_k)
    facet_filters = (filters or RecordFilter()).to_filters()
    try:
        record = get_stored(matcher.store, record_id, who=who)
    except NotFound as exc:
        raise NotFound(f"no record with id {record_id!r} in the store") from exc
    if expect is not None and record.kind is not expect:
        raise NotFound(f"{record_id} is a {record.kind.value}, not a {expect.value}")
    hidden = hidden_ids(matcher.store, who) | closed_to_answers(matcher.store, filters)
    with translate():
        found = matcher.match_record(
            record,
            top_k=top_k + min(len(hidden), 100),
            filters=facet_filters,
            legs=legs.legs,
            collapse=collapse,
        )
    return _visible(found, hidden, top_k)


def match_text(
    matcher: Matcher,
    text: str,
    against: RecordKind,
    *,
    who: Principal | None = None,
    filters: RecordFilter | None = None,
    top_k: int = 10,
    legs: Legs = Legs.HYBRID,
    collapse: bool = True,
    max_top_k: int = MAX_TOP_K,
) -> list[Match]:
    _check_top_k(top_k, max_top_k)
    text = check_text(text)
    facet_filters = (filters or RecordFilter()).to_filters()
    hidden = hidden_ids(matcher.store, who) | closed_to_answers(matcher.store, filters)
    with translate():
        found = matcher.match_text(
            text,
            against,
            top_k=top_k + min(len(hidden), 100),
            filters=facet_filters,
            legs=legs.legs,
            collapse=collapse,
        )
    return _visible(found, hidden, top_k)


def _visible(found: list[Match], hidden: set[str], top_k: int) -> list[Match]:
    if not hidden:
        return found[:top_k]
    kept = [m for m in found if m.id not in hidden][:top_k]
    for rank, match in enumerate(kept, start=1):
        match.rank = rank
    return kept
