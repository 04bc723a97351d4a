"""Benchmark: how fast the ``scenehub`` command starts, against a bare interpreter start.

In one run, alternating so that machine load hits every case alike: ``python -c pass``,
``python -m api.cli --help`` and ``python -m api.cli records list`` on an empty store (created
once before timing, so no migration is timed); the median of N wall-clock times of each, and
each command's ratio to the bare start, with its peak memory (max RSS of the child).
Targets (issue 17): ``--help`` <= 10x and ``records list`` <= 15x the bare start.

    .venv/bin/python benchmarks/bench_cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"--help": 10.0, "records list": 15.0}


def timed(args: list[str], env: dict[str, str]) -> float:
    """Wall-clock seconds of one child run."""
    start = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each case")
    runs = parser.parse_args().runs
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="scenehub-bench-cli-") as home:
        env = {
            **os.environ,
            "SCENEHUB_HOME": home,
            "PYTHONPATH": str(ROOT),
            "COLUMNS": "100",
        }
        env.pop("SCENEHUB_DATABASE_URL", None)  # the embedded SQLite store of that home
        cases = {
            "python -c pass": [python, "-c", "pass"],
            "--help": [python, "-m", "api.cli", "--help"],
            "records list": [python, "-m", "api.cli", "records", "list"],
        }
        subprocess.run(cases["records list"], env=env, cwd=ROOT, check=True, capture_output=True)
        times: dict[str, list[float]] = {name: [] for name in cases}
        peak: dict[str, int] = {}
        for _ in range(runs):
            for name, args in cases.items():
                times[name].append(timed(args, env))
        for name, args in cases.items():  # memory apart: ru_maxrss only grows
            peak[name] = _peak_rss(args, env)
    base = statistics.median(times["python -c pass"])
    print(f"median of {runs} runs each (wall clock), max RSS of one run:")
    failed = False
    for name, values in times.items():
        median = statistics.median(values)
        line = f"  {name:<16} {median * 1000:8.1f} ms  {peak[name] / 1024:6.1f} MiB"
        if name in TARGETS:
            ratio = median / base
            ok = ratio <= TARGETS[name]
            failed |= not ok
            line += f"  {ratio:5.1f}x bare start (target <= {TARGETS[name]:g}x: "
            line += f"{'met' if ok else 'MISSED'})"
        print(line)
    return 1 if failed else 0


def _peak_rss(args: list[str], env: dict[str, str]) -> int:
    """Max RSS (KiB) of one run, measured in a fresh child that runs ``args`` itself."""
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip())


if __name__ == "__main__":
    raise SystemExit(main())
