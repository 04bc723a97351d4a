"""Errors of the extraction layer."""

from __future__ import annotations


class AttachmentError(ValueError):
    """An attachment that cannot be read; the message says which and why."""
