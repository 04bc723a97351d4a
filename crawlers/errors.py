"""How a crawl can fail, each with the exit status ``scenehub crawl`` ends with.

One exception tree, mapped once to an exit code by the CLI (as the API maps its errors once to
a status): scripts and schedulers tell the outcomes apart by the code alone.

==== ==========================================================================
code meaning
==== ==========================================================================
0    finished: pages read, items found (failures of single pages are in the report)
1    the crawl process itself failed (:class:`CrawlCrashed`)
2    bad arguments or a bad source entry (:class:`CrawlOptionsError`)
3    no start page could be fetched: unreachable, HTTP error, refused address
     (:class:`StartPagesFailed`)
4    pages were read but no items found where a list was expected (:class:`NothingFound`)
130  interrupted (Ctrl-C); run the same command again to resume (:class:`CrawlInterrupted`)
==== ==========================================================================
"""

from __future__ import annotations

from typing import Any, ClassVar


class CrawlError(Exception):
    """A crawl that did not do its job; ``str()`` is the one-line reason shown to the user."""

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, report: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.report = report


class CrawlCrashed(CrawlError):
    exit_code = 1


class CrawlOptionsError(CrawlError):
    exit_code = 2


class StartPagesFailed(CrawlError):
    exit_code = 3


class NothingFound(CrawlError):
    exit_code = 4


class CrawlInterrupted(CrawlError):
    exit_code = 130


EXIT_CODES: dict[int, str] = {
    0: "finished",
    CrawlCrashed.exit_code: "the crawl process failed",
    CrawlOptionsError.exit_code: "bad arguments or source entry",
    StartPagesFailed.exit_code: "no start page could be fetched",
    NothingFound.exit_code: "no items found",
    CrawlInterrupted.exit_code: "interrupted (run again to resume)",
}

__all__ = [
    "EXIT_CODES",
    "CrawlCrashed",
    "CrawlError",
    "CrawlInterrupted",
    "CrawlOptionsError",
    "NothingFound",
    "StartPagesFailed",
]
