"""Shared by the end-to-end crawl tests: run a crawl in a child process, read its report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]


def crawl_env(home: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCENEHUB_")}
    env.update(SCENEHUB_HOME=str(home), SCENEHUB_DATABASE_URL=database_url)
    return env


def crawl_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawlers.run", *args]


def run_crawl(env: dict[str, str], *args: str, timeout: float = 240) -> dict[str, Any]:
    done = subprocess.run(
        crawl_command(*args),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report
