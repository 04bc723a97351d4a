"""Field-aware BM25 over jieba tokens (bm25s), rebuilt cheaply when records change.

bm25s cannot add documents to an index (its IDF is global, xhluca/bm25s#5), so the
index keeps every document's token ids and rebuilds the bm25s score matrix from them;
only changed records are re-tokenised. Fields are weighted BM25F-style by repeating a
field's tokens (title x3 ...), which raises both its term frequency and its share of the
document length.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import numpy.typing as npt

from matching.lexical.tokenizer import Tokenizer

#: chosen on the dev gold set (docs/matching.md): title and product name carry the most
FIELD_WEIGHTS: dict[str, int] = {
    "title": 3,
    "product": 2,
    "domains": 2,
    "description": 1,
    "tech_requirements": 1,
    "org": 1,
}

Scores = npt.NDArray[np.float32]


class LexicalIndex:
    """Rows of token ids, one per document; ``rebuild`` turns them into a bm25s index."""

    def __init__(
        self, tokenizer: Tokenizer | None = None, field_weights: Mapping[str, int] | None = None
    ) -> None:
        self.tokenizer = tokenizer or Tokenizer()
        self.field_weights = dict(field_weights or FIELD_WEIGHTS)
        self.vocab: dict[str, int] = {}
        self.docs: list[npt.NDArray[np.int32]] = []
        self._retriever: Any = None

    def __len__(self) -> int:
        return len(self.docs)

    # -- building -------------------------------------------------------------------

    def encode_document(self, fields: Mapping[str, str]) -> npt.NDArray[np.int32]:
        ids: list[int] = []
        for name, text in fields.items():
            weight = self.field_weights.get(name, 1)
            tokens = [self._term_id(token) for token in self.tokenizer(text)]
            ids.extend(tokens * weight)
        return np.asarray(ids, dtype=np.int32)

    def _term_id(self, token: str) -> int:
        term_id = self.vocab.get(token)
        if term_id is None:
            term_id = self.vocab[token] = len(self.vocab)
        return term_id

    def set_documents(self, docs: Sequence[npt.NDArray[np.int32]]) -> None:
        self.docs = list(docs)
        self.rebuild()

    def rebuild(self) -> None:
        """Recompute the bm25s score matrix (global IDF) from the stored token ids."""
        self._retriever = build_bm25s(self.docs, len(self.vocab)) if self.docs else None
        if self._retriever is not None:
            vocab = dict(self.vocab)
            vocab.setdefault("", len(vocab))  # bm25s' empty token, for documents with none
            self._retriever.vocab_dict = vocab
            self._retriever.unique_token_ids_set = set(vocab.values())

    # -- searching ------------------------------------------------------------------

    def query_terms(self, text: str) -> list[str]:
        """Unique query tokens, in order; repeated words do not count twice."""
        return list(dict.fromkeys(self.tokenizer(text)))

    def scores(self, terms: Iterable[str]) -> Scores:
        """BM25 score of every document for these query terms (0 where nothing matched)."""
        if self._retriever is None:
            return np.zeros(len(self.docs), dtype=np.float32)
        ids = [self.vocab[term] for term in terms if term in self.vocab]
        if not ids:
            return np.zeros(len(self.docs), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(ids), dtype=np.float32)

    def matched_terms(
        self, terms: Sequence[str], fields: Mapping[str, str]
    ) -> dict[str, list[str]]:
        """For an explanation: which query terms occur in which field of a document.

        A containment test on the folded field text rather than re-tokenising it: the
        terms already come from the tokenizer, and this keeps explanations off the
        query's critical path (jieba on ten documents costs more than the search).
        """
        out: dict[str, list[str]] = {}
        for name, text in fields.items():
            folded = unicodedata.normalize("NFKC", text).lower()
            hits = [term for term in terms if term in folded]
            if hits:
                out[name] = hits
        return out

    # -- persistence ----------------------------------------------------------------

    def save(self, folder: Path) -> list[Path]:
        lengths = np.asarray([len(doc) for doc in self.docs], dtype=np.int64)
        flat = np.concatenate(self.docs) if self.docs else np.zeros(0, dtype=np.int32)
        tokens_path, vocab_path = folder / "lexical.npz", folder / "vocab.json"
        with tokens_path.open("wb") as handle:
            np.savez(handle, lengths=lengths, tokens=flat)
        vocab_path.write_text(
            json.dumps(
                {
                    "weights": self.field_weights,
                    "bigrams": self.tokenizer.bigrams,
                    "vocab": list(self.vocab),
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        return [tokens_path, vocab_path]

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        meta = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        index = cls(Tokenizer(bigrams=meta["bigrams"]), meta["weights"])
        index.vocab = {term: i for i, term in enumerate(meta["vocab"])}
        with np.load(folder / "lexical.npz", allow_pickle=False) as data:
            lengths, flat = data["lengths"], data["tokens"]
        if int(lengths.sum()) != len(flat) or (len(flat) and int(flat.max()) >= len(index.vocab)):
            raise ValueError("lexical index: token arrays do not match the vocabulary")
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        index.docs = [flat[offsets[i] : offsets[i + 1]] for i in range(len(lengths))]
        index.rebuild()
        return index


def build_bm25s(docs: Sequence[npt.NDArray[np.int32]], vocab_size: int) -> Any:
    """A ``bm25s.BM25`` (Lucene variant) whose score matrix is computed with numpy.

    Same formula and CSC layout as ``BM25.build_index_from_ids``, whose per-document
    Python loop costs ~4 s at 100k records; this costs a sort. ``tests`` compare the two.
    """
    retriever = bm25s.BM25()
    if retriever.method != "lucene" or retriever.idf_method != "lucene":
        raise RuntimeError("bm25s default scoring changed; update build_bm25s")
    lengths = np.asarray([len(doc) for doc in docs], dtype=np.int64)
    n_docs, n_terms = len(docs), vocab_size + 1  # + bm25s' empty token
    flat = np.concatenate(docs).astype(np.int64) if n_docs else np.zeros(0, np.int64)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    pairs, tf = np.unique(doc_of * n_terms + flat, return_counts=True)
    doc, term = pairs // n_terms, pairs % n_terms
    df = np.bincount(term, minlength=n_terms)
    idf = np.where(df > 0, np.log(1 + (n_docs - df + 0.5) / (df + 0.5)), 0.0)
    avg = float(lengths.mean()) if n_docs else 1.0
    k1, b = retriever.k1, retriever.b
    tf = tf.astype(np.float64)
    scores = idf[term] * tf / (k1 * ((1 - b) + b * lengths[doc] / avg) + tf)
    order = np.lexsort((doc, term))
    retriever.scores = {
        "data": scores[order].astype(retriever.dtype),
        "indices": doc[order].astype(retriever.int_dtype),
        "indptr": np.concatenate([[0], np.cumsum(df)]).astype(retriever.int_dtype),
        "num_docs": n_docs,
    }
    retriever.nonoccurrence_array = None
    return retriever
