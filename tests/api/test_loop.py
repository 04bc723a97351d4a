"""The matchmaking loop at the service: every allowed transition, the refused ones, and
the history each change leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from api.deps import get_store
from api.services import loop
from api.services.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from api.services.loop import InterestState as S
from api.services.loop import Proposal, SceneStatus
from api.services.models import RecordCreate
from api.services.policy import Principal, Role
from api.services.records import create_record, list_records
from core.records import RecordKind
from core.store import RecordStore
from tests.api.conftest import FIRM_A, FIRM_B, ORG_A, ORG_B, World

PUB_A = Principal(1, "pub_a", Role.PUBLISHER, ORG_A)
PUB_B = Principal(2, "pub_b", Role.PUBLISHER, ORG_B)
SUP_A = Principal(3, "sup_a", Role.SUPPLIER, FIRM_A)
SUP_B = Principal(4, "sup_b", Role.SUPPLIER, FIRM_B)
COMMITTEE = Principal(5, "committee", Role.COMMITTEE, None)
ADMIN = Principal(6, "admin", Role.ADMIN, None)

PROPOSAL = Proposal(
    approach="大模型分诊 + 导诊机器人",
    cases="某三甲医院门诊",
    expected_days=90,
    cost_min="30万",
    cost_max="50万",
    contact="张工 13800000000",
)


@pytest.fixture
def store(api_home: Path) -> RecordStore:
    return get_store()


def _interest(store: RecordStore, world: World, who: Principal = SUP_A) -> loop.Interest:
    return loop.express_interest(store, world.scene_a, PROPOSAL, who=who)


def test_express_interest_records_the_proposal_and_its_history(
    store: RecordStore, world: World
) -> None:
    made = _interest(store, world)
    assert made.state is S.SUBMITTED and made.firm_org == FIRM_A
    assert (made.cost_min_cny, made.cost_max_cny) == (300_000, 500_000)
    history = loop.interest_history(store, made.id, who=SUP_A)
    assert [(e.kind, e.from_state, e.to_state, e.actor) for e in history] == [
        ("submitted", None, "submitted", "sup_a")
    ]
    assert loop.scene_status(store, world.scene_a) is SceneStatus.OPEN


def test_a_second_interest_from_the_same_firm_is_refused(store: RecordStore, world: World) -> None:
    _interest(store, world)
    with pytest.raises(Conflict, match="already answered"):
        _interest(store, world)
    assert len(loop.scene_interests(store, world.scene_a, who=PUB_A)) == 1


def test_only_a_firm_answers(store: RecordStore, world: World) -> None:
    for who in (PUB_B, COMMITTEE, ADMIN):
        with pytest.raises(Forbidden):
            loop.express_interest(store, world.scene_a, PROPOSAL, who=who)
    with pytest.raises(Unauthenticated):
        loop.express_interest(store, world.scene_a, PROPOSAL, who=None)
    with pytest.raises(NotFound):
        loop.express_interest(store, "no-such-scene", PROPOSAL, who=SUP_A)
    with pytest.raises(NotFound):  # a capability is not a scene
        loop.express_interest(store, world.cap_b, PROPOSAL, who=SUP_A)


def test_the_full_path_to_delivered_and_the_scene_follows(store: RecordStore, world: World) -> None:
    made = _interest(store, world)
    steps = [
        (S.SHORTLISTED, SceneStatus.OPEN),
        (S.CONTACTED, SceneStatus.IN_TALKS),
        (S.NEGOTIATING, SceneStatus.IN_TALKS),
        (S.CONTRACTED, SceneStatus.CONTRACTED),
        (S.DELIVERED, SceneStatus.DELIVERED),
    ]
    for state, scene_state in steps:
        assert loop.decide(store, made.id, state, who=PUB_A).state is state
        assert loop.scene_status(store, world.scene_a) is scene_state
    history = loop.interest_history(store, made.id, who=PUB_A)
    assert [e.to_state for e in history] == [
        "submitted",
        "shortlisted",
        "contacted",
        "negotiating",
        "contracted",
        "delivered",
    ]
    assert {e.actor for e in history[1:]} == {"pub_a"}


ALL_MOVES = [(a, b) for a in S for b in S]


@pytest.mark.parametrize(("start", "to"), ALL_MOVES)
def test_every_publisher_move_against_the_table(
    store: RecordStore, world: World, start: S, to: S
) -> None:
    """Drive an interest to ``start`` by allowed moves, then try ``to``."""
    path = {
        S.SUBMITTED: [],
        S.SHORTLISTED: [S.SHORTLISTED],
        S.CONTACTED: [S.CONTACTED],
        S.NEGOTIATING: [S.CONTACTED, S.NEGOTIATING],
        S.CONTRACTED: [S.CONTACTED, S.NEGOTIATING, S.CONTRACTED],
        S.DELIVERED: [S.CONTACTED, S.NEGOTIATING, S.CONTRACTED, S.DELIVERED],
        S.DECLINED: [S.DECLINED],
        S.CLOSED: [S.SHORTLISTED, S.CLOSED],
        S.WITHDRAWN: None,
    }[start]
    made = _interest(store, world)
    if path is None:
        loop.withdraw_interest(store, made.id, who=SUP_A)
    else:
        for step in path:
            loop.decide(store, made.id, step, who=PUB_A, note="理由")
    expected = {
        S.SUBMITTED: {S.SHORTLISTED, S.CONTACTED, S.DECLINED},
        S.SHORTLISTED: {S.CONTACTED, S.DECLINED, S.CLOSED},
        S.CONTACTED: {S.NEGOTIATING, S.CLOSED},
        S.NEGOTIATING: {S.CONTRACTED, S.CLOSED},
        S.CONTRACTED: {S.DELIVERED},
    }.get(start, set())
    before = loop.interest_history(store, made.id, who=SUP_A)
    if to in expected:
        assert loop.decide(store, made.id, to, who=PUB_A, note="理由").state is to
    else:
        with pytest.raises(Conflict, match="cannot go from"):
            loop.decide(store, made.id, to, who=PUB_A, note="理由")
        assert loop.interest_history(store, made.id, who=SUP_A) == before


def test_a_decline_carries_a_reason_the_firm_sees(store: RecordStore, world: World) -> None:
    made = _interest(store, world)
    with pytest.raises(InvalidInput, match="reason"):
        loop.decide(store, made.id, S.DECLINED, who=PUB_A)
    loop.decide(store, made.id, S.DECLINED, who=PUB_A, note="预算不匹配")
    mine = loop.my_interests(store, who=SUP_A)
    assert [(i.state, i.decline_reason) for i in mine] == [(S.DECLINED, "预算不匹配")]


def test_another_publisher_cannot_change_outcomes(store: RecordStore, world: World) -> None:
    made = _interest(store, world)
    for who in (PUB_B, SUP_A, SUP_B, COMMITTEE, ADMIN):
        with pytest.raises(Forbidden):
            loop.decide(store, made.id, S.SHORTLISTED, who=who)
        with pytest.raises(Forbidden):
            loop.close_scene(store, world.scene_a, who=who)
    assert loop.get_interest(store, made.id, who=SUP_A).state is S.SUBMITTED
    assert loop.scene_status(store, world.scene_a) is SceneStatus.OPEN


def test_a_firm_cannot_read_another_firms_proposal(store: RecordStore, world: World) -> None:
    made = _interest(store, world)
    for who in (SUP_B, PUB_B, COMMITTEE, ADMIN):
        with pytest.raises(Forbidden):
            loop.get_interest(store, made.id, who=who)
        with pytest.raises(Forbidden):
            loop.interest_history(store, made.id, who=who)
    for who in (PUB_B, COMMITTEE, ADMIN):
        with pytest.raises(Forbidden):
            loop.scene_interests(store, world.scene_a, who=who)
    with pytest.raises(Forbidden):  # nor edit or withdraw it
        loop.edit_interest(store, made.id, PROPOSAL, who=SUP_B)
    with pytest.raises(Forbidden):
        loop.withdraw_interest(store, made.id, who=SUP_B)
    assert loop.get_interest(store, made.id, who=PUB_A).approach == PROPOSAL.approach
    assert loop.my_interests(store, who=SUP_B) == []


def test_answering_a_closed_or_contracted_scene_is_refused(
    store: RecordStore, world: World
) -> None:
    made = _interest(store, world, SUP_A)
    for step in (S.CONTACTED, S.NEGOTIATING, S.CONTRACTED):
        loop.decide(store, made.id, step, who=PUB_A)
    with pytest.raises(Conflict, match="contracted"):
        loop.express_interest(store, world.scene_a, PROPOSAL, who=SUP_B)
    other = loop.express_interest(store, world.scene_b, PROPOSAL, who=SUP_A)
    assert loop.close_scene(store, world.scene_b, who=PUB_B, note="需求取消") is SceneStatus.CLOSED
    assert loop.get_interest(store, other.id, who=SUP_A).state is S.CLOSED
    with pytest.raises(Conflict, match="closed"):
        loop.express_interest(store, world.scene_b, PROPOSAL, who=SUP_B)
    with pytest.raises(Conflict):
        loop.close_scene(store, world.scene_b, who=PUB_B)


def _scene_with_deadline(store: RecordStore, deadline: date) -> str:
    body = RecordCreate(title="截止场景", description="截止测试", deadline=deadline)
    return create_record(store, kind=RecordKind.SCENE, body=body, who=PUB_A).id


def test_answering_and_editing_end_at_the_deadline(store: RecordStore, world: World) -> None:
    scene = _scene_with_deadline(store, date(2026, 12, 31))
    made = loop.express_interest(store, scene, PROPOSAL, who=SUP_A, today=date(2026, 12, 31))
    assert made.editable is not None
    changed = PROPOSAL.model_copy(update={"approach": "改进的方案"})
    loop.edit_interest(store, made.id, changed, who=SUP_A, today=date(2026, 12, 31))
    with pytest.raises(Conflict, match="deadline"):
        loop.edit_interest(store, made.id, PROPOSAL, who=SUP_A, today=date(2027, 1, 1))
    with pytest.raises(Conflict, match="closed for answers"):
        loop.express_interest(store, scene, PROPOSAL, who=SUP_B, today=date(2027, 1, 1))
    history = loop.interest_history(store, made.id, who=SUP_A)
    assert [e.kind for e in history] == ["submitted", "edited"]
    assert history[1].previous is not None
    assert history[1].previous["approach"] == PROPOSAL.approach  # the old text is kept
    assert loop.get_interest(store, made.id, who=SUP_A).approach == "改进的方案"


def test_withdrawal_is_kept_and_a_withdrawn_interest_may_be_resubmitted(
    store: RecordStore, world: World
) -> None:
    made = _interest(store, world)
    assert loop.withdraw_interest(store, made.id, who=SUP_A, note="资源冲突").state is S.WITHDRAWN
    with pytest.raises(Conflict, match="cannot go from withdrawn"):
        loop.withdraw_interest(store, made.id, who=SUP_A)
    with pytest.raises(Conflict):
        loop.edit_interest(store, made.id, PROPOSAL, who=SUP_A)
    with pytest.raises(Conflict):  # the publisher cannot shortlist a withdrawn interest
        loop.decide(store, made.id, S.SHORTLISTED, who=PUB_A)
    again = _interest(store, world)
    assert again.id == made.id and again.state is S.SUBMITTED
    kinds = [e.kind for e in loop.interest_history(store, made.id, who=SUP_A)]
    assert kinds == ["submitted", "transition", "resubmitted"]
    assert [i.state for i in loop.scene_interests(store, world.scene_a, who=PUB_A)] == [S.SUBMITTED]


def test_a_contracted_interest_cannot_be_withdrawn(store: RecordStore, world: World) -> None:
    made = _interest(store, world)
    for step in (S.CONTACTED, S.NEGOTIATING, S.CONTRACTED):
        loop.decide(store, made.id, step, who=PUB_A)
    with pytest.raises(Conflict):
        loop.withdraw_interest(store, made.id, who=SUP_A)


def test_a_bad_proposal_is_refused_with_the_field() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="cost_min is above cost_max"):
        Proposal(approach="x", contact="y", cost_min="50万", cost_max="30万")
    with pytest.raises(ValidationError, match="not an amount"):
        Proposal(approach="x", contact="y", cost_min="很多")
    with pytest.raises(ValidationError):
        Proposal(approach="", contact="y")


def test_a_contracted_scene_leaves_the_open_lists_but_stays_searchable(
    store: RecordStore, world: World
) -> None:
    from api.deps import get_reader
    from api.services.filters import RecordFilter

    made = _interest(store, world)
    reader = get_reader()
    opened = RecordFilter(open_only=True)

    def listed(filters: RecordFilter | None, q: str | None = None) -> set[str]:
        page = list_records(store, reader, kind=RecordKind.SCENE, filters=filters, q=q, limit=100)
        return {r.id for r in page.data}

    assert world.scene_a in listed(opened, "门诊智能导诊")
    for step in (S.CONTACTED, S.NEGOTIATING, S.CONTRACTED):
        loop.decide(store, made.id, step, who=PUB_A, at=datetime.now(UTC))
    assert world.scene_a not in listed(opened, "门诊智能导诊")
    assert world.scene_a not in listed(opened)
    assert world.scene_a in listed(None, "门诊智能导诊")  # still searchable
    from api.services.matching import match_record

    for_cap = match_record(reader.matcher, world.cap_a, filters=opened, top_k=50)
    assert world.scene_a not in {m.id for m in for_cap}
    assert world.scene_a in {m.id for m in match_record(reader.matcher, world.cap_a, top_k=50)}


@pytest.mark.postgres
def test_the_loop_on_postgres(pg_url: str) -> None:
    """The same moves and the funnel on PostgreSQL (unique firm per scene included)."""
    from api.services import accounts, loop_figures
    from api.services.loop_figures import GroupBy

    pg = RecordStore.from_url(pg_url)
    try:
        publisher = accounts.add_user(
            pg, username="pub_pg", password="correct-horse-1", role=Role.PUBLISHER, org=ORG_A
        ).principal()
        body = RecordCreate(title="PG场景", description="测试", batch="PG批")
        scene = create_record(pg, kind=RecordKind.SCENE, body=body, who=publisher).id
        made = loop.express_interest(pg, scene, PROPOSAL, who=SUP_A)
        with pytest.raises(Conflict):
            loop.express_interest(pg, scene, PROPOSAL, who=SUP_A)
        for step in (S.SHORTLISTED, S.CONTACTED, S.NEGOTIATING, S.CONTRACTED):
            loop.decide(pg, made.id, step, who=PUB_A)
        assert loop.scene_status(pg, scene) is SceneStatus.CONTRACTED
        (row, _total) = loop_figures.funnel(pg, GroupBy.BATCH, who=ADMIN)
        assert (row.group, row.answered, row.contracted) == ("PG批", 1, 1)
    finally:
        pg.engine.dispose()
