"""The Chinese pages through TestClient: search → scene → matches with reasons, sign-in with
CSRF, a supplier's opportunities, admin pages, security headers, crawled text escaped."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from api.web.pages import COMPONENT_NAMES
from tests.api.conftest import PASSWORD, World, auth

XSS = {
    "title": "<script>alert('t')</script>智慧路灯",
    "description": '<img src=x onerror="alert(1)"> 路灯 <a href="javascript:alert(2)">x</a>',
    "contact": "javascript:alert(3)",
}


def _csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def login(client: TestClient, user: str) -> None:
    response = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf": _csrf(client), "next": "/me"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/me"


def test_search_then_scene_with_reasons(client: TestClient) -> None:
    listing = client.get("/scenes", params={"q": "医学影像"})
    assert listing.status_code == 200 and "场景机会" in listing.text
    assert 'href="/scenes/HZ-2025-S002"' in listing.text
    scene = client.get("/scenes/HZ-2025-S002")
    assert "匹配的供给企业" in scene.text and "杭州深视医疗科技有限公司" in scene.text
    assert "命中：" in scene.text and "关键词 第" in scene.text and "语义 第" in scene.text


def test_security_headers_everywhere(client: TestClient) -> None:
    for path, status in (
        ("/scenes", 200),
        ("/api/v1/scenes", 200),
        ("/login", 200),
        ("/static/style.css", 200),
        ("/api/v1/scenes/NO-SUCH-ID", 404),  # errors too
        ("/api/v1/scenes?limit=0", 422),
        ("/scenes/NO-SUCH-ID", 404),
    ):
        response = client.get(path, follow_redirects=False)
        headers = response.headers
        assert response.status_code == status, path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "script-src 'self';" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers.get_list("content-security-policy") == [headers["content-security-policy"]]
    docs = client.get("/docs")
    assert docs.status_code == 200
    # the docs run under the same strict policy: vendored files, no CDN, no inline script
    assert docs.headers["content-security-policy"] == headers["content-security-policy"]
    assert "http" not in docs.headers["content-security-policy"]
    for src in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/docs.js"):
        assert f'src="{src}"' in docs.text
        assert client.get(src).status_code == 200
    assert client.get("/redoc").status_code == 404


def test_crawled_and_entered_text_is_escaped(client: TestClient, world: World) -> None:
    made = client.post("/api/v1/scenes", json=XSS, headers=auth(world, "pub_a"))
    assert made.status_code == 201, made.text
    page = client.get(f"/scenes/{made.json()['id']}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "onerror=&#34;alert(1)&#34;" in page
    assert 'href="javascript:' not in page
    listing = client.get("/scenes", params={"q": "智慧路灯"}).text
    assert "<script>alert" not in listing


def test_login_needs_the_form_token(client: TestClient) -> None:
    forged = client.post(
        "/login", data={"username": "sup_a", "password": PASSWORD}, follow_redirects=False
    )
    assert forged.status_code == 403 and "另一个" not in forged.text
    assert "scenehub_session" not in forged.cookies
    wrong = client.post(
        "/login",
        data={"username": "sup_a", "password": "nope-nope", "csrf": _csrf(client)},
    )
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text


def test_open_redirect_is_refused(client: TestClient) -> None:
    response = client.post(
        "/login",
        data={
            "username": "sup_a",
            "password": PASSWORD,
            "csrf": _csrf(client),
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/me"


def test_supplier_sees_open_opportunities_by_deadline(client: TestClient) -> None:
    login(client, "sup_a")
    page = client.get("/me")
    assert page.status_code == 200 and "企业能力 · 杭州深视医疗科技有限公司" in page.text
    assert "匹配的开放机会" in page.text
    deadlines = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d|长期)</td>", page.text)
    dated = [d for d in deadlines if d != "长期"]
    assert dated == sorted(dated)


def test_roles_guard_pages(client: TestClient) -> None:
    assert client.get("/admin", follow_redirects=False).status_code == 303  # to /login
    login(client, "sup_a")
    assert client.get("/admin").status_code == 403
    assert client.get("/review/models").status_code == 403


def test_committee_and_admin_pages(client: TestClient) -> None:
    login(client, "committee")
    review = client.get("/review/models")
    assert review.status_code == 200 and "scenehub contrib pull" in review.text  # no snapshot
    client.cookies.clear()
    login(client, "admin")
    admin = client.get("/admin")
    assert admin.status_code == 200 and "sample-portal" in admin.text and "采集记录" in admin.text
    forged = client.post("/admin/crawls", data={"source": "sample-portal"})
    assert forged.status_code == 403


def test_logout_needs_the_form_token(client: TestClient) -> None:
    login(client, "pub_a")
    assert client.post("/logout", follow_redirects=False).status_code == 403
    token = _csrf(client, "/me")
    out = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303


FIRM = "杭州云栖智算科技有限公司"  # a models candidate of the sample hub


def _decide(client: TestClient, **fields: str) -> httpx.Response:
    data = {"enterprise": FIRM, "kind": "decision", "decision": "维持一档", "comment": "已核实"}
    return client.post("/review/models/decisions", data={**data, **fields}, follow_redirects=False)


def _stored(client: TestClient, world: World) -> list[str]:
    reviews = client.get("/api/v1/reviews", headers=auth(world, "committee")).json()
    return [r["decision"] for r in reviews]


def test_committee_records_a_decision_on_the_page(ranked_client: TestClient, world: World) -> None:
    login(ranked_client, "committee")
    page = ranked_client.get("/review/models")
    assert page.status_code == 200 and 'id="review-form"' in page.text
    assert f'<option value="{FIRM}">' in page.text
    assert _decide(ranked_client).status_code == 403  # no form token: refused
    assert _stored(ranked_client, world) == []
    token = _csrf(ranked_client, "/review/models")
    empty = _decide(ranked_client, csrf=token, comment="  ")
    assert empty.status_code == 422 and "reason is empty" in empty.text
    done = _decide(ranked_client, csrf=token, decision="<b>维持</b>一档", comment="下载量已核实")
    assert done.status_code == 303
    assert _stored(ranked_client, world) == ["<b>维持</b>一档"]
    shown = ranked_client.get("/review/models?recorded=1").text
    assert "已记录" in shown and "&lt;b&gt;维持&lt;/b&gt;一档" in shown
    assert "下载量已核实 — committee" in shown  # the reviewer is the signed-in member


def test_only_the_committee_records_on_the_page(ranked_client: TestClient, world: World) -> None:
    anonymous = _decide(ranked_client, csrf=_csrf(ranked_client))
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    for user in ("pub_a", "sup_a", "admin"):
        ranked_client.cookies.clear()
        login(ranked_client, user)
        refused = _decide(ranked_client, csrf=_csrf(ranked_client, "/login"))
        assert refused.status_code == 403, user
    assert _stored(ranked_client, world) == []


def test_the_committee_chart_draws_each_months_ranked_downloads(
    ranked_client: TestClient, ranked_home: Path
) -> None:
    """Every point of every candidate's chart is the downloads component ranked from the stored
    snapshot of that month (not None, not a count), and every component has a Chinese name."""
    from contrib.ranking.components import REGISTRY
    from contrib.runs import run_ranking
    from contrib.snapshots import SnapshotStore
    from core.store import RecordStore

    login(ranked_client, "committee")
    page = ranked_client.get("/review/models")
    assert page.status_code == 200
    drawn: dict[str, list[dict[str, object]]] = {}
    for row in re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", page.text, flags=re.S):
        firm = html.unescape(re.findall(r"<td>(.*?)(?:<div|</td>)", row, flags=re.S)[1]).strip()
        block = re.search(r'<script type="application/json" id="series-\d+">(.*?)</script>', row)
        assert block, row
        drawn[firm] = json.loads(block.group(1))
    store = RecordStore.from_url(f"sqlite:///{ranked_home / 'scenehub.db'}")
    days = sorted(s.as_of for s in SnapshotStore(store.engine).complete_snapshots())
    expected: dict[str, list[dict[str, object]]] = {}
    for day in days:
        for result in run_ranking(store.engine, "models", day).results:
            value = result["components"]["downloads"]["value"]
            expected.setdefault(result["enterprise"], []).append(
                {"as_of": day.isoformat(), "downloads": value}
            )
    store.engine.dispose()
    assert len(days) == 3 and drawn == expected
    full = [firm for firm, points in drawn.items() if all(p["downloads"] for p in points)]
    assert len(full) >= 3, drawn  # real monthly figures, three months each
    assert all(isinstance(p["downloads"], float) for p in drawn[full[0]])
    assert set(COMPONENT_NAMES) == set(REGISTRY)
    for name in ("月均下载", "评测榜单", "持续领先"):
        assert f"</span>{name}：" in page.text
    assert "</span>downloads：" not in page.text and "</span>performance：" not in page.text
