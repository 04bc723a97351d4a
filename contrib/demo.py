"""The offline walk-through: sample hub in a thread → bundled registry → monthly pulls → awards.

Used by ``scenehub contrib demo`` (and so by ``make demo``); needs no network.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from contrib.pull import pull
from contrib.ranking.awards import AwardRun
from contrib.ranking.components import REGISTRY
from contrib.ranking.config import load_config
from contrib.registry import load_registry
from contrib.runs import run_awards
from contrib.sample_hub import generate, registry_path, serve_in_thread
from contrib.snapshots import SnapshotStore
from contrib.store import import_registry
from contrib.types import Hub


def sample_awards(
    engine: Engine, *, months: int = 6, progress: Callable[[str], None] | None = None
) -> AwardRun:
    """Pull the last ``months`` months of the sample hub (skipping ones already stored) and
    rank every category as of the latest, with the cap applied across categories."""
    say = progress or (lambda _line: None)
    config, _ = load_config(components=REGISTRY)
    benchmarks = tuple(b.dataset for b in config.performance.benchmarks)
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
                engine,
                registry,
                day,
                {Hub.HF: url, Hub.MODELSCOPE: url, Hub.GITHUB: url},
                benchmarks=benchmarks,
            )
            say(report.summary())
    finally:
        handle.stop()
    return run_awards(engine).award
