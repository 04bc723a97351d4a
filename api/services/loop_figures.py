"""What came of the city's lists: the funnel, supply against demand, unanswered needs.

Figures only — counts, medians, organisation names; never a proposal's text. The scores
come from the loaded index (requests never rebuild it); the work is bounded by
``max_scenes`` open needs per call (:data:`REQUEST_SCENES` by default), and what is left
out is counted in the answer.

A scene's steps: *published* (its ``published_at``, else the day it was first seen),
*answered* (its first interest), *shortlisted*, *contracted*, *delivered* (the first time
any of its interests entered that step or a later one). Medians are in whole days
between consecutive steps, over the scenes that reached both.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from statistics import median
from typing import Any

from sqlalchemy import or_, select

from api.services.errors import InvalidInput
from api.services.loop import ANSWERABLE, InterestState, SceneStatus
from api.services.loop_board import firm_matches
from api.services.policy import Action, Principal, authorize
from core.models import RecordRow
from core.models.accounts import RecordStatusRow
from core.models.loop import InterestEventRow, InterestRow, SceneStateRow
from core.store import RecordStore
from matching.engine import Matcher

S = InterestState
STEPS = ("published", "answered", "shortlisted", "contracted", "delivered")
_REACHES = {
    "shortlisted": {S.SHORTLISTED, S.CONTACTED, S.NEGOTIATING, S.CONTRACTED, S.DELIVERED},
    "contracted": {S.CONTRACTED, S.DELIVERED},
    "delivered": {S.DELIVERED},
}
NO_LABEL = "（未注明）"
#: open needs scored per call by default: each is one match against the loaded index
#: (about 0.13 s on the 2-core dev machine), so a request stays within seconds; the CLI
#: scores up to 5000 with --max-scenes
REQUEST_SCENES = 100
ALL = "全部"


class GroupBy(StrEnum):
    BATCH = "batch"
    DOMAIN = "domain"
    DISTRICT = "district"


@dataclass
class SceneSteps:
    id: str
    title: str
    batch: str | None
    domains: list[str]
    district: str | None
    deadline: date | None
    status: SceneStatus
    dates: dict[str, date] = field(default_factory=dict)
    firms: set[str] = field(default_factory=set)  # firms with a live (not withdrawn) interest

    def labels(self, by: GroupBy) -> list[str]:
        if by is GroupBy.DOMAIN:
            return self.domains or [NO_LABEL]
        value = self.batch if by is GroupBy.BATCH else self.district
        return [value or NO_LABEL]


@dataclass
class FunnelRow:
    group: str
    published: int
    answered: int
    shortlisted: int
    contracted: int
    delivered: int
    #: median days published→answered, answered→shortlisted, shortlisted→contracted,
    #: contracted→delivered (None where no scene reached both steps)
    days_to_answer: float | None
    days_to_shortlist: float | None
    days_to_contract: float | None
    days_to_deliver: float | None


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def scene_steps(store: RecordStore) -> list[SceneSteps]:
    """Every published scene with the day it reached each step."""
    with store.session() as session:
        rows = session.execute(
            select(
                RecordRow.id,
                RecordRow.title,
                RecordRow.batch,
                RecordRow.domains,
                RecordRow.district,
                RecordRow.deadline,
                RecordRow.published_at,
                RecordRow.first_seen,
                SceneStateRow.status,
            )
            .outerjoin(RecordStatusRow, RecordStatusRow.record_id == RecordRow.id)
            .outerjoin(SceneStateRow, SceneStateRow.scene_id == RecordRow.id)
            .where(
                RecordRow.kind == "scene",
                or_(RecordStatusRow.status.is_(None), RecordStatusRow.status == "published"),
            )
            .order_by(RecordRow.id)
        ).all()
        scenes = {
            r.id: SceneSteps(
                r.id,
                r.title,
                r.batch,
                list(r.domains or []),
                r.district,
                r.deadline,
                SceneStatus(r.status) if r.status else SceneStatus.OPEN,
                {"published": r.published_at or _day(r.first_seen)},
            )
            for r in rows
        }
        for scene_id, firm, state, created in session.execute(
            select(
                InterestRow.scene_id,
                InterestRow.firm_org,
                InterestRow.state,
                InterestRow.created_at,
            )
        ):
            scene = scenes.get(scene_id)
            if scene is None:
                continue
            day = _day(created)
            if "answered" not in scene.dates or day < scene.dates["answered"]:
                scene.dates["answered"] = day
            if state != S.WITHDRAWN:
                scene.firms.add(firm)
        for scene_id, to_state, at in session.execute(
            select(InterestRow.scene_id, InterestEventRow.to_state, InterestEventRow.at)
            .join(InterestRow, InterestRow.id == InterestEventRow.interest_id)
            .where(InterestEventRow.kind == "transition")
        ):
            scene = scenes.get(scene_id)
            if scene is None:
                continue
            for step, states in _REACHES.items():
                if InterestState(to_state) in states:
                    day = _day(at)
                    if step not in scene.dates or day < scene.dates[step]:
                        scene.dates[step] = day
    return list(scenes.values())


def _median_days(scenes: list[SceneSteps], start: str, end: str) -> float | None:
    gaps = [
        (s.dates[end] - s.dates[start]).days for s in scenes if start in s.dates and end in s.dates
    ]
    return float(median(gaps)) if gaps else None


def _funnel_row(group: str, scenes: list[SceneSteps]) -> FunnelRow:
    counts = [sum(1 for s in scenes if step in s.dates) for step in STEPS]
    gaps = [_median_days(scenes, a, b) for a, b in itertools.pairwise(STEPS)]
    return FunnelRow(group, *counts, *gaps)


def funnel(
    store: RecordStore,
    by: GroupBy = GroupBy.DOMAIN,
    *,
    who: Principal | None = None,
    operator: bool = False,
) -> list[FunnelRow]:
    """One row per batch, domain or district (largest first), then the total."""
    if not operator:
        authorize(who, Action.LOOP_FIGURES)
    scenes = scene_steps(store)
    groups: dict[str, list[SceneSteps]] = defaultdict(list)
    for scene in scenes:
        for label in scene.labels(by):
            groups[label].append(scene)
    rows = [_funnel_row(label, members) for label, members in groups.items()]
    rows.sort(key=lambda r: (-r.published, r.group))
    return [*rows, _funnel_row(ALL, scenes)]


# -- supply against demand -----------------------------------------------------------------


@dataclass
class SupplyRow:
    group: str
    open_needs: int
    needs_with_supply: int  # at least one firm matches above the threshold
    needs_answered: int  # at least one live interest
    matching_firms: int  # distinct firms above the threshold for some need here
    answering_firms: int  # distinct firms with a live interest in some need here


@dataclass
class SilentFirm:
    firm_org: str
    strong_matches: int  # open needs it matches above the threshold
    best_scene: str
    best_score: float


@dataclass
class SupplyDemand:
    by: GroupBy
    threshold: float
    rows: list[SupplyRow]
    silent_firms: list[SilentFirm]
    scenes_considered: int
    scenes_left_out: int  # open needs beyond ``max_scenes``, not scored


def _open(scene: SceneSteps, today: date) -> bool:
    return scene.status in ANSWERABLE and (scene.deadline is None or scene.deadline >= today)


def _check(threshold: float, max_scenes: int) -> None:
    if not 0.0 <= threshold <= 1.0:
        raise InvalidInput("threshold lies in 0..1", field="threshold")
    if not 1 <= max_scenes <= 5000:
        raise InvalidInput("max_scenes lies in 1..5000", field="max_scenes")


def strong_firms(
    matcher: Matcher, scene_id: str, threshold: float, top_k: int = 20
) -> list[tuple[str, float]]:
    return [
        (m.firm_org, m.score)
        for m in firm_matches(matcher, scene_id, top_k)
        if m.score >= threshold
    ]


def supply_demand(
    matcher: Matcher,
    by: GroupBy = GroupBy.DOMAIN,
    *,
    threshold: float = 0.5,
    today: date | None = None,
    max_scenes: int = REQUEST_SCENES,
    who: Principal | None = None,
    operator: bool = False,
) -> SupplyDemand:
    if not operator:
        authorize(who, Action.LOOP_FIGURES)
    _check(threshold, max_scenes)
    today = today or date.today()
    every = scene_steps(matcher.store)
    needs = [s for s in every if _open(s, today)]
    needs.sort(key=lambda s: (s.deadline or date.max, s.id))
    scored, left_out = needs[:max_scenes], max(0, len(needs) - max_scenes)
    strong = {s.id: strong_firms(matcher, s.id, threshold) for s in scored}
    answering_anywhere = {f for s in every for f in s.firms}
    groups: dict[str, list[SceneSteps]] = defaultdict(list)
    for scene in scored:
        for label in scene.labels(by):
            groups[label].append(scene)
    rows = [
        SupplyRow(
            label,
            len(members),
            sum(1 for s in members if strong[s.id]),
            sum(1 for s in members if s.firms),
            len({f for s in members for f, _ in strong[s.id]}),
            len({f for s in members for f in s.firms}),
        )
        for label, members in groups.items()
    ]
    rows.sort(key=lambda r: (-(r.open_needs - r.needs_answered), r.group))
    silent: dict[str, SilentFirm] = {}
    for scene in scored:
        for firm, score in strong[scene.id]:
            if firm in answering_anywhere:
                continue
            entry = silent.setdefault(firm, SilentFirm(firm, 0, scene.id, score))
            entry.strong_matches += 1
            if score > entry.best_score:
                entry.best_scene, entry.best_score = scene.id, score
    silent_firms = sorted(silent.values(), key=lambda f: (-f.strong_matches, f.firm_org))
    return SupplyDemand(by, threshold, rows, silent_firms, len(scored), left_out)


# -- needs nobody answered -----------------------------------------------------------------


@dataclass
class UnansweredNeed:
    scene_id: str
    title: str
    published: date
    days_waiting: int
    deadline: date | None
    strong_firms: list[tuple[str, float]]


def unanswered(
    matcher: Matcher,
    *,
    days: int = 14,
    threshold: float = 0.5,
    today: date | None = None,
    max_scenes: int = REQUEST_SCENES,
    who: Principal | None = None,
    operator: bool = False,
) -> tuple[list[UnansweredNeed], int]:
    """Open needs published at least ``days`` ago with no interest at all (withdrawn ones
    count as interest), the longest-waiting first; and how many were left out."""
    if not operator:
        authorize(who, Action.LOOP_FIGURES)
    _check(threshold, max_scenes)
    if not 0 <= days <= 3650:
        raise InvalidInput("days lies in 0..3650", field="days")
    today = today or date.today()
    waiting = [
        s
        for s in scene_steps(matcher.store)
        if _open(s, today)
        and "answered" not in s.dates
        and (today - s.dates["published"]).days >= days
    ]
    waiting.sort(key=lambda s: (s.dates["published"], s.id))
    found = [
        UnansweredNeed(
            s.id,
            s.title,
            s.dates["published"],
            (today - s.dates["published"]).days,
            s.deadline,
            strong_firms(matcher, s.id, threshold)[:5],
        )
        for s in waiting[:max_scenes]
    ]
    return found, max(0, len(waiting) - max_scenes)


# -- export --------------------------------------------------------------------------------


def table(rows: list[Any]) -> tuple[list[str], list[list[Any]]]:
    """Dataclass rows as a header and plain rows."""
    if not rows:
        return [], []
    dicts = [asdict(r) for r in rows]
    header = list(dicts[0])
    return header, [[d[h] for h in header] for d in dicts]


def to_csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        # a cell a spreadsheet would run as a formula is written as text
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    return out.getvalue()


def to_xlsx(header: list[str], rows: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
