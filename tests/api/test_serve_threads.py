"""`scenehub serve --workers N` sizes each worker's native thread pools to its share of
the cores (see api/commands/serve.py): unsized, 2 workers on 2 cores each ran a spinning
OpenBLAS/OpenMP thread per core and spent 3x the CPU on every match."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

import pytest

from api.commands import serve
from api.commands.serve import THREAD_VARIABLES


def _run(monkeypatch: pytest.MonkeyPatch, workers: int, cores: int) -> dict[str, str | None]:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **options: None)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    serve.run_server("127.0.0.1", 8000, workers=workers)
    return {name: os.environ.get(name) for name in THREAD_VARIABLES}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("clean_env")
def test_workers_share_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(_run(monkeypatch, workers=2, cores=2).values()) == {"1"}
    for name in THREAD_VARIABLES:
        monkeypatch.delenv(name)
    assert set(_run(monkeypatch, workers=2, cores=8).values()) == {"4"}
    for name in THREAD_VARIABLES:
        monkeypatch.delenv(name)
    assert set(_run(monkeypatch, workers=16, cores=2).values()) == {"1"}  # never 0


@pytest.mark.usefixtures("clean_env")
def test_one_worker_and_an_operators_setting_are_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert set(_run(monkeypatch, workers=1, cores=2).values()) == {None}
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    found = _run(monkeypatch, workers=2, cores=2)
    assert found["OMP_NUM_THREADS"] == "2" and found["OPENBLAS_NUM_THREADS"] == "1"


def _pools(queue: Any) -> None:
    import numpy  # noqa: F401  - loads OpenBLAS, as a worker's first import of the app does
    from threadpoolctl import threadpool_info

    queue.put(sorted({(pool["internal_api"], pool["num_threads"]) for pool in threadpool_info()}))


@pytest.mark.usefixtures("clean_env")
def test_a_spawned_worker_starts_with_those_pools(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn spawns its workers: the variables set before are what their libraries see."""
    _run(monkeypatch, workers=2, cores=2)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_pools, args=(queue,))
    child.start()
    pools = queue.get(timeout=60)
    child.join(timeout=60)
    assert pools and all(threads == 1 for _, threads in pools), pools
