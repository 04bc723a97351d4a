"""The demo's matchmaking loop: a few answered, shortlisted, contracted and delivered
scenes, so that every loop page has something to show. Idempotent: it seeds only an
empty loop. Firms and publishers act through the service (every rule applies); the
sample lists' deadlines are past, so each answer is dated on its scene's deadline day.
"""

from __future__ import annotations

from datetime import date

from rich.console import Console
from sqlalchemy import func, select

from api.services import loop
from api.services.errors import NotFound
from api.services.index import Matcher
from api.services.loop import InterestState as S
from api.services.loop import Proposal
from api.services.loop_board import firm_matches
from api.services.policy import Principal, Role
from core.models.loop import InterestRow

DEMO_FIRM = "杭州深视医疗科技有限公司"  # the demo supplier account's firm
#: scene -> the path of its first firm's interest (the second firm, if any, answers too)
PLAN: tuple[tuple[str, tuple[S, ...], str | None], ...] = (
    ("HZ-2025-S002", (S.SHORTLISTED,), "submitted"),  # the demo publisher's scene
    ("HZ-2025-S005", (S.CONTACTED, S.NEGOTIATING, S.CONTRACTED), None),
    ("HZ-2025-S012", (S.SHORTLISTED, S.CONTACTED, S.NEGOTIATING, S.CONTRACTED, S.DELIVERED), None),
    ("HZ-2025-S010", (S.DECLINED,), "withdrawn"),
)


def _firm(org: str) -> Principal:
    return Principal(0, "demo-seed", Role.SUPPLIER, org)


def _proposal(firm: str, title: str) -> Proposal:
    return Proposal(
        approach=f"{firm}针对“{title}”的实施方案：现场调研、模型适配、试点部署与验收。",
        cases="同类项目两项（演示数据）",
        expected_days=90,
        cost_min="30万",
        cost_max="60万",
        contact="演示联系人 0571-00000000",
    )


def seed_loop(matcher: Matcher, console: Console) -> int:
    """Seed the loop; return the number of interests made (0 when already seeded)."""
    store = matcher.store
    with store.session() as session:
        if session.scalar(select(func.count()).select_from(InterestRow)):
            console.print("[bold]loop[/] already seeded")
            return 0
    made = 0
    for scene_id, path, second in PLAN:
        try:
            scene = loop.scene_info(store, scene_id)
        except NotFound:
            continue
        firms = [m.firm_org for m in firm_matches(matcher, scene_id, top_k=20)]
        if scene_id == "HZ-2025-S002" and DEMO_FIRM in firms:
            firms.remove(DEMO_FIRM)
            firms.insert(0, DEMO_FIRM)
        firms = [f for f in firms if f != scene.publisher][:2]
        if not firms or scene.publisher is None:
            continue
        day = scene.deadline or date.today()
        publisher = Principal(0, "demo-seed", Role.PUBLISHER, scene.publisher)
        first = loop.express_interest(
            store, scene_id, _proposal(firms[0], scene.title), who=_firm(firms[0]), today=day
        )
        made += 1
        if second and len(firms) > 1:
            other = loop.express_interest(
                store, scene_id, _proposal(firms[1], scene.title), who=_firm(firms[1]), today=day
            )
            made += 1
            if second == "withdrawn":
                loop.withdraw_interest(store, other.id, who=_firm(firms[1]), note="资源冲突")
        for state in path:
            note = "方案与场景预算不匹配（演示）" if state is S.DECLINED else None
            loop.decide(store, first.id, state, who=publisher, note=note)
    console.print(f"[bold]loop[/] {made} demo interests: answered, shortlisted, contracted")
    return made
