"""Headless Chromium (Debian's package, driven by Playwright; never a downloaded browser)
against the served site: search → scene → matches with reasons; a supplier's
opportunities; the committee's ranking with its charts and a recorded decision; a hostile
record renders inert.

Screenshots go to ``$SCENEHUB_TEST_SCREENSHOTS`` (``docs/screenshots`` when refreshing the
README's) or a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.deps import get_reader, get_store
from api.services import accounts
from tests.api.conftest import PASSWORD, World, auth

CHROMIUM = os.environ.get("SCENEHUB_TEST_CHROMIUM", "/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"headless Chromium not found at {CHROMIUM}: `apt-get install chromium` "
        "(make test does it when run as root with apt-get)",
    ),
]


@pytest.fixture
def site(home: Path, ranked_template: Path) -> Iterator[str]:
    import uvicorn

    shutil.copytree(ranked_template, home, dirs_exist_ok=True)
    get_reader.cache_clear()
    accounts.LIMITER.clear(get_store())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the site did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    get_reader.cache_clear()
    get_store().engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def shot(page: Any, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("SCENEHUB_TEST_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert (folder / f"{name}.png").stat().st_size > 10_000


def sign_in(page: Any, site: str, user: str) -> None:
    page.goto(f"{site}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button")
    page.wait_for_load_state()


def test_search_open_scene_see_reasons(site: str, page: Any, tmp_path: Path) -> None:
    page.goto(f"{site}/scenes")
    page.fill("input[name=q]", "医学影像")
    page.click("form.search button")
    page.wait_for_load_state()
    shot(page, "scenes", tmp_path)
    page.click("a[href='/scenes/HZ-2025-S002']")
    page.wait_for_selector("#matches .match")
    first = page.locator("#matches .match").first
    assert "杭州深视医疗科技有限公司" in first.inner_text()
    assert "命中" in first.inner_text() and "关键词 第" in first.inner_text()
    shot(page, "scene", tmp_path)


def test_supplier_sees_matched_opportunities(site: str, page: Any, tmp_path: Path) -> None:
    sign_in(page, site, "sup_a")
    assert page.url.endswith("/me")
    rows = page.locator("#opportunities tbody tr")
    assert rows.count() >= 1 and "匹配的开放机会" in page.content()
    shot(page, "supplier", tmp_path)


def test_committee_ranking_with_charts(site: str, page: Any, tmp_path: Path) -> None:
    sign_in(page, site, "committee")
    page.goto(f"{site}/review/models")
    page.wait_for_selector("canvas.chart.drawn")
    assert page.locator("#ranking tbody tr").count() >= 3
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas.chart.drawn')]"
        ".filter(c => c.chart && c.chart.data.datasets[0].data.length === 3"
        " && c.chart.data.datasets[0].data.every(v => typeof v === 'number' && v > 0)).length"
    )
    assert drawn >= 3  # three monthly figures (not gaps) per candidate
    # record a decision through the review form; it shows beside the computed rank
    firm = page.locator("#ranking tbody tr").first.locator("td").nth(1).inner_text()
    firm = firm.splitlines()[0].strip()
    page.select_option("#review-form select[name=enterprise]", firm)
    page.select_option("#review-form select[name=kind]", "decision")
    page.fill("#review-form input[name=decision]", "维持一档")
    page.fill("#review-form textarea[name=comment]", "下载量经核实，无刷量迹象")
    page.click("#review-form button")
    page.wait_for_selector("#recorded")
    row = page.locator("#ranking tbody tr", has_text=firm).first
    cell = row.locator("td.decisions").inner_text()
    assert "维持一档" in cell and "下载量经核实，无刷量迹象 — committee" in cell
    page.wait_for_selector("canvas.chart.drawn")  # the charts still draw after the post
    shot(page, "review", tmp_path)


def test_hostile_record_renders_inert(site: str, page: Any, world: World, tmp_path: Path) -> None:
    import httpx

    payload = {
        "title": "<script>window.pwned=1;alert('t')</script>智慧路灯",
        "description": '<img src="/x-probe" onerror="window.pwned=2;alert(1)"> 路灯',
        "contact": "javascript:alert(3)",
    }
    made = httpx.post(f"{site}/api/v1/scenes", json=payload, headers=auth(world, "pub_a"))
    assert made.status_code == 201, made.text
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{site}/scenes/{made.json()['id']}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.pwned") is None
    assert dialogs == []
    assert not [url for url in requests if "x-probe" in url or not url.startswith(site)]
    assert "<script>window.pwned" in page.locator("h1").inner_text()  # shown as text
    shot(page, "xss-inert", tmp_path)


def test_api_docs_work_offline_under_the_strict_csp(site: str, page: Any) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(site) else outside.append(request.url),
    )
    page.goto(f"{site}/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/scenes" in path for path in paths)
    assert page.locator(".info .title").first.inner_text().startswith("scenehub")
    assert refused == [] and outside == []
