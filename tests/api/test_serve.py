"""`scenehub serve` as a process: an ingest while it runs reaches matching through the
background refresher, and no request does index work meanwhile (issue 8's probe)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_ingest_while_serving(tmp_path: Path) -> None:
    env = dict(
        os.environ, SCENEHUB_HOME=str(tmp_path / "home"), SCENEHUB_INDEX_REFRESH_SECONDS="20"
    )
    env.pop("SCENEHUB_DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT)
    _cli(env, "ingest", str(ROOT / "core" / "sample_data" / "scenes.jsonl"))
    port = _port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)], env=env, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}/api/v1/match/text"
    params = {"q": "农田 无人机 植保 飞防", "against": "scene", "top_k": 50}
    try:
        deadline = time.monotonic() + 180
        status = 0
        while time.monotonic() < deadline and status != 200:
            time.sleep(0.5)
            try:
                status = httpx.get(base, params=params, timeout=30).status_code
            except httpx.HTTPError:
                continue
            assert status in (200, 503)  # 503 until the first index is built: never a build
        assert status == 200
        rows = [
            {
                "id": f"NEW-{i}",
                "kind": "scene",
                "title": f"农田无人机植保飞防第{i}批",
                "org": "某农业局",
            }
            for i in range(40)
        ]
        extra = tmp_path / "new.jsonl"
        extra.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
        _cli(env, "ingest", str(extra))
        # the next request answers from the index it has (the old code synced the store
        # inside this request and returned the new records)
        first = httpx.get(base, params=params, timeout=30)
        assert first.status_code == 200
        assert not any(m["id"].startswith("NEW-") for m in first.json())
        found = False
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not found:
            response = httpx.get(base, params=params, timeout=30)
            assert response.status_code == 200
            found = any(m["id"].startswith("NEW-") for m in response.json())
            time.sleep(0.5)
        assert found, "the refresher never brought the ingested records into matching"
    finally:
        server.terminate()
        server.wait(timeout=30)
