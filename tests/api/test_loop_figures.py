"""The city's figures on a planted history. Expected numbers are worked out by hand from
the planted dates (see the comments), not taken from the code."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from api.deps import get_reader, get_store
from api.services import loop, loop_figures
from api.services.errors import Forbidden, InvalidInput, Unauthenticated
from api.services.loop import InterestState as S
from api.services.loop_figures import GroupBy
from api.services.models import RecordCreate
from api.services.records import create_record
from core.records import RecordKind
from core.store import RecordStore
from tests.api.test_loop import ADMIN, COMMITTEE, PROPOSAL, PUB_A, SUP_A, SUP_B

BATCH = "测试批次"


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


def _scene(store: RecordStore, title: str, published: date, domain: str, district: str) -> str:
    body = RecordCreate(
        title=title,
        description=f"{title}的需求说明",
        domains=[domain],
        district=district,
        batch=BATCH,
        published_at=published,
    )
    return create_record(store, kind=RecordKind.SCENE, body=body, who=PUB_A).id


@pytest.fixture
def planted(api_home: Path) -> dict[str, str]:
    store = get_store()
    x = _scene(store, "场景X", date(2026, 1, 1), "测试医疗", "测试西区")
    y = _scene(store, "场景Y", date(2026, 1, 1), "测试医疗", "测试东区")
    z = _scene(store, "场景Z", date(2026, 1, 10), "测试交通", "测试西区")
    w = _scene(store, "场景W", date(2026, 2, 1), "测试交通", "测试东区")

    def answer(scene: str, who: object, month: int, day: int) -> int:
        return loop.express_interest(
            store, scene, PROPOSAL, who=who, at=_at(month, day), today=date(2026, month, day)
        ).id  # type: ignore[arg-type]

    def move(interest: int, state: S, month: int, day: int) -> None:
        loop.decide(store, interest, state, who=PUB_A, at=_at(month, day))

    # X: answered 1-05 (4 d), shortlisted 1-08 (3 d), contracted 1-20 (12 d),
    #    delivered 3-01 (Jan 20 → Mar 1 = 11 + 28 + 1 = 40 d)
    ix = answer(x, SUP_A, 1, 5)
    move(ix, S.SHORTLISTED, 1, 8)
    move(ix, S.CONTACTED, 1, 10)
    move(ix, S.NEGOTIATING, 1, 15)
    move(ix, S.CONTRACTED, 1, 20)
    move(ix, S.DELIVERED, 3, 1)
    # Y: first answer 1-03 (2 d; a second firm on 1-11), shortlisted 1-13 (10 d after the
    #    first answer), contracted 1-16 (3 d); not delivered
    answer(y, SUP_A, 1, 3)
    iy = answer(y, SUP_B, 1, 11)
    move(iy, S.SHORTLISTED, 1, 13)
    move(iy, S.CONTACTED, 1, 14)
    move(iy, S.NEGOTIATING, 1, 15)
    move(iy, S.CONTRACTED, 1, 16)
    # Z: answered 1-30 (20 d), then withdrawn: still answered, never shortlisted
    iz = answer(z, SUP_A, 1, 30)
    loop.withdraw_interest(store, iz, who=SUP_A, at=_at(2, 1))
    # W: nobody answers
    return {"x": x, "y": y, "z": z, "w": w}


def _row(rows: list[loop_figures.FunnelRow], group: str) -> tuple[object, ...]:
    (row,) = [r for r in rows if r.group == group]
    return (
        row.published,
        row.answered,
        row.shortlisted,
        row.contracted,
        row.delivered,
        row.days_to_answer,
        row.days_to_shortlist,
        row.days_to_contract,
        row.days_to_deliver,
    )


def test_funnel_by_batch(planted: dict[str, str]) -> None:
    rows = loop_figures.funnel(get_store(), GroupBy.BATCH, who=ADMIN)
    # 4 published, 3 answered (X, Y, Z), 2 shortlisted (X, Y), 2 contracted, 1 delivered;
    # answer days X 4, Y 2, Z 20 → median 4; shortlist X 3, Y 10 → 6.5;
    # contract X 12, Y 3 → 7.5; deliver X 40
    assert _row(rows, BATCH) == (4, 3, 2, 2, 1, 4.0, 6.5, 7.5, 40.0)


def test_funnel_by_domain_and_district(planted: dict[str, str]) -> None:
    store = get_store()
    by_domain = loop_figures.funnel(store, GroupBy.DOMAIN, who=ADMIN)
    # 测试医疗 = X, Y: answer days 4, 2 → 3
    assert _row(by_domain, "测试医疗") == (2, 2, 2, 2, 1, 3.0, 6.5, 7.5, 40.0)
    # 测试交通 = Z, W: only Z answered, after 20 days
    assert _row(by_domain, "测试交通") == (2, 1, 0, 0, 0, 20.0, None, None, None)
    by_district = loop_figures.funnel(store, GroupBy.DISTRICT, who=ADMIN)
    # 测试西区 = X, Z: answer days 4, 20 → 12; the rest is X alone
    assert _row(by_district, "测试西区") == (2, 2, 1, 1, 1, 12.0, 3.0, 12.0, 40.0)
    # 测试东区 = Y, W
    assert _row(by_district, "测试东区") == (2, 1, 1, 1, 0, 2.0, 10.0, 3.0, None)
    assert by_domain[-1].group == loop_figures.ALL


def test_the_scene_status_followed_the_planted_history(planted: dict[str, str]) -> None:
    store = get_store()
    assert [loop.scene_status(store, planted[k]) for k in "xyzw"] == [
        loop.SceneStatus.DELIVERED,
        loop.SceneStatus.CONTRACTED,
        loop.SceneStatus.OPEN,
        loop.SceneStatus.OPEN,
    ]


def test_unanswered_needs_after_n_days(planted: dict[str, str]) -> None:
    reader = get_reader()
    found, left_out = loop_figures.unanswered(
        reader.matcher, days=14, today=date(2026, 2, 20), who=ADMIN
    )
    ids = {n.scene_id: n for n in found}
    # W was published 2-01: 19 days waiting; Z had an interest (withdrawn), X/Y answered
    assert ids[planted["w"]].days_waiting == 19
    assert not {planted["x"], planted["y"], planted["z"]} & set(ids)
    assert left_out == 0
    found, _ = loop_figures.unanswered(reader.matcher, days=20, today=date(2026, 2, 20), who=ADMIN)
    assert planted["w"] not in {n.scene_id for n in found}  # 19 < 20


def test_supply_against_demand(planted: dict[str, str]) -> None:
    reader = get_reader()
    figures = loop_figures.supply_demand(
        reader.matcher, GroupBy.DOMAIN, threshold=0.0, today=date(2026, 2, 20), who=ADMIN
    )
    rows = {r.group: r for r in figures.rows}
    # open needs in 测试交通: Z (withdrawn answer only) and W; X, Y are settled
    assert rows["测试交通"].open_needs == 2
    assert rows["测试交通"].needs_answered == 0  # a withdrawn interest is no answer
    assert "测试医疗" not in rows
    # at threshold 0 every firm the index returns is "strong": FIRM_B answers somewhere,
    # so it is never silent
    assert "杭州云巡智能科技有限公司" not in {f.firm_org for f in figures.silent_firms}
    high = loop_figures.supply_demand(
        reader.matcher, GroupBy.DOMAIN, threshold=1.0, today=date(2026, 2, 20), who=ADMIN
    )
    assert all(r.matching_firms == 0 for r in high.rows if r.group.startswith("测试"))
    few = loop_figures.supply_demand(
        reader.matcher, max_scenes=1, today=date(2026, 2, 20), who=ADMIN
    )
    assert few.scenes_considered == 1 and few.scenes_left_out >= 1


def test_only_the_city_reads_the_figures(planted: dict[str, str]) -> None:
    for who in (PUB_A, SUP_A, COMMITTEE):
        with pytest.raises(Forbidden):
            loop_figures.funnel(get_store(), who=who)
        with pytest.raises(Forbidden):
            loop_figures.unanswered(get_reader().matcher, who=who)
    with pytest.raises(Unauthenticated):
        loop_figures.funnel(get_store(), who=None)
    with pytest.raises(InvalidInput):
        loop_figures.supply_demand(get_reader().matcher, threshold=2.0, who=ADMIN)


def test_exports_carry_no_formula(planted: dict[str, str]) -> None:
    header, rows = loop_figures.table(loop_figures.funnel(get_store(), GroupBy.BATCH, who=ADMIN))
    rows.append(['=HYPERLINK("http://x")', 1, 0, 0, 0, 0, None, None, None, None])
    text = loop_figures.to_csv(header, rows)
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0][:2] == ["group", "published"]
    assert parsed[-1][0] == '\'=HYPERLINK("http://x")'
    data = loop_figures.to_xlsx(header, rows, "funnel")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.cell(1, 1).value == "group"
    assert str(sheet.cell(len(rows) + 1, 1).value).startswith("'=")


def test_cli_funnel_and_export_match_the_service(planted: dict[str, str], tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from api.cli import app

    runner = CliRunner()
    shown = runner.invoke(app, ["loop", "funnel", "--by", "batch", "--json"])
    assert shown.exit_code == 0, shown.output
    (row,) = [r for r in json.loads(shown.output) if r["group"] == BATCH]
    assert (row["published"], row["delivered"], row["days_to_shortlist"]) == (4, 1, 6.5)
    out = tmp_path / "funnel.csv"
    written = runner.invoke(app, ["loop", "export", str(out), "--by", "district"])
    assert written.exit_code == 0, written.output
    assert "测试西区" in out.read_text(encoding="utf-8-sig")
    bad = runner.invoke(app, ["loop", "export", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2 and ".csv or .xlsx" in bad.output


def test_the_demo_seeds_answered_and_contracted_scenes_once(api_home: Path) -> None:
    from rich.console import Console

    from api.commands.demo_loop import seed_loop

    matcher = get_reader().matcher
    made = seed_loop(matcher, Console(quiet=True))
    assert made >= 4
    store = get_store()
    assert loop.scene_status(store, "HZ-2025-S005") is loop.SceneStatus.CONTRACTED
    assert loop.scene_status(store, "HZ-2025-S012") is loop.SceneStatus.DELIVERED
    total = loop_figures.funnel(store, GroupBy.BATCH, who=ADMIN)[-1]
    assert (total.answered, total.contracted, total.delivered) == (4, 2, 1)
    assert seed_loop(matcher, Console(quiet=True)) == 0  # a second run adds nothing
