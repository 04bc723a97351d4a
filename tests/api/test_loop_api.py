"""The matchmaking loop through HTTP: the role matrix's cells for interests and figures,
a refused change leaving the interest as it was, and proposals never on public faces.

Cells: interest actions 5 roles × 4 actions × 2 interests = 40; a scene's interests 5 × 2
= 10; the city's figures 5 × 3 = 15 → 65 HTTP cells.
"""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World, auth

ROLES = ["anonymous", "pub_a", "sup_a", "committee", "admin"]
PROPOSAL = {
    "approach": "<script>alert(1)</script>私密方案-甲",
    "cases": "某医院",
    "expected_days": 60,
    "cost_min": "20万",
    "cost_max": "40万",
    "contact": "李工 13900000000",
}


def _headers(world: World, role: str) -> dict[str, str]:
    return {} if role == "anonymous" else auth(world, role)


def _answer(client: TestClient, world: World, firm: str, scene: str) -> int:
    made = client.post(
        f"/api/v1/scenes/{scene}/interests", json=PROPOSAL, headers=auth(world, firm)
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


@pytest.mark.parametrize(
    ("role", "action", "which"),
    list(itertools.product(ROLES, ["read", "history", "shortlist", "withdraw"], ["on_a", "by_a"])),
)
def test_interest_cells(
    client: TestClient, world: World, role: str, action: str, which: str
) -> None:
    # on_a: sup_b's interest in pub_a's scene; by_a: sup_a's interest in pub_b's scene
    if which == "on_a":
        interest = _answer(client, world, "sup_b", world.scene_a)
        owner = "sup_b"
    else:
        interest = _answer(client, world, "sup_a", world.scene_b)
        owner = "sup_a"
    path = f"/api/v1/interests/{interest}"
    headers = _headers(world, role)
    if action == "read":
        response = client.get(path, headers=headers)
    elif action == "history":
        response = client.get(f"{path}/history", headers=headers)
    elif action == "shortlist":
        response = client.post(f"{path}/decision", json={"state": "shortlisted"}, headers=headers)
    else:
        response = client.post(f"{path}/withdraw", json={}, headers=headers)
    allowed = {
        ("read", "pub_a", "on_a"),
        ("read", "sup_a", "by_a"),
        ("history", "pub_a", "on_a"),
        ("history", "sup_a", "by_a"),
        ("shortlist", "pub_a", "on_a"),
        ("withdraw", "sup_a", "by_a"),
    }
    state = client.get(path, headers=auth(world, owner)).json()["state"]
    if (action, role, which) in allowed:
        assert response.status_code == 200, response.text
        if action == "read":
            assert "私密方案" in response.text
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), response.text
        assert "私密方案" not in response.text
        assert state == "submitted"  # the refused change left it as it was


@pytest.mark.parametrize(("role", "scene"), list(itertools.product(ROLES, ["a", "b"])))
def test_scene_interest_list_cells(client: TestClient, world: World, role: str, scene: str) -> None:
    scene_id = world.scene_a if scene == "a" else world.scene_b
    _answer(client, world, "sup_b" if scene == "a" else "sup_a", scene_id)
    response = client.get(f"/api/v1/scenes/{scene_id}/interests", headers=_headers(world, role))
    if role == "pub_a" and scene == "a":
        assert response.status_code == 200 and len(response.json()) == 1
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), response.text


@pytest.mark.parametrize(
    ("role", "path"),
    list(
        itertools.product(
            ROLES, ["/api/v1/loop/funnel", "/api/v1/loop/supply", "/api/v1/loop/unanswered"]
        )
    ),
)
def test_figure_cells(client: TestClient, world: World, role: str, path: str) -> None:
    _answer(client, world, "sup_a", world.scene_b)
    response = client.get(path, headers=_headers(world, role))
    if role == "admin":
        assert response.status_code == 200, response.text
        assert "私密方案" not in response.text and "李工" not in response.text
    else:
        assert response.status_code == (401 if role == "anonymous" else 403), response.text


def test_proposals_stay_off_public_faces(client: TestClient, world: World) -> None:
    _answer(client, world, "sup_b", world.scene_a)
    for path in (
        f"/api/v1/scenes/{world.scene_a}",
        "/api/v1/scenes",
        f"/scenes/{world.scene_a}",
    ):
        assert "私密方案" not in client.get(path).text
    found = client.get("/api/v1/scenes", params={"q": "私密方案", "limit": 100}).json()["data"]
    assert all("私密方案" not in str(r) for r in found)
    # not indexed: a text match for the proposal's words finds no interest text
    matched = client.get("/api/v1/match", params={"q": "私密方案", "against": "scene"})
    assert "私密方案" not in matched.text


def test_board_invite_and_export(client: TestClient, world: World) -> None:
    _answer(client, world, "sup_b", world.scene_a)
    board = client.get(f"/api/v1/scenes/{world.scene_a}/board", headers=auth(world, "pub_a"))
    assert board.status_code == 200, board.text
    body = board.json()
    assert [a["interest"]["firm_org"] for a in body["applicants"]] == ["杭州云巡智能科技有限公司"]
    candidates = [n["match"] for n in body["not_applied"]]
    assert candidates, body
    assert "杭州云巡智能科技有限公司" not in {c["firm_org"] for c in candidates}
    first = candidates[0]
    invited = client.post(
        f"/api/v1/scenes/{world.scene_a}/invitations",
        json={"capability_id": first["capability_id"], "message": "欢迎对接"},
        headers=auth(world, "pub_a"),
    )
    assert invited.status_code == 201, invited.text
    assert invited.json()["delivered_at"] is None
    again = client.post(
        f"/api/v1/scenes/{world.scene_a}/invitations",
        json={"capability_id": first["capability_id"]},
        headers=auth(world, "pub_a"),
    )
    assert again.status_code == 409
    refused = client.post(
        f"/api/v1/scenes/{world.scene_b}/invitations",
        json={"capability_id": first["capability_id"]},
        headers=auth(world, "pub_a"),
    )
    assert refused.status_code == 403
    csv_body = client.get(
        "/api/v1/loop/export",
        params={"table": "funnel", "by": "district"},
        headers=auth(world, "admin"),
    )
    assert csv_body.status_code == 200 and csv_body.text.lstrip("\ufeff").startswith("group,")
    xlsx = client.get(
        "/api/v1/loop/export",
        params={"table": "supply", "format": "xlsx"},
        headers=auth(world, "admin"),
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
