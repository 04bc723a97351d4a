"""The matching index as the service sees it: built by one writer, read by many.

* :func:`build_index` syncs both corpora with the store and saves them (``scenehub index``,
  after ``ingest``/``crawl``, or the server's refresher). One builder at a time across
  processes: a ``flock`` on ``index/build.lock``; a second builder waits (CLI) or skips
  (the server's refresher, which tries again on its next tick).
* :class:`IndexReader` holds the corpora a process serves. Requests only read them; they
  never sync, embed passages or write. :meth:`IndexReader.refresh` loads a newer saved
  index beside the one in use and swaps the reference when it is complete, so readers
  keep the index they started with and never wait for a rebuild.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from api.services.errors import NotReady, translate
from core.filelock import file_lock
from core.records import RecordKind
from core.store import RecordStore
from matching.embedders import Embedder, make_embedder
from matching.engine import Matcher
from matching.errors import IndexCorrupt
from matching.index import CorpusIndex, SyncReport

log = logging.getLogger(__name__)

_EMBEDDERS: dict[str, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def load_embedder(spec: str) -> Embedder:
    """Models are stateless once loaded: one per spec per process."""
    with _EMBEDDERS_LOCK, translate():
        if spec not in _EMBEDDERS:
            _EMBEDDERS[spec] = make_embedder(spec)
        return _EMBEDDERS[spec]


@contextmanager
def builder_lock(home: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold the one-builder lock; with ``wait=False`` yield False at once if it is taken."""
    with file_lock(home / "index" / "build.lock", wait=wait) as got:
        yield got


def build_index(
    store: RecordStore,
    home: Path,
    embedder: Embedder,
    *,
    wait: bool = True,
    progress: Callable[[str], None] | None = None,
    embedded: Callable[[int, int], None] | None = None,
) -> dict[RecordKind, SyncReport] | None:
    """Bring both saved corpora in line with the store; None if another builder runs."""
    with builder_lock(home, wait=wait) as got, translate():
        if not got:
            return None
        matcher = Matcher(store, home, embedder, progress=progress)
        if embedded is not None:
            matcher.embedder.progress = embedded
        return matcher.build()


def _stamp(folder: Path) -> tuple[int, int] | None:
    try:
        info = (folder / "manifest.json").stat()
    except FileNotFoundError:
        return None
    return (info.st_mtime_ns, info.st_ino)


class IndexReader:
    """The corpora one process serves, swapped whole when a newer complete one is saved."""

    def __init__(self, store: RecordStore, home: Path, embedder: Embedder) -> None:
        self.store = store
        self.home = home
        self.matcher = ServingMatcher(self, store, home, embedder)
        self._corpora: dict[RecordKind, tuple[tuple[int, int], CorpusIndex]] = {}
        self._load_lock = threading.Lock()

    def folder(self, kind: RecordKind) -> Path:
        return self.matcher.folder(kind)

    def refresh(self) -> list[RecordKind]:
        """Load every corpus whose saved copy changed; return the kinds swapped in."""
        swapped = []
        with self._load_lock:  # one loader per process; readers never take this lock
            for kind in RecordKind:
                folder = self.folder(kind)
                stamp = _stamp(folder)
                current = self._corpora.get(kind)
                if stamp is None or (current is not None and current[0] == stamp):
                    continue
                try:
                    corpus = CorpusIndex.load(
                        folder,
                        kind,
                        self.matcher.embedder,
                        approximate_above=self.matcher.approximate_above,
                    )
                except IndexCorrupt as exc:  # mid-swap or damaged: keep serving the old one
                    log.warning("index %s not loaded: %s", folder, exc)
                    continue
                corpora = dict(self._corpora)
                corpora[kind] = (stamp, corpus)
                self._corpora = corpora  # one reference assignment: readers see old or new
                swapped.append(kind)
        return swapped

    def corpus(self, kind: RecordKind | str) -> CorpusIndex:
        kind = RecordKind(kind)
        entry = self._corpora.get(kind)
        if entry is None:
            self.refresh()
            entry = self._corpora.get(kind)
        if entry is None:
            raise NotReady(
                f"the {kind.value} index has not been built yet: run `scenehub index` "
                "(a running server builds it within a few seconds)"
            )
        return entry[1]

    def size(self, kind: RecordKind) -> int:
        entry = self._corpora.get(kind)
        return len(entry[1]) if entry else 0


class ServingMatcher(Matcher):
    """A :class:`Matcher` whose corpora come from an :class:`IndexReader`: never synced."""

    def __init__(
        self, reader: IndexReader, store: RecordStore, home: Path, embedder: Embedder
    ) -> None:
        super().__init__(store, home, embedder)
        self.reader = reader

    def corpus(self, kind: RecordKind | str) -> CorpusIndex:
        return self.reader.corpus(kind)

    def build(self) -> dict[RecordKind, SyncReport]:  # pragma: no cover - guard
        raise RuntimeError("a serving matcher never builds; use build_index()")


class Refresher:
    """The server's background thread: build when the store changed, then reload."""

    def __init__(self, reader: IndexReader, every: float) -> None:
        self.reader = reader
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-refresher", daemon=True)
        self._seen: tuple[object, ...] | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def tick(self) -> None:
        stamp = store_stamp(self.reader.store)
        if stamp != self._seen:
            report = build_index(
                self.reader.store, self.reader.home, self.reader.matcher.embedder, wait=False
            )
            if report is not None:
                self._seen = stamp
        self.reader.refresh()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # a failed build must not kill the server's refresher
                log.exception("index refresh failed; serving the index already loaded")
            self._stop.wait(self.every)


def store_stamp(store: RecordStore) -> tuple[object, ...]:
    """Cheap change detector: counts and the latest change times of records and sources."""
    from sqlalchemy import func, select

    from core.models import RecordRow, RecordSourceRow

    with store.session() as session:
        records = session.execute(
            select(func.count(), func.max(RecordRow.updated_at)).select_from(RecordRow)
        ).one()
        sources = session.execute(
            select(func.count(), func.max(RecordSourceRow.id)).select_from(RecordSourceRow)
        ).one()
    return (*records, *sources)
