"""Contribution tracker benchmarks: hub pull throughput and OpenRank at hub scale.

1. Pull: every model of a 10,000-model sample hub through the real ``huggingface_hub``
   client (pages of 100, as a cautious crawler would ask), then an end-to-end ``pull`` of
   the bundled registry into SQLite. Prints time, models/s and requests/s.
2. Rank: a synthetic developer↔repo graph (default 1M repos, 200k developers, 5M edges,
   heavy-tailed) ranked by OpenRank (scipy.sparse power iteration) and by
   ``networkx.pagerank`` on the same edges, in the same run. Prints time, peak RSS, ratio.

Usage::

    python benchmarks/bench_contrib.py                 # full scale (networkx needs ~10+ GB)
    python benchmarks/bench_contrib.py --scale 0.1     # a tenth of everything
    python benchmarks/bench_contrib.py --skip-networkx --skip-pull

Targets: OpenRank ≤ 60 s and ≤ 4 GB at full scale, and faster than networkx.pagerank.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contrib.clients.hf import HfClient
from contrib.openrank import OpenRankParams, bipartite_openrank, user_initial


def rss_gb() -> float:
    return psutil.Process().memory_info().rss / 2**30


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def bench_pull(n_models: int) -> None:
    from contrib.pull import pull
    from contrib.registry import load_registry
    from contrib.sample_hub import generate, registry_path, serve_in_thread
    from contrib.types import Hub
    from core.db import ensure_schema, make_engine

    started = time.perf_counter()
    hub = generate(n_models)
    print(f"sample hub: {n_models:,} models generated in {time.perf_counter() - started:.1f}s")
    handle = serve_in_thread(hub, page_size=100)
    try:
        authors = sorted({r.author for r in hub.repos.values() if r.kind == "model"})
        client = HfClient(handle.url)
        before = handle.state.requests
        started = time.perf_counter()
        count = sum(1 for author in authors for _ in client.list_models(author))
        seconds = time.perf_counter() - started
        requests = handle.state.requests - before
        print(
            f"pull/list  {count:,} models from {len(authors)} accounts: {seconds:.2f}s, "
            f"{count / seconds:,.0f} models/s, {requests} requests, "
            f"{requests / seconds:,.0f} requests/s"
        )
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db")
            ensure_schema(engine)
            registry = load_registry(registry_path())
            before = handle.state.requests
            started = time.perf_counter()
            report = pull(
                engine, registry, handle.as_of_dates()[-1], dict.fromkeys(Hub, handle.url)
            )
            seconds = time.perf_counter() - started
            requests = handle.state.requests - before
            print(
                f"pull/store registry snapshot ({', '.join(report.hubs)}): {report.items:,} rows, "
                f"{seconds:.2f}s, {requests} requests, {requests / seconds:,.0f} requests/s"
            )
            engine.dispose()
    finally:
        handle.stop()


def synthetic_graph(
    n_repos: int, n_users: int, n_edges: int, seed: int = 1
) -> tuple[np.ndarray, ...]:
    """Heavy-tailed bipartite edges (a few repos and developers carry most activity)."""
    rng = np.random.default_rng(seed)
    rest = n_edges - n_users - n_repos

    def heavy(n: int, shape: float) -> np.ndarray:
        return rng.permutation(n)[(rng.pareto(shape, rest) * n / 50).astype(np.int64) % n]

    # every node gets at least one edge; the rest follow a heavy tail
    users = np.concatenate(
        [np.arange(n_users), rng.integers(0, n_users, n_repos), heavy(n_users, 1.2)]
    )
    repos = np.concatenate(
        [rng.integers(0, n_repos, n_users), np.arange(n_repos), heavy(n_repos, 1.1)]
    )
    activity = rng.lognormal(3.0, 1.0, n_edges)
    return users, repos, activity


def bench_rank(scale: float, skip_networkx: bool) -> None:
    n_repos, n_users, n_edges = int(1_000_000 * scale), int(200_000 * scale), int(5_000_000 * scale)
    started = time.perf_counter()
    users, repos, activity = synthetic_graph(n_repos, n_users, n_edges)
    print(
        f"graph: {n_repos:,} repos, {n_users:,} developers, {n_edges:,} edges "
        f"(built in {time.perf_counter() - started:.1f}s, RSS {rss_gb():.2f} GB)"
    )
    stat = np.sqrt(np.bincount(users, weights=activity / 10, minlength=n_users))
    params = OpenRankParams(tol=1e-6, max_iter=100)
    started = time.perf_counter()
    result = bipartite_openrank(
        users,
        repos,
        activity,
        n_users,
        n_repos,
        user_init=user_initial(stat, params),
        repo_init=np.zeros(n_repos),
        params=params,
    )
    openrank_s = time.perf_counter() - started
    openrank_peak = peak_rss_gb()
    print(
        f"OpenRank: {openrank_s:.2f}s, {result.iterations} iterations, "
        f"peak RSS {openrank_peak:.2f} GB "
        f"(targets: <= 60 s, <= 4 GB)"
    )
    if skip_networkx:
        return
    import networkx as nx

    del result
    gc.collect()
    started = time.perf_counter()
    graph = nx.DiGraph()
    # the same edges, both directions, weighted by activity (pagerank normalises per node)
    graph.add_weighted_edges_from(
        zip(users.tolist(), (repos + n_users).tolist(), activity.tolist(), strict=True)
    )
    graph.add_weighted_edges_from(
        zip((repos + n_users).tolist(), users.tolist(), activity.tolist(), strict=True)
    )
    build_s = time.perf_counter() - started
    print(
        f"networkx graph built in {build_s:.1f}s ({graph.number_of_nodes():,} nodes, "
        f"{graph.number_of_edges():,} edges, RSS {rss_gb():.2f} GB)"
    )
    started = time.perf_counter()
    nx.pagerank(graph, alpha=0.85, tol=1e-6, weight="weight")
    pagerank_s = time.perf_counter() - started
    print(
        f"networkx.pagerank: {pagerank_s:.2f}s (+{build_s:.1f}s graph build), "
        f"peak RSS {peak_rss_gb():.2f} GB"
    )
    print(
        f"ratio: OpenRank is {pagerank_s / openrank_s:.1f}x faster than networkx.pagerank alone, "
        f"{(pagerank_s + build_s) / openrank_s:.1f}x including its graph build"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 1M/200k/5M graph")
    parser.add_argument("--pull-models", type=int, default=10_000)
    parser.add_argument("--skip-pull", action="store_true")
    parser.add_argument("--skip-networkx", action="store_true")
    args = parser.parse_args()
    if not args.skip_pull:
        bench_pull(args.pull_models)
    bench_rank(args.scale, args.skip_networkx)


if __name__ == "__main__":
    main()
