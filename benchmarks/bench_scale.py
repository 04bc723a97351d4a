"""Distributed crawl scaling on loopback: the scaled sample portal crawled by 1, 2 and 4
workers sharing one scrapy-redis queue (Redis) and one store (PostgreSQL when reachable,
else SQLite), each run from an empty store and fresh Redis keys.

    .venv/bin/python benchmarks/bench_scale.py [--scale 20] [--workers 1,2,4]
        [--database-url postgresql://postgres@127.0.0.1:5432/test] [--redis-url redis://127.0.0.1:6379/7]

Prints pages/s per worker count (pages fetched by all workers / wall time from the first
worker's start to the last worker's exit) and the speed-up over one worker. Politeness is
off (``--fast``): loopback only. On a machine with C cores the crawl is CPU-bound (parsing,
pipelines, the portal server itself), so the speed-up levels off near C; on real portals
each site's politeness delay bounds its own rate and workers scale with the number of sites.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
IDLE_CLOSE = 2.0  # seconds a worker waits on an empty queue before closing (in the wall time)

from bench_crawl import start_portal  # noqa: E402  - beside this file


def fresh_store(database_url: str | None, tmp: Path, n: int) -> tuple[str, Any]:
    """A new empty store: a schema of its own on PostgreSQL, or a new SQLite file."""
    if database_url:
        from sqlalchemy import create_engine, text

        from core.settings import normalize_database_url

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(normalize_database_url(database_url))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in database_url else "?"

        def drop() -> None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

        return f"{database_url}{sep}options=-csearch_path%3D{schema}", drop
    return f"sqlite:///{tmp / f'store-{n}.db'}", lambda: None


def run_workers(n: int, url: str, env: dict[str, str], name: str) -> tuple[float, list[Any]]:
    args = [PYTHON, "-m", "crawlers.run", "--source", name, "--fast"]
    args += ["--set", f"SCENEHUB_IDLE_CLOSE={IDLE_CLOSE}", "--set", "SCENEHUB_HEARTBEAT_TTL=6"]
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*args, "--distributed"],
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    ]
    time.sleep(1.0)  # the first worker opens the crawl run the others join
    procs += [
        subprocess.Popen(
            [*args, "--join"],
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(n - 1)
    ]
    outs = [p.communicate(timeout=1800) for p in procs]
    wall = time.perf_counter() - started
    for p, (_, err) in zip(procs, outs, strict=True):
        if p.returncode != 0:
            raise SystemExit(f"a worker failed:\n{err[-3000:]}")
    return wall, [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=20, help="×60 detail pages (20: 1,200)")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SCENEHUB_TEST_DATABASE_URL"),
        help="PostgreSQL to share (a new schema per run); default SQLite",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    args = parser.parse_args()
    counts = [int(x) for x in args.workers.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="scenehub-bench-scale-"))
    portal, portal_url = start_portal(args.scale)
    results: list[tuple[int, float, int, int, float]] = []
    try:
        for n in counts:
            url, drop = fresh_store(args.database_url, tmp, n)
            home = tmp / f"home-{n}"
            (home / "sources").mkdir(parents=True)
            name = f"bench-{n}-{uuid.uuid4().hex[:6]}"
            (home / "sources" / "bench.toml").write_text(
                f'name = "{name}"\nstart_urls = ["{portal_url}/news/index.html", '
                f'"{portal_url}/lists/jiebang.html?page=1", "{portal_url}/lists/fujian.html"]\n'
                'kind = "auto"\n',
                encoding="utf-8",
            )
            env = {k: v for k, v in os.environ.items() if not k.startswith("SCENEHUB_")}
            env.update(
                SCENEHUB_HOME=str(home),
                SCENEHUB_DATABASE_URL=url,
                SCENEHUB_REDIS_URL=args.redis_url,
            )
            try:
                wall, reports = run_workers(n, url, env, name)
            finally:
                drop()
            pages = sum(r["pages_fetched"] for r in reports)
            items = sum(r["items_new"] for r in reports)
            # the 1-minute load average after the run: other work on a shared machine skews it
            results.append((n, wall, pages, items, os.getloadavg()[0]))
    finally:
        portal.terminate()
        portal.wait(timeout=10)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"sample portal scale {args.scale}; store {backend}; Redis {args.redis_url}; "
        f"{os.cpu_count()} CPU cores; idle close {IDLE_CLOSE:.0f} s included in wall time"
    )
    base_rate = results[0][2] / results[0][1]
    for n, wall, pages, items, load in results:
        rate = pages / wall
        print(
            f"{n} worker(s): {wall:6.1f} s wall, {pages} pages, {items} records, "
            f"{rate:6.1f} pages/s, speed-up {rate / base_rate:4.2f}x (load average {load:.1f})"
        )


if __name__ == "__main__":
    main()
