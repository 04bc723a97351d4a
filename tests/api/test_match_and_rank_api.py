from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.commands.demo import SAMPLE_FILES, sample_path
from api.deps import get_store
from api.routes.matches import get_matcher
from core.ingest.importer import load_file
from core.records import RecordKind, derive_record_id


@pytest.fixture
def client(home: Path) -> Iterator[TestClient]:
    get_matcher.cache_clear()
    for name, kind in SAMPLE_FILES:
        get_store().upsert_many(load_file(sample_path(name), kind=kind).records)
    yield TestClient(create_app())
    get_matcher.cache_clear()


def test_scene_to_suppliers_and_text_search(client: TestClient) -> None:
    imaging = derive_record_id(
        RecordKind.CAPABILITY, "杭州深视医疗科技有限公司", "医学影像辅助诊断"
    )
    results = client.get("/match/record/HZ-2025-S002", params={"top_k": 3}).json()
    assert [r["rank"] for r in results] == [1, 2, 3]
    assert results[0]["id"] == imaging
    assert set(results[0]) == {"id", "rank", "score", "explanation"}

    drones = client.get("/match/text", params={"q": "无人机巡检", "against": "capability"}).json()
    assert "无人机" in drones[0]["explanation"]["record"]["title"]


def test_filters_apply_before_ranking(client: TestClient) -> None:
    results = client.get(
        "/match/text", params={"q": "机器人", "against": "capability", "district": "余杭区"}
    ).json()
    assert results and all(r["explanation"]["filters"]["district"] == "余杭区" for r in results), (
        results[:1]
    )


def test_match_errors_are_clear(client: TestClient) -> None:
    missing = client.get("/match/record/NOPE")
    assert missing.status_code == 404 and "NOPE" in missing.json()["detail"]
    assert client.get("/match/text", params={"q": ""}).status_code == 422
    unknown_domain = client.get("/match/text", params={"q": "巡检", "domain": "不存在的领域"})
    assert unknown_domain.status_code == 422
    assert "不存在的领域" in unknown_domain.json()["detail"]


def test_ranking_without_snapshots_says_what_to_do(client: TestClient) -> None:
    response = client.get("/rankings/models")
    assert response.status_code == 422
    assert "scenehub contrib pull" in response.json()["detail"]
    assert client.get("/rankings/models", params={"as_of": "not-a-date"}).status_code == 422
