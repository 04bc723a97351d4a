"""Fold the sightings of one item within one crawl into one content.

A list row and its detail page (or a page and its attachment) describe the same item: same
id (kind + org + title), but each prints other fields. Stored one after the other, the
second would archive the first as version 1 on the item's very first sight. Folded, the
earlier sighting keeps its values and the later one fills in what it left empty; a value the
two print differently is counted, and stays visible in the later sighting's raw row.
"""

from __future__ import annotations

from typing import Any

from core.records import (
    BUDGET_RANGE_FIELDS,
    BUDGET_RAW_FIELD,
    CONTENT_FIELDS,
    PROVENANCE_FIELDS,
    Record,
)

_BUDGET = ("budget_cny", *BUDGET_RANGE_FIELDS, BUDGET_RAW_FIELD)
_SIMPLE = tuple(name for name in CONTENT_FIELDS if name not in _BUDGET)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def fill_in(base: Record, later: Record) -> tuple[Record, int]:
    """``base``'s content with ``later``'s filling its blanks; and how many fields the two
    print differently (base's value is kept). Provenance stays ``base``'s."""
    updates: dict[str, Any] = {}
    conflicts = 0
    for name in _SIMPLE:
        mine, theirs = getattr(base, name), getattr(later, name)
        if _empty(mine) and not _empty(theirs):
            updates[name] = theirs
        elif not _empty(theirs) and mine != theirs:
            conflicts += 1
    # a budget is one reading of one text: taken whole, never mixed from two sightings
    if base.budget_cny is None and base.budget_low_cny is None and later.budget_cny is not None:
        updates.update({name: getattr(later, name) for name in _BUDGET})
    elif later.budget_cny is not None and later.budget_cny != base.budget_cny:
        conflicts += 1
    return (base.model_copy(update=updates) if updates else base), conflicts


def with_provenance(content: Record, sighting: Record) -> Record:
    """``content`` as seen at ``sighting``'s place: its source, attachment and raw row."""
    return content.model_copy(update={name: getattr(sighting, name) for name in PROVENANCE_FIELDS})
