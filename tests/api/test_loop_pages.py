"""The loop's pages through TestClient: 我要对接 with CSRF, a publisher's applicants and
decisions, the city's figures; proposals escaped and shown to nobody else."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import FIRM_B, World
from tests.api.test_pages import _csrf, login

HOSTILE = "<script>alert('p')</script>私密方案"


def _answer(client: TestClient, scene: str) -> None:
    response = client.post(
        f"/scenes/{scene}/interest",
        data={
            "approach": HOSTILE,
            "contact": "王工 13700000000",
            "expected_days": "45",
            "cost_min": "10万",
            "cost_max": "20万",
            "csrf": _csrf(client, f"/scenes/{scene}"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def test_the_loop_through_the_pages(client: TestClient, world: World) -> None:
    login(client, "sup_b")
    page = client.get(f"/scenes/{world.scene_a}")
    assert 'id="interest-form"' in page.text and "我要对接" in page.text
    _answer(client, world.scene_a)
    page = client.get(f"/scenes/{world.scene_a}")
    assert "已提交" in page.text and HOSTILE not in page.text
    assert "&lt;script&gt;alert(&#39;p&#39;)&lt;/script&gt;私密方案" in page.text  # escaped
    mine = client.get("/me")
    assert "我的对接意向" in mine.text and "门诊智能导诊" in mine.text
    # without the form token nothing is recorded
    refused = client.post(
        f"/scenes/{world.scene_b}/interest",
        data={"approach": "x", "contact": "y", "csrf": "forged"},
        follow_redirects=False,
    )
    assert refused.status_code == 403

    client.cookies.clear()
    assert "私密方案" not in client.get(f"/scenes/{world.scene_a}").text  # public page
    login(client, "committee")
    assert client.get(f"/scenes/{world.scene_a}/applicants").status_code == 403
    client.cookies.clear()
    login(client, "pub_b")
    assert client.get(f"/scenes/{world.scene_a}/applicants").status_code == 403

    client.cookies.clear()
    login(client, "pub_a")
    board = client.get(f"/scenes/{world.scene_a}/applicants")
    assert board.status_code == 200 and FIRM_B in board.text
    assert HOSTILE not in board.text and "私密方案" in board.text
    interest = client.get("/scenes/" + world.scene_a + "/applicants").text
    import re

    found = re.search(r'action="/interests/(\d+)/decision"', interest)
    assert found
    for state in ("shortlisted", "contacted", "negotiating", "contracted"):
        moved = client.post(
            f"/interests/{found.group(1)}/decision",
            data={"state": state, "csrf": _csrf(client, f"/scenes/{world.scene_a}/applicants")},
            follow_redirects=False,
        )
        assert moved.status_code == 303, moved.text
    assert "已签约" in client.get(f"/scenes/{world.scene_a}/applicants").text

    client.cookies.clear()
    login(client, "admin")
    city = client.get("/admin/loop", params={"by": "district"})
    assert city.status_code == 200, city.text
    assert "私密方案" not in city.text
    row = re.search(r'<tr data-group="西湖区">(.*?)</tr>', city.text, re.S)
    assert row, city.text[:2000]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
    assert cells[4] == "1"  # contracted
    export = client.get("/admin/loop/export", params={"table": "funnel", "by": "district"})
    assert export.status_code == 200 and "西湖区" in export.content.decode("utf-8-sig")


def test_no_answer_form_after_the_deadline(client: TestClient) -> None:
    login(client, "sup_b")
    page = client.get("/scenes/HZ-2025-S001")  # deadline 2025-09-30, long past
    assert page.status_code == 200 and "对接状态" in page.text
    assert 'id="interest-form"' not in page.text
    refused = client.post(
        "/scenes/HZ-2025-S001/interest",
        data={"approach": "x", "contact": "y", "csrf": _csrf(client, "/scenes/HZ-2025-S001")},
        follow_redirects=False,
    )
    assert refused.status_code == 409 and "closed for answers" in refused.text
