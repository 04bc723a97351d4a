"""Crawl throughput on loopback: the sample portal scaled to ≥5,000 detail pages and ≥200
attachments, crawled with every pipeline and the store, against ``scrapy bench`` measured
in the same run on the same machine; then the incremental re-crawl against the first.

Politeness is switched off for loopback (``--fast``: no DOWNLOAD_DELAY, no AutoThrottle,
32 concurrent requests, no retry back-off); never crawl a real portal like this.

    .venv/bin/python benchmarks/bench_crawl.py [--scale 84] [--bench-seconds 15]

Targets: crawl pages/s ≥ 40% of scrapy bench's; incremental crawl time ≤ 20% of the first.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def start_portal(scale: int) -> tuple[subprocess.Popen[str], str]:
    portal = subprocess.Popen(
        [PYTHON, "-m", "crawlers.sample_portal", "--port", "0", "--scale", str(scale), "--warm"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert portal.stdout is not None
    url = portal.stdout.readline().strip()
    if not url.startswith("http"):
        portal.kill()
        raise SystemExit(f"sample portal did not start: {url!r}")
    return portal, url


JSON = ("--fast", "--json")  # the CLI's own path; the report as one JSON line


def crawl(env: dict[str, str], url: str) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "api.cli", "crawl", "--source", "sample-portal", "--base-url", url, *JSON],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"crawl failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def scrapy_bench(seconds: int) -> float:
    """pages/s of ``scrapy bench`` (its own local server and link-following spider)."""
    done = subprocess.run(
        [
            PYTHON,
            "-m",
            "scrapy",
            "bench",
            "-s",
            f"CLOSESPIDER_TIMEOUT={seconds}",
            "-s",
            "LOG_LEVEL=INFO",
        ],
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=False,
    )
    log = done.stderr
    pages = re.search(r"'response_received_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if not pages or not elapsed:
        raise SystemExit(f"could not read scrapy bench's stats:\n{log[-2000:]}")
    return int(pages.group(1)) / float(elapsed.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=84, help="×60 detail pages (84: 5,040)")
    parser.add_argument("--bench-seconds", type=int, default=15)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="scenehub-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCENEHUB_")}
    env["SCENEHUB_HOME"] = str(home)
    portal, url = start_portal(args.scale)
    try:
        first, first_wall = crawl(env, url)
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        second, second_wall = crawl(env, url)
    finally:
        portal.terminate()
        portal.wait(timeout=10)
    bench_rate = scrapy_bench(args.bench_seconds)

    elapsed = first["elapsed_s"]
    pages_rate = first["pages_fetched"] / elapsed
    items_rate = first["items_scraped"] / elapsed
    ratio = pages_rate / bench_rate
    incremental = second["elapsed_s"] / elapsed
    print(
        f"portal: scale {args.scale}, {first['list_pages']} list pages, "
        f"{first['detail_pages']} detail pages, {first['attachments_read']} attachments read, "
        f"{first['items_new']} records stored"
    )
    print(
        f"first crawl:        {elapsed:7.1f} s in crawler ({first_wall:.1f} s wall), "
        f"{first['pages_fetched']} pages, {first['items_scraped']} items, "
        f"{first['failure_count']} failures"
    )
    print(f"  pages/s           {pages_rate:7.1f}")
    print(f"  items/s           {items_rate:7.1f}")
    print(f"  peak RSS          {peak_rss_mb:7.1f} MiB (crawler process)")
    print(f"scrapy bench:       {bench_rate:7.1f} pages/s ({args.bench_seconds} s, same machine)")
    print(
        f"  ratio             {ratio:7.1%}  (target ≥ 40%: {'met' if ratio >= 0.4 else 'MISSED'})"
    )
    print(
        f"incremental crawl:  {second['elapsed_s']:7.1f} s in crawler ({second_wall:.1f} s wall), "
        f"{second['pages_fetched']} pages, {second['items_new']} new, "
        f"{second['items_updated']} updated"
    )
    print(
        f"  vs first          {incremental:7.1%}  "
        f"(target ≤ 20%: {'met' if incremental <= 0.2 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
