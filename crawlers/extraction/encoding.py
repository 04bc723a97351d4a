"""Page encodings: the one implementation lives in ``core.ingest.encoding`` (list files use
it too); re-exported here for the crawler's middleware and extraction code."""

from __future__ import annotations

from core.ingest.encoding import detect_encoding, meta_charset, normalize_encoding

__all__ = ["detect_encoding", "meta_charset", "normalize_encoding"]
