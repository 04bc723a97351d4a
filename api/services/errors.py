"""Domain errors of the service layer, each with its HTTP status and CLI exit status.

Errors from the engines (matching, contrib, crawlers, ingest) are translated into these by
:func:`translate`, in one place, so both faces say the same thing for the same mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class ServiceError(Exception):
    """Base: a request that cannot be done as asked. ``field`` names the input at fault."""

    status_code = 400
    exit_code = 1
    kind = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InvalidInput(ServiceError):
    status_code = 422
    kind = "invalid_input"


class UsageError(InvalidInput):
    """An option value the command cannot take at all (exit status 2, as click's own)."""

    exit_code = 2


class NotFound(ServiceError):
    status_code = 404
    kind = "not_found"


class UnknownChoice(NotFound):
    """A name outside a list read at run time (award categories): a usage error."""

    exit_code = 2


class Conflict(ServiceError):
    status_code = 409
    kind = "conflict"


class Unauthenticated(ServiceError):
    status_code = 401
    kind = "unauthenticated"


class Forbidden(ServiceError):
    status_code = 403
    kind = "forbidden"


class RateLimited(ServiceError):
    status_code = 429
    kind = "rate_limited"


class NotReady(ServiceError):
    """The index (or a snapshot) this needs has not been built yet."""

    status_code = 503
    kind = "not_ready"


class CrawlFailed(ServiceError):
    """A crawl that did not do its job; it keeps the crawl's own exit status (see
    ``crawlers.errors.EXIT_CODES``: scripts and the scheduler tell the reasons apart)."""

    status_code = 502
    kind = "crawl_failed"

    def __init__(self, message: str, *, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@contextmanager
def translate() -> Iterator[None]:
    """Map the engines' own errors onto the service's, once for every caller."""
    try:
        yield
    except ServiceError:
        raise
    except Exception as exc:
        mapped = _translated(exc)
        if mapped is None:
            raise
        raise mapped from exc


def _translated(exc: Exception) -> ServiceError | None:
    # the engines' error modules are imported when an error is raised, not on every call:
    # a command that succeeds never loads the engines it did not use
    from contrib.errors import ContribError, NotInSnapshot, RankingError, SnapshotMissing
    from core.store import RecordNotFound
    from crawlers.errors import CrawlError, CrawlOptionsError
    from matching.embedders import EmbedderError
    from matching.errors import MatchingError, UnknownRecord

    if isinstance(exc, (UnknownRecord, RecordNotFound, SnapshotMissing, NotInSnapshot)):
        return NotFound(str(exc))
    if isinstance(exc, (MatchingError, EmbedderError, RankingError, ContribError)):
        return InvalidInput(str(exc))
    if isinstance(exc, CrawlOptionsError):
        return UsageError(str(exc))
    if isinstance(exc, CrawlError):
        return CrawlFailed(str(exc), exit_code=exc.exit_code)
    return None
