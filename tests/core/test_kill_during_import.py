"""A batch import killed with SIGKILL half-way leaves all of the batch or none of it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.settings import normalize_database_url
from core.store import RecordStore

N = 10_000


def make_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(N):
            row = {
                "id": f"KILL-{i:05d}",
                "kind": "capability",
                "title": f"工业视觉质检方案{i}",
                "org": f"杭州第{i % 300}智能科技有限公司",
                "description": "面向纺织、光伏产线的机器视觉瑕疵检测，支持私有化部署。" * 3,
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.mark.slow
def test_sigkill_mid_import_stores_all_or_nothing(database_url: str, tmp_path: Path) -> None:
    source = make_file(tmp_path / "big.jsonl")
    env = os.environ | {
        "SCENEHUB_HOME": str(tmp_path / "home"),
        "SCENEHUB_DATABASE_URL": database_url,
    }
    command = [sys.executable, "-m", "api.cli", "ingest", str(source)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    killed_at = None
    for line in process.stderr:
        if line.startswith("writing ") and int(line.split()[1].split("/")[0]) >= N // 2:
            process.send_signal(signal.SIGKILL)  # the transaction is open: half the rows written
            killed_at = line.strip()
            break
    process.wait(timeout=60)
    assert killed_at is not None, "the import finished before it could be killed"
    assert process.returncode == -signal.SIGKILL

    store = RecordStore.from_url(normalize_database_url(database_url))
    assert store.count() == 0, f"partial batch visible after kill at {killed_at!r}"

    # the same import run to completion stores everything, exactly once
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert store.count() == N
    assert f"{N} new" in done.stdout
    store.engine.dispose()
