"""One exception tree for the contribution tracker, so callers catch by meaning, not by library.

Every hub client maps transport failures onto these in exactly one ``raise_for_status``.
"""

from __future__ import annotations


class ContribError(Exception):
    """Base of every error raised by ``contrib``."""


class RegistryError(ContribError):
    """The enterprise registry file is unreadable, has a broken row or a conflicting account."""


class HubError(ContribError):
    """A hub answered with something we cannot use."""

    def __init__(self, message: str, *, hub: str, url: str | None = None) -> None:
        super().__init__(f"{hub}: {message}" + (f" ({url})" if url else ""))
        self.hub = hub
        self.url = url


class HubNotFound(HubError):
    """404: the account or repo does not exist (or is private)."""


class HubForbidden(HubError):
    """401/403: credentials missing or insufficient (not a rate limit)."""


class HubRateLimited(HubError):
    """429 or an exhausted rate-limit budget that outlived every retry."""

    def __init__(
        self, message: str, *, hub: str, url: str | None = None, reset_in: float | None = None
    ) -> None:
        super().__init__(message, hub=hub, url=url)
        self.reset_in = reset_in


class HubServerError(HubError):
    """5xx after every retry."""


class HubBadResponse(HubError):
    """A 2xx whose body is not the JSON shape we expect (HTML, garbage, wrong envelope)."""


class SnapshotError(ContribError):
    """A snapshot would be overwritten, or does not exist."""


class RankingError(ContribError):
    """Ranking cannot run: unknown category, no snapshot, bad config."""


class SnapshotMissing(RankingError):
    """No complete snapshot on or before the date asked: nothing to rank yet (not a bad
    request: the API answers 404)."""


class NotInSnapshot(RankingError):
    """The enterprise asked for is not in the snapshot's registry (the API answers 404)."""


class ConfigError(RankingError):
    """The award config file is invalid."""


class PullIncomplete(ContribError):
    """A pull stopped on a hub error; finished parts are stored, the snapshot stays partial."""


class ReviewError(ContribError):
    """A review decision is incomplete (no reason, no reviewer) or names an unknown firm."""
