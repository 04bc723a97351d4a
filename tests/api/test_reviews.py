"""Committee review through ``/api/v1``: recording and listing decisions, evidence packs and
the sensitivity table, over a world with three monthly hub snapshots."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World, auth
from tests.api.test_api_v1 import _problem

FIRM = "杭州云栖智算科技有限公司"  # a models candidate of the sample hub, tier 一档
BODY: dict[str, Any] = {
    "enterprise": FIRM,
    "kind": "decision",
    "decision": "维持一档",
    "comment": "下载量经核实，无刷量迹象",
    "category": "models",
}


def _reviews(client: TestClient, world: World) -> list[dict[str, Any]]:
    response = client.get("/api/v1/reviews", headers=auth(world, "committee"))
    assert response.status_code == 200, response.text
    return list(response.json())


def test_committee_records_and_lists_a_decision(ranked_client: TestClient, world: World) -> None:
    made = ranked_client.post("/api/v1/reviews", json=BODY, headers=auth(world, "committee"))
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["reviewer"] == "committee"  # the signed-in member, never a field
    assert (body["enterprise"], body["kind"], body["comment"]) == (
        FIRM,
        "decision",
        BODY["comment"],
    )
    assert [r["id"] for r in _reviews(ranked_client, world)] == [body["id"]]
    mine = ranked_client.get(
        "/api/v1/reviews", params={"enterprise": FIRM}, headers=auth(world, "admin")
    )
    assert [r["decision"] for r in mine.json()] == ["维持一档"]
    other = ranked_client.get(
        "/api/v1/reviews", params={"enterprise": "杭州某某"}, headers=auth(world, "committee")
    )
    assert other.json() == []
    # the decision sits beside the computed award in the evidence pack; the rank is unchanged
    pack = ranked_client.get(
        f"/api/v1/rankings/models/evidence/{FIRM}", headers=auth(world, "committee")
    ).json()
    assert [r["id"] for r in pack["review"]] == [body["id"]]
    assert pack["awards"] and pack["awards"][0]["tier"] == pack["categories"][0]["tier"]


def test_reviewer_cannot_be_forged(ranked_client: TestClient, world: World) -> None:
    forged = {**BODY, "reviewer": "admin"}
    made = ranked_client.post("/api/v1/reviews", json=forged, headers=auth(world, "committee"))
    assert made.status_code == 201 and made.json()["reviewer"] == "committee"


@pytest.mark.parametrize("role", ["anonymous", "pub_a", "sup_a", "admin"])
def test_only_the_committee_records(ranked_client: TestClient, world: World, role: str) -> None:
    headers = {} if role == "anonymous" else auth(world, role)
    response = ranked_client.post("/api/v1/reviews", json=BODY, headers=headers)
    assert response.status_code == (401 if role == "anonymous" else 403), response.text
    _problem(response)
    assert _reviews(ranked_client, world) == []


@pytest.mark.parametrize("role", ["anonymous", "pub_a", "sup_a"])
def test_outsiders_cannot_read_reviews(ranked_client: TestClient, world: World, role: str) -> None:
    headers = {} if role == "anonymous" else auth(world, role)
    for path in (
        "/api/v1/reviews",
        "/api/v1/rankings/sensitivity",
        f"/api/v1/rankings/models/evidence/{FIRM}",
    ):
        response = ranked_client.get(path, headers=headers)
        assert response.status_code == (401 if role == "anonymous" else 403), path


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"comment": ""}, 422, "comment"),
        ({"comment": "   "}, 422, "reason is empty"),
        ({"decision": "  "}, 422, "decision is empty"),
        ({"kind": "veto"}, 422, "kind"),
        ({"enterprise": "杭州不存在科技有限公司"}, 404, "unknown enterprise"),
        ({"category": "bogus"}, 404, "unknown category"),
        ({"run_id": 999}, 404, "no ranking run #999"),
    ],
)
def test_bad_decisions_are_refused(
    ranked_client: TestClient, world: World, change: dict[str, Any], status: int, words: str
) -> None:
    response = ranked_client.post(
        "/api/v1/reviews", json={**BODY, **change}, headers=auth(world, "committee")
    )
    assert response.status_code == status, response.text
    assert words in _problem(response)
    assert _reviews(ranked_client, world) == []  # nothing stored


def test_no_registry_yet_is_404(client: TestClient, world: World) -> None:
    response = client.post("/api/v1/reviews", json=BODY, headers=auth(world, "committee"))
    assert response.status_code == 404 and "registry import" in _problem(response)


def test_evidence_pack(ranked_client: TestClient, world: World) -> None:
    url = f"/api/v1/rankings/models/evidence/{FIRM}"
    pack = ranked_client.get(url, headers=auth(world, "committee"))
    assert pack.status_code == 200, pack.text
    data = pack.json()
    assert [c["category"] for c in data["categories"]] == ["models"]
    models = data["categories"][0]
    assert models["components"] and models["repos"]
    # a six-month window of which the three sampled months are stored, said as missing
    assert len(data["window"]) == 6 and len(data["missing_months"]) == 3
    series = [r["monthly_downloads"] for r in models["repos"]]
    assert all(list(s) == data["window"] for s in series)
    assert any(sum(v is not None for v in s.values()) == 3 for s in series)
    missing = ranked_client.get(
        "/api/v1/rankings/models/evidence/杭州不存在科技有限公司", headers=auth(world, "committee")
    )
    assert missing.status_code == 404 and "unknown enterprise" in _problem(missing)
    wrong = ranked_client.get(
        f"/api/v1/rankings/bogus/evidence/{FIRM}", headers=auth(world, "committee")
    )
    assert wrong.status_code == 404 and "unknown category" in _problem(wrong)


def test_sensitivity(ranked_client: TestClient, world: World) -> None:
    response = ranked_client.get("/api/v1/rankings/sensitivity", headers=auth(world, "admin"))
    assert response.status_code == 200, response.text
    table = response.json()
    assert any(v.startswith("models.") and v.endswith("×0.8") for v in table["variants"])
    row = next(r for r in table["rows"] if r["enterprise"] == FIRM and r["category"] == "models")
    assert set(row) == {"category", "enterprise", "base", *table["variants"]}
    bad = ranked_client.get(
        "/api/v1/rankings/sensitivity", params={"delta": 1.5}, headers=auth(world, "admin")
    )
    assert bad.status_code == 422


def test_sensitivity_without_snapshots_is_404(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/rankings/sensitivity", headers=auth(world, "committee"))
    assert response.status_code == 404 and "scenehub contrib pull" in _problem(response)
