from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_store
from core.records import Record


def client_with_records(home: Path) -> TestClient:
    store = get_store()
    store.upsert_many(
        [
            Record(id="S-1", kind="scene", title="城市内涝预警", org="杭州市林业水利局"),
            Record(id="C-1", kind="capability", title="内涝预测平台", org="杭州水知道科技"),
        ]
    )
    store.upsert_many(
        [
            Record(
                id="S-1",
                kind="scene",
                title="城市内涝预警",
                org="杭州市林业水利局",
                description="分钟级积水预测",
            )
        ]
    )
    return TestClient(create_app())


def test_list_get_history(home: Path) -> None:
    client = client_with_records(home)
    page = client.get("/records", params={"kind": "scene"}).json()
    assert page["count"] == 1 and page["data"][0]["id"] == "S-1"
    assert client.get("/records/S-1").json()["version"] == 2
    history = client.get("/records/S-1/history").json()
    assert [v["description"] for v in history] == [None, "分钟级积水预测"]


def test_errors_are_clear(home: Path) -> None:
    client = client_with_records(home)
    missing = client.get("/records/nope")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no record with id 'nope'"
    assert client.get("/records", params={"kind": "demand"}).status_code == 422
    assert client.get("/records", params={"limit": 0}).status_code == 422
