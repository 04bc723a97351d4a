"""Headless Chromium through the whole loop: a firm answers a scene, its publisher
shortlists and marks it contracted, the operator's funnel shows it (charts drawn)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.api.conftest import FIRM_B, World
from tests.api.test_browser import (  # noqa: F401 - fixtures
    browser,
    page,
    pytestmark,
    shot,
    sign_in,
    site,
)


def test_answer_shortlist_contract_then_funnel(
    site: str,  # noqa: F811
    page: Any,  # noqa: F811
    browser: Any,  # noqa: F811
    world: World,
    tmp_path: Path,
) -> None:
    sign_in(page, site, "sup_b")
    page.goto(f"{site}/scenes/{world.scene_a}")
    page.fill("#interest-form textarea[name=approach]", "<b>视频分析</b>导诊方案")
    page.fill("#interest-form input[name=contact]", "赵工 13600000000")
    page.fill("#interest-form input[name=cost_min]", "10万")
    page.fill("#interest-form input[name=cost_max]", "30万")
    page.click("#interest-submit")
    page.wait_for_selector(".my-interest .state[data-state=submitted]")
    shot(page, "loop-answer", tmp_path)

    publisher = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pub = publisher.new_page()
    sign_in(pub, site, "pub_a")
    pub.goto(f"{site}/scenes/{world.scene_a}")
    pub.click("#applicants-link")
    card = pub.locator(f"#applicants .applicant[data-firm='{FIRM_B}']")
    assert "<b>视频分析</b>导诊方案" in card.inner_text()  # shown as text, not markup
    for state in ("shortlisted", "contacted", "negotiating", "contracted"):
        card = pub.locator(f"#applicants .applicant[data-firm='{FIRM_B}']")
        card.locator("select[name=state]").select_option(state)
        card.locator("form.decision button").click()
        pub.wait_for_selector(
            f"#applicants .applicant[data-firm='{FIRM_B}'] .state[data-state={state}]"
        )
    assert pub.locator("#scene-status").get_attribute("data-status") == "contracted"
    shot(pub, "loop-applicants", tmp_path)
    publisher.close()

    page.goto(f"{site}/me")
    assert "已签约" in page.locator("#my-interests").inner_text()

    operator = browser.new_context(viewport={"width": 1280, "height": 1100}, locale="zh-CN")
    admin = operator.new_page()
    sign_in(admin, site, "admin")
    admin.goto(f"{site}/admin/loop?by=district")
    admin.wait_for_selector("#funnel-chart.drawn")
    row = admin.locator("#funnel tr[data-group='西湖区']")
    assert row.locator("td.contracted").inner_text() == "1"
    drawn = admin.evaluate(
        "() => document.getElementById('funnel-chart').chart.data.datasets"
        ".find(d => d.label === '西湖区').data"
    )
    assert drawn[3] == 1  # the contracted step in the chart
    shot(admin, "loop-city", tmp_path)
    operator.close()
