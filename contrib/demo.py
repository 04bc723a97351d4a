"""The offline walk-through: sample hub in a thread → bundled registry → monthly pulls → rankings.

Used by ``scenehub contrib demo`` (and so by ``make demo``); needs no network.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from contrib.pull import pull
from contrib.ranking.rank import RankingRun
from contrib.registry import load_registry
from contrib.runs import run_ranking
from contrib.sample_hub import generate, registry_path, serve_in_thread
from contrib.snapshots import SnapshotStore
from contrib.store import import_registry
from contrib.types import Hub

CATEGORIES = ("models", "operators", "datasets")


def sample_rankings(
    engine: Engine, *, months: int = 6, progress: Callable[[str], None] | None = None
) -> list[RankingRun]:
    """Pull the last ``months`` months of the sample hub (skipping ones already stored) and
    rank every category as of the latest."""
    say = progress or (lambda _line: None)
    handle = serve_in_thread(generate())
    try:
        registry = load_registry(registry_path())
        say(f"registry {registry_path().name}: {import_registry(engine, registry).summary()}")
        stored = {s.as_of for s in SnapshotStore(engine).complete_snapshots()}
        for day in handle.as_of_dates()[-months:]:
            if day in stored:
                say(f"snapshot {day}: already stored (immutable)")
                continue
            url = handle.endpoint(day)
            report = pull(
                engine, registry, day, {Hub.HF: url, Hub.MODELSCOPE: url, Hub.GITHUB: url}
            )
            say(report.summary())
    finally:
        handle.stop()
    return [run_ranking(engine, category) for category in CATEGORIES]
