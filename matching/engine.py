"""The matching service: corpora kept on disk under SCENEHUB_HOME, searched both ways.

``Matcher`` owns one embedder (loaded once), opens each corpus from its folder, checks
it, syncs it with the store and saves it back when something changed. A damaged folder
is never trusted: it is rebuilt from the store and the reason is reported.
"""

from __future__ import annotations

import logging
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

from core.records import RecordKind, StoredRecord
from core.store import RecordNotFound, RecordStore
from matching.embedders import CachedEmbedder, Embedder, EmbeddingCache
from matching.errors import IndexCorrupt, NoCandidates, NothingToSearch, QueryError, UnknownRecord
from matching.facets import Filters
from matching.fusion import DEFAULT_FUSION, FusionConfig
from matching.index import CorpusIndex, SyncReport
from matching.search import LEGS, Match, Query, rank
from matching.vector.faiss_index import DEFAULT_APPROXIMATE_ABOVE

log = logging.getLogger(__name__)

OTHER_SIDE = {RecordKind.SCENE: RecordKind.CAPABILITY, RecordKind.CAPABILITY: RecordKind.SCENE}


def searchable_text(text: str) -> str:
    """The query stripped, or :class:`NothingToSearch` when it holds no letter or digit.

    Text that came from bytes which are not UTF-8 carries lone surrogates (Python's
    ``surrogateescape``) or U+FFFD; neither is something to search for.
    """
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise NothingToSearch("the query is not valid UTF-8 text; nothing to search for")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        shown = text.strip()[:40]
        raise NothingToSearch(
            f"the query {shown!r} has no letters or digits; nothing to search for"
            if shown
            else "the query text is empty"
        )
    return text.strip()


def check_candidates(corpus: CorpusIndex, filters: Filters | None) -> None:
    """Raise :class:`NoCandidates` naming the filter(s) that leave nothing to rank."""
    if filters is None or filters.is_empty():
        return
    mask = filters.mask(corpus.facets)
    if mask is None or mask.any():
        return
    raise NoCandidates(filters.empty_reason(corpus.facets, f"{corpus.kind.value} records"))


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "embedder"


class Matcher:
    """Scene <-> capability matching over the store, with persistent indexes."""

    def __init__(
        self,
        store: RecordStore,
        home: Path,
        embedder: Embedder,
        *,
        fusion: FusionConfig = DEFAULT_FUSION,
        approximate_above: int = DEFAULT_APPROXIMATE_ABOVE,
        cache: EmbeddingCache | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.home = home
        if not isinstance(embedder, CachedEmbedder):
            cache = cache or EmbeddingCache(home / "cache" / "embeddings.sqlite")
            embedder = CachedEmbedder(embedder, cache)
        self.embedder = embedder
        self.fusion = fusion
        self.approximate_above = approximate_above
        self.progress = progress
        self._corpora: dict[RecordKind, CorpusIndex] = {}
        self.reports: dict[RecordKind, SyncReport] = {}

    def folder(self, kind: RecordKind) -> Path:
        return self.home / "index" / _slug(self.embedder.name) / RecordKind(kind).value

    def corpus(self, kind: RecordKind | str) -> CorpusIndex:
        """The corpus of ``kind``, loaded (or rebuilt), synced with the store and saved."""
        kind = RecordKind(kind)
        corpus = self._corpora.get(kind)
        reason: str | None = None
        if corpus is None:
            folder = self.folder(kind)
            if (folder / "manifest.json").exists() or folder.exists():
                try:
                    corpus = CorpusIndex.load(
                        folder, kind, self.embedder, approximate_above=self.approximate_above
                    )
                except IndexCorrupt as exc:
                    reason = f"index at {folder} is damaged ({exc}); rebuilt from the store"
                    log.warning(reason)
                    shutil.rmtree(folder, ignore_errors=True)
            if corpus is None:
                corpus = CorpusIndex(kind, self.embedder, approximate_above=self.approximate_above)
        report = corpus.sync(self.store, progress=self.progress)
        report.rebuilt_reason = reason
        if report.changed or reason or not self.folder(kind).exists():
            corpus.save(self.folder(kind))
        self._corpora[kind] = corpus
        self.reports[kind] = report
        return corpus

    def build(self) -> dict[RecordKind, SyncReport]:
        """Sync both corpora (``scenehub index``)."""
        for kind in RecordKind:
            self._corpora.pop(kind, None)
            self.corpus(kind)
        return dict(self.reports)

    # -- searching -------------------------------------------------------------------

    def match_record(
        self,
        record: str | StoredRecord,
        *,
        top_k: int = 10,
        filters: Filters | None = None,
        legs: tuple[str, ...] = LEGS,
        collapse: bool = True,
        depth: int = 100,
    ) -> list[Match]:
        """Capabilities for a scene, or scenes for a capability; same scorer both ways.

        ``record`` is an id, or the record itself when the caller has already read it.
        """
        if isinstance(record, str):
            try:
                record = self.store.get(record)
            except RecordNotFound as exc:
                raise UnknownRecord(f"no record with id {record!r} in the store") from exc
        query = Query.from_record(record)
        # embedded once by the index builder; a version not indexed yet is embedded here
        query.vector = self.corpus(record.kind).query_vector_of(record)
        corpus = self.corpus(OTHER_SIDE[record.kind])  # once: a second sync would drop its report
        check_candidates(corpus, filters)
        return rank(
            corpus,
            query,
            filters=filters,
            top_k=top_k,
            legs=legs,
            fusion=self.fusion,
            collapse=collapse,
            depth=depth,
        )

    def match_text(
        self,
        text: str,
        against: RecordKind | str,
        *,
        top_k: int = 10,
        filters: Filters | None = None,
        legs: tuple[str, ...] = LEGS,
        collapse: bool = True,
        depth: int = 100,
    ) -> list[Match]:
        query = Query(text=searchable_text(text or ""))
        corpus = self.corpus(against)  # once: a second sync would drop its report
        check_candidates(corpus, filters)
        if "bm25" in legs and len(legs) == 1 and not corpus.lexical.query_terms(query.text):
            raise QueryError(f"the query {text!r} has no searchable words")
        return rank(
            corpus,
            query,
            filters=filters,
            top_k=top_k,
            legs=legs,
            fusion=self.fusion,
            collapse=collapse,
            depth=depth,
        )
