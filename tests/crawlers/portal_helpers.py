"""Shared by the end-to-end crawl tests: run ``scenehub crawl --json`` in a process, read its
report. The CLI starts the crawl's own child process, as it does for a user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
LOOPBACK = "127.0.0.0/8"


def crawl_env(home: Path, database_url: str) -> dict[str, str]:
    """A clean environment for one store; crawls may reach loopback (the test servers)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCENEHUB_")}
    env.update(
        SCENEHUB_HOME=str(home),
        SCENEHUB_DATABASE_URL=database_url,
        SCENEHUB_CRAWL_ALLOW_NETWORKS=LOOPBACK,
    )
    return env


def crawl_command(*args: str) -> list[str]:
    """``scenehub crawl ARGS --json``; ``--url URL`` is the CLI's positional URL."""
    cli_args = [arg for arg in args if arg != "--url"]
    return [sys.executable, "-m", "api.cli", "crawl", *cli_args, "--json"]


def run_crawl(
    env: dict[str, str], *args: str, timeout: float = 240, expect_exit: int = 0
) -> dict[str, Any]:
    """Run the crawl; its exit status must be ``expect_exit`` (4: nothing found)."""
    done = subprocess.run(
        crawl_command(*args),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == expect_exit, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


class Stats(Counter[str]):
    """The slice of Scrapy's StatsCollector that our code uses."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)

    def get_stats(self) -> dict[str, Any]:
        return dict(self)
