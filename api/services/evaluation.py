"""``scenehub eval``: score the rankers (BM25, each embedder, fused) on gold sets, and sweep the
fusion settings. Each gold set is evaluated on its own corpus (a scratch store unless the
configured one is asked for)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from api.services.errors import InvalidInput
from api.services.index import load_embedder
from core.settings import get_settings
from core.store import RecordStore
from matching.engine import Matcher
from matching.evaluation.gold import GoldSet, LegRuns, run_gold, score_rankers, table
from matching.evaluation.sweep import TOLERANCE, SweepRow, sweep

__all__ = ["TOLERANCE", "GoldReport", "evaluate_gold", "sweep_fusion"]


@dataclass
class GoldReport:
    """One gold set's figures: per part (dev, test, all), its scene count and score table."""

    name: str
    capabilities: int
    fusion: str
    parts: list[tuple[str, int, str]] = field(default_factory=list)


def evaluate_gold(
    folders: list[Path],
    specs: list[str],
    parts: tuple[str, ...],
    *,
    store: RecordStore | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[GoldReport], dict[str, tuple[LegRuns, GoldSet]]]:
    """Score every gold set in ``folders`` with every embedder in ``specs``; with ``store``
    the sets are ingested there (and the configured home's index used) instead of a scratch
    store. Also returns the first embedder's runs per set, for :func:`sweep_fusion`."""
    if not folders or not all(f.exists() for f in folders):
        raise InvalidInput(
            f"no gold set at {', '.join(map(str, folders)) or '(none given)'}; give --gold"
        )
    reports: list[GoldReport] = []
    swept: dict[str, tuple[LegRuns, GoldSet]] = {}
    for folder in folders:
        name, data = str(folder), GoldSet.load(folder)
        with tempfile.TemporaryDirectory(prefix="scenehub-eval-") as scratch:
            home = Path(scratch) if store is None else get_settings().home
            used = store or RecordStore.from_url(f"sqlite:///{Path(scratch) / 'gold.db'}")
            data.ingest(used)
            runs = {}
            for spec in specs:
                matcher = Matcher(used, home, load_embedder(spec), progress=progress)
                runs[spec] = run_gold(matcher, data)
                fusion = matcher.fusion
            if store is None:
                used.engine.dispose()
        report = GoldReport(name, len(data.capabilities), fusion.describe())
        for part in parts:
            qrels = data.part(part)
            report.parts.append((part, len(qrels), table(score_rankers(runs, qrels, fusion))))
        reports.append(report)
        swept[name] = (runs[specs[0]], data)
    return reports, swept


def sweep_fusion(sets: dict[str, tuple[LegRuns, GoldSet]]) -> tuple[list[SweepRow], SweepRow]:
    """Every fusion setting scored on every set's halves (by objective); the chosen one."""
    return sweep(sets)
