"""Matching errors; each message is meant to be shown to a user as is."""

from __future__ import annotations


class MatchingError(ValueError):
    """Base class: bad input to matching (the CLI prints it and exits non-zero)."""


class FilterError(MatchingError):
    """A filter names a value no record has (or is malformed)."""


class QueryError(MatchingError):
    """Empty or unusable query text, or an unknown record id."""


class NothingToSearch(QueryError):
    """The query has no letters or digits (only punctuation, symbols) or is not valid text."""


class NoCandidates(FilterError):
    """The filters, alone or together, leave no record to rank; the message says which."""


class UnknownRecord(QueryError):
    """The record to match from is not in the store."""


class IndexCorrupt(RuntimeError):
    """An index folder failed its checks; it is rebuilt from the store, never trusted."""
