"""Award runs: computed from recorded inputs, stored byte for byte, and replayable.

A run records the snapshot ids it read, the approved config *text*, the window and the
library versions; :func:`replay_run` recomputes it from exactly those (verifying each
snapshot's content hash) and compares the output bytes.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from contrib.errors import RankingError
from contrib.ranking.awards import AwardRun, allocate
from contrib.ranking.components import REGISTRY
from contrib.ranking.config import AwardConfig, config_hash, load_config_text, parse_config
from contrib.ranking.context import Shared
from contrib.ranking.inputs import RankingInputs, load_inputs, load_inputs_by_ids
from contrib.ranking.rank import RankingRun, code_version, rank_category
from core.models.contrib import ContribRankingRunRow

LIBRARIES = ("numpy", "scipy", "networkx", "sqlalchemy", "pydantic", "pyyaml", "huggingface-hub")
AWARD_RUN = "awards"


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def compute_awards(inputs: RankingInputs, config: AwardConfig, text: str) -> AwardRun:
    shared = Shared()
    digest = config_hash(text)
    runs = [rank_category(inputs, name, config, digest, shared) for name in config.categories]
    return allocate(runs, config)


def award_json(award: AwardRun) -> str:
    return json.dumps(award.as_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


@dataclass
class RecordedRun:
    id: int | None
    award: AwardRun


def run_awards(
    engine: Engine,
    as_of: date | None = None,
    config_path: Path | None = None,
    *,
    record: bool = True,
) -> RecordedRun:
    config, text = load_config_text(config_path, REGISTRY)
    inputs = load_inputs(engine, as_of, config.window.months)
    award = compute_awards(inputs, config, text)
    run_id = _record(engine, award, inputs, config, text) if record else None
    return RecordedRun(run_id, award)


def _record(
    engine: Engine, award: AwardRun, inputs: RankingInputs, config: AwardConfig, text: str
) -> int:
    output = award_json(award)
    first = award.categories[0]
    with Session(engine) as session, session.begin():
        row = ContribRankingRunRow(
            category=AWARD_RUN,
            as_of=first.as_of,
            snapshot_ids=inputs.snapshot_ids,
            config_hash=config_hash(text),
            config_version=config.version,
            code_version=first.code_version,
            output=output,
            output_hash=hashlib.sha256(output.encode("utf-8")).hexdigest(),
            created_at=datetime.now(UTC),
            config_text=text,
            library_versions=library_versions(),
            window_months=config.window.months,
        )
        session.add(row)
        session.flush()
        return row.id


def run_ranking(
    engine: Engine,
    category: str,
    as_of: date | None = None,
    config_path: Path | None = None,
    *,
    record: bool = True,
) -> RankingRun:
    """One category's table, with tiers decided across all categories (the cap is global)."""
    config, _ = load_config_text(config_path, REGISTRY)
    if category not in config.categories:
        raise RankingError(
            f"unknown category {category!r}; known: {', '.join(sorted(config.categories))}"
        )
    return run_awards(engine, as_of, config_path, record=record).award.category(category)


@dataclass
class ReplayReport:
    run_id: int
    identical: bool
    recorded_hash: str
    replayed_hash: str
    library_changes: dict[str, tuple[str, str]]
    output: str

    def summary(self) -> str:
        verdict = "byte-identical" if self.identical else "DIFFERENT"
        changes = ", ".join(f"{k} {a}→{b}" for k, (a, b) in sorted(self.library_changes.items()))
        return (
            f"run {self.run_id}: replay {verdict} (sha256 {self.replayed_hash[:12]}, recorded "
            f"{self.recorded_hash[:12]})" + (f"; changed since: {changes}" if changes else "")
        )


def stored_run(engine: Engine, run_id: int | None = None) -> ContribRankingRunRow:
    """A recorded award run (default: the latest)."""
    with Session(engine) as session:
        query = select(ContribRankingRunRow).where(ContribRankingRunRow.category == AWARD_RUN)
        if run_id is not None:
            query = query.where(ContribRankingRunRow.id == run_id)
        row = session.scalars(query.order_by(ContribRankingRunRow.id.desc())).first()
        if row is None:
            what = f"award run {run_id}" if run_id is not None else "recorded award run"
            raise RankingError(f"no {what}: run `scenehub contrib rank` first")
        session.expunge(row)
        return row


def replay_run(engine: Engine, run_id: int) -> ReplayReport:
    """Recompute a recorded run from its snapshot ids and config text; compare bytes."""
    row = stored_run(engine, run_id)
    if row.config_text is None or row.window_months is None:
        raise RankingError(f"run {run_id} predates replayable runs (no config text recorded)")
    config = parse_config(row.config_text, f"run {run_id} config", REGISTRY)
    inputs = load_inputs_by_ids(engine, list(row.snapshot_ids), row.window_months)
    output = award_json(compute_awards(inputs, config, row.config_text))
    now = library_versions()
    recorded = dict(row.library_versions or {})
    changes = {k: (recorded.get(k, "?"), v) for k, v in now.items() if recorded.get(k) != v}
    if row.code_version != code_version():
        changes["scenehub code"] = (row.code_version, code_version())
    digest = hashlib.sha256(output.encode("utf-8")).hexdigest()
    return ReplayReport(run_id, digest == row.output_hash, row.output_hash, digest, changes, output)
