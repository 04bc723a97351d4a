"""Recording ranking runs: inputs by id and hash, output byte for byte, in one transaction."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from contrib.ranking.config import load_config
from contrib.ranking.inputs import load_inputs
from contrib.ranking.rank import RankingRun, rank_category
from core.models.contrib import ContribRankingRunRow


def run_ranking(
    engine: Engine,
    category: str,
    as_of: date | None = None,
    config_path: Path | None = None,
    *,
    record: bool = True,
) -> RankingRun:
    config, config_hash = load_config(config_path)
    inputs = load_inputs(engine, as_of)
    run = rank_category(inputs, category, config, config_hash)
    if record:
        output = run.to_json()
        with Session(engine) as session, session.begin():
            session.add(
                ContribRankingRunRow(
                    category=run.category,
                    as_of=run.as_of,
                    snapshot_ids=run.snapshot_ids,
                    config_hash=run.config_hash,
                    config_version=run.config_version,
                    code_version=run.code_version,
                    output=output,
                    output_hash=hashlib.sha256(output.encode("utf-8")).hexdigest(),
                    created_at=datetime.now(UTC),
                )
            )
    return run
