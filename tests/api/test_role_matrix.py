"""The role × action × owner matrix, through HTTP: every cell is a request against a fresh
copy of the world, and a refused write must leave the record exactly as it was.

Cells: record writes 5 roles × 4 actions × 3 owners = 60; creates 5 × 2 × 2 = 20;
subscription removal 5 × 2 = 10; owner-less actions 5 × 7 = 35 → 125 HTTP cells, plus the
policy table itself (5 roles incl. anonymous × 16 actions × 3 owners = 240 cells; the
matchmaking loop's 4 actions add 60, and tests/api/test_loop_api.py its HTTP cells).
"""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient

from api.services.policy import Action, Principal, Role, allowed
from tests.api.conftest import FIRM_A, FIRM_B, ORG_A, ORG_B, World, auth

ROLES = ["anonymous", "pub_a", "sup_a", "committee", "admin"]
OWNERS = ["own", "other", "nobody"]  # own = ORG_A / FIRM_A (pub_a's, sup_a's organisation)


def _headers(world: World, role: str) -> dict[str, str]:
    return {} if role == "anonymous" else auth(world, role)


def _refusal(role: str) -> int:
    return 401 if role == "anonymous" else 403


def _target(world: World, kind: str, owner: str) -> str:
    if kind == "scenes":
        return {"own": world.scene_a, "other": world.scene_b, "nobody": "HZ-2025-S001"}[owner]
    crawled = "C-1e0cb83edf5a8a58"  # any ingested capability: owned by nobody
    return {"own": world.cap_a, "other": world.cap_b, "nobody": crawled}[owner]


WRITE_ALLOWED = {
    ("pub_a", "scenes", "update", "own"),
    ("pub_a", "scenes", "archive", "own"),
    ("sup_a", "capabilities", "update", "own"),
    ("sup_a", "capabilities", "archive", "own"),
    *(("admin", kind, "archive", owner) for kind in ("scenes", "capabilities") for owner in OWNERS),
}


@pytest.mark.parametrize(
    ("role", "kind", "action", "owner"),
    list(itertools.product(ROLES, ["scenes", "capabilities"], ["update", "archive"], OWNERS)),
)
def test_record_writes(
    client: TestClient, world: World, role: str, kind: str, action: str, owner: str
) -> None:
    rid = _target(world, kind, owner)
    if owner == "nobody" and kind == "capabilities":
        rid = client.get("/api/v1/capabilities", params={"limit": 1}).json()["data"][0]["id"]
    before = client.get(f"/api/v1/{kind}/{rid}/versions", headers=auth(world, "admin")).json()
    state = client.get(f"/api/v1/{kind}/{rid}", headers=auth(world, "admin")).json()["status"]
    if action == "update":
        response = client.patch(
            f"/api/v1/{kind}/{rid}", json={"description": "改写"}, headers=_headers(world, role)
        )
    else:
        response = client.post(f"/api/v1/{kind}/{rid}/archive", headers=_headers(world, role))
    after = client.get(f"/api/v1/{kind}/{rid}/versions", headers=auth(world, "admin")).json()
    now = client.get(f"/api/v1/{kind}/{rid}", headers=auth(world, "admin")).json()["status"]
    if (role, kind, action, owner) in WRITE_ALLOWED:
        assert response.status_code == 200, response.text
        assert (len(after) == len(before) + 1) if action == "update" else now == "archived"
    else:
        assert response.status_code == _refusal(role), response.text
        assert after == before and now == state  # nothing changed


@pytest.mark.parametrize(
    ("role", "kind", "org"),
    list(itertools.product(ROLES, ["scenes", "capabilities"], ["own", "other"])),
)
def test_creates(client: TestClient, world: World, role: str, kind: str, org: str) -> None:
    other = ORG_B if kind == "scenes" else FIRM_B
    body: dict[str, object] = {"title": f"新{kind}{role}{org}", "description": "测试"}
    if org == "other":
        body["org"] = other
    response = client.post(f"/api/v1/{kind}", json=body, headers=_headers(world, role))
    creator = "pub_a" if kind == "scenes" else "sup_a"
    if role == creator and org == "own":
        assert response.status_code == 201, response.text
        assert response.json()["org"] == (ORG_A if kind == "scenes" else FIRM_A)
    else:
        assert response.status_code == _refusal(role), response.text
        listed = client.get(f"/api/v1/{kind}", params={"q": body["title"], "limit": 100})
        assert body["title"] not in {r["title"] for r in listed.json()["data"]}


@pytest.mark.parametrize(("role", "owner"), list(itertools.product(ROLES, ["own", "other"])))
def test_subscription_removal(client: TestClient, world: World, role: str, owner: str) -> None:
    maker = "sup_a" if owner == "own" else "sup_b"
    made = client.post(
        "/api/v1/subscriptions",
        json={"name": "线索", "text": "医学影像"},
        headers=auth(world, maker),
    )
    assert made.status_code == 201
    response = client.delete("/api/v1/subscriptions/线索", headers=_headers(world, role))
    if role == "sup_a" and owner == "own":
        assert response.status_code == 204
    else:
        assert response.status_code == _refusal(role), response.text
        assert [
            s["name"]
            for s in client.get("/api/v1/subscriptions", headers=auth(world, maker)).json()
        ] == ["线索"]


REVIEW = {"enterprise": "某企业", "decision": "维持", "comment": "已核实"}
#: action -> (method, path, body, the roles that get past the check); past the check the
#: plain world answers 200 or 404 (no registry, no snapshot, no such source)
OWNER_LESS = {
    "users": ("GET", "/api/v1/users", None, {"admin"}),
    "crawl": ("POST", "/api/v1/crawls", {"source": "no-such-source"}, {"admin"}),
    "evidence": ("GET", "/api/v1/rankings/models/某企业", None, {"committee", "admin"}),
    "evidence_pack": (
        "GET",
        "/api/v1/rankings/models/evidence/某企业",
        None,
        {"committee", "admin"},
    ),
    "sensitivity": ("GET", "/api/v1/rankings/sensitivity", None, {"committee", "admin"}),
    "reviews_read": ("GET", "/api/v1/reviews", None, {"committee", "admin"}),
    "review_record": ("POST", "/api/v1/reviews", REVIEW, {"committee"}),
}


@pytest.mark.parametrize(("role", "action"), list(itertools.product(ROLES, OWNER_LESS)))
def test_owner_less_actions(client: TestClient, world: World, role: str, action: str) -> None:
    method, path, body, past = OWNER_LESS[action]
    response = client.request(method, path, json=body, headers=_headers(world, role))
    passed = response.status_code in {200, 404}
    expected = role in past
    assert passed == expected, response.text
    if not expected:
        assert response.status_code == _refusal(role)
    reviews = client.get("/api/v1/reviews", headers=auth(world, "committee")).json()
    assert reviews == []  # no role recorded a decision in a world without a registry


# -- the policy table, cell by cell ---------------------------------------------------------

WHO = {
    "anonymous": None,
    "publisher": Principal(1, "p", Role.PUBLISHER, ORG_A),
    "supplier": Principal(2, "s", Role.SUPPLIER, FIRM_A),
    "committee": Principal(3, "c", Role.COMMITTEE, None),
    "admin": Principal(4, "a", Role.ADMIN, None),
}
OWNER_OF = {"publisher": ORG_A, "supplier": FIRM_A}
EXPECTED: dict[str, dict[str, set[str]]] = {
    # role -> action -> owners for which it is allowed
    "publisher": {
        "scene.create": {"own"},
        "scene.update": {"own"},
        "scene.archive": {"own"},
        "record.read_unpublished": {"own"},
        "interest.decide": {"own"},
        "interest.invite": {"own"},
    },
    "supplier": {
        "capability.create": {"own"},
        "capability.update": {"own"},
        "capability.archive": {"own"},
        "record.read_unpublished": {"own"},
        "subscription.manage": {"own"},
        "interest.manage": {"own"},
    },
    "committee": {"evidence.read": set(OWNERS), "review.record": set(OWNERS)},
    "admin": {
        "users.manage": set(OWNERS),
        "crawl.start": set(OWNERS),
        "evidence.read": set(OWNERS),
        "record.read_unpublished": set(OWNERS),
        "scene.archive": set(OWNERS),
        "capability.archive": set(OWNERS),
        "loop.figures": set(OWNERS),
    },
}


@pytest.mark.parametrize(
    ("role", "action", "owner"), list(itertools.product(WHO, list(Action), OWNERS))
)
def test_policy_cell(role: str, action: Action, owner: str) -> None:
    org = {"own": OWNER_OF.get(role, ORG_A), "other": ORG_B, "nobody": None}[owner]
    expected = owner in EXPECTED.get(role, {}).get(action.value, set())
    assert allowed(WHO[role], action, org) is expected
