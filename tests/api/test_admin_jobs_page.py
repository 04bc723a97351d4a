"""The admin page lists the scheduler's job runs (as ``scenehub jobs history`` does): what
ran, when, how long, how it ended; escaped; admins only."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from api.deps import get_store
from core.jobs import JobLedger
from tests.api.test_pages import login

EVIL = "<script>alert('job')</script>"


def _plant_runs() -> None:
    ledger = JobLedger(get_store().engine)

    def ok() -> dict[str, Any]:
        return {"summary": "crawl finished: 7 new, 2 updated"}

    def broken() -> dict[str, Any]:
        raise RuntimeError(f"SMTP refused {EVIL}")

    assert ledger.run("crawl:sample-portal", ok, slot="2026-11-30T06:00", trigger="schedule")
    assert ledger.run("alerts-deliver", broken, slot=None, trigger="manual").status == "failed"


def test_admin_page_lists_job_runs_escaped(client: TestClient) -> None:
    _plant_runs()
    login(client, "admin")
    page = client.get("/admin")
    assert page.status_code == 200
    section = page.text[page.text.index('id="job-runs"') :]
    section = section[: section.index("</table>")]
    rows = re.findall(r'<tr class="job-(\w+)">(.*?)</tr>', section)
    # newest first: the failed manual delivery, then the scheduled crawl
    assert [status for status, _ in rows] == ["failed", "finished"]
    failed, finished = rows[0][1], rows[1][1]
    assert (
        "alerts-deliver" in failed and "manual" in failed and "RuntimeError: SMTP refused" in failed
    )
    assert "crawl:sample-portal" in finished and "schedule" in finished
    assert "crawl finished: 7 new, 2 updated" in finished
    assert re.search(r"<td>\d+\.\d 秒</td>", finished)
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</td>", finished)
    assert (
        EVIL not in page.text and "&lt;script&gt;alert(&#39;job&#39;)&lt;/script&gt;" in page.text
    )


def test_admin_page_without_runs_says_so(client: TestClient) -> None:
    login(client, "admin")
    assert "尚无任务运行记录" in client.get("/admin").text


def test_job_history_is_refused_to_everyone_else(client: TestClient) -> None:
    _plant_runs()
    assert client.get("/admin", follow_redirects=False).status_code == 303  # to /login
    for user in ("sup_a", "pub_a", "committee"):
        client.cookies.clear()
        login(client, user)
        page = client.get("/admin")
        assert page.status_code == 403, user
        assert "alerts-deliver" not in page.text and "SMTP refused" not in page.text
