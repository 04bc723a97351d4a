"""Gold sets on disk and the evaluation run: each leg alone, then fused.

A gold folder holds ``scenes.jsonl`` and ``capabilities.jsonl`` (ingestable records with
ids), ``qrels.tsv`` (``scene_id``, ``capability_id``, ``grade`` 0-3) and optionally
``split.tsv`` (``scene_id``, ``dev`` | ``test``); without it, dev = odd-numbered scenes in id
order, test = even. Legs are run once per scene at full depth, so any number of fusion
settings can be scored from them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.ingest.importer import load_file
from core.records import Record, RecordKind
from core.store import RecordStore
from matching.engine import Matcher
from matching.errors import MatchingError
from matching.evaluation.metrics import METRICS, MISSED, evaluate
from matching.fusion import FusionConfig, fuse
from matching.search import Query, facet_bonus, run_legs

Rankings = dict[str, list[str]]


@dataclass
class GoldSet:
    scenes: list[Record]
    capabilities: list[Record]
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)
    #: scene id -> "dev" | "test"; empty means the odd/even rule of :func:`subset`
    split: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> GoldSet:
        for name in ("scenes.jsonl", "capabilities.jsonl", "qrels.tsv"):
            if not (folder / name).is_file():
                raise MatchingError(f"gold set {folder}: {name} is missing")
        scenes = load_file(folder / "scenes.jsonl", kind=RecordKind.SCENE).records
        capabilities = load_file(folder / "capabilities.jsonl", kind=RecordKind.CAPABILITY).records
        ids = {r.id for r in scenes} | {r.id for r in capabilities}
        qrels: dict[str, dict[str, int]] = {}
        with (folder / "qrels.tsv").open(encoding="utf-8") as handle:
            for line, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
                if not row or row[0] == "scene_id":
                    continue
                if len(row) != 3 or row[2] not in {"0", "1", "2", "3"}:
                    raise MatchingError(
                        f"qrels.tsv:{line}: expected scene_id, capability_id, grade 0-3"
                    )
                if row[0] not in ids or row[1] not in ids:
                    raise MatchingError(f"qrels.tsv:{line}: unknown id in {row[:2]}")
                qrels.setdefault(row[0], {})[row[1]] = int(row[2])
        return cls(scenes, capabilities, qrels, _load_split(folder / "split.tsv", qrels))

    def part(self, name: str) -> dict[str, dict[str, int]]:
        """The judgements of one half (``dev`` / ``test``) or of ``all`` scenes."""
        return subset(self.qrels, name, self.split)

    def ingest(self, store: RecordStore) -> None:
        store.upsert_many([*self.scenes, *self.capabilities])


@dataclass
class LegRuns:
    """Per scene: each leg's ranked rows, and the facet bonus of every candidate."""

    ids: list[str]
    legs: dict[str, dict[str, list[tuple[int, float]]]]
    bonus: dict[str, dict[int, float]]

    def ranking(self, leg: str) -> Rankings:
        return {q: [self.ids[row] for row, _ in runs[leg]] for q, runs in self.legs.items()}

    def fused(self, config: FusionConfig, legs: Sequence[str]) -> Rankings:
        return {
            q: [
                self.ids[row]
                for row, _ in fuse({leg: runs[leg] for leg in legs}, config, self.bonus[q])
            ]
            for q, runs in self.legs.items()
        }


def run_gold(matcher: Matcher, gold: GoldSet, *, depth: int = 100) -> LegRuns:
    corpus = matcher.corpus(RecordKind.CAPABILITY)
    legs: dict[str, dict[str, list[tuple[int, float]]]] = {}
    bonus: dict[str, dict[int, float]] = {}
    scenes = {record.id: record for record in gold.scenes}
    for scene_id in gold.qrels:
        query = Query.from_record(scenes[scene_id])
        results = run_legs(corpus, query, None, depth=depth)
        legs[scene_id] = {leg: result.ranked for leg, result in results.items()}
        pool = sorted({row for result in results.values() for row, _ in result.ranked})
        bonus[scene_id] = facet_bonus(corpus, query, pool)
    return LegRuns(list(corpus.ids), legs, bonus)


def table(rows: Mapping[str, Mapping[str, float]]) -> str:
    """A fixed-width text table: one row per ranker, one column per metric."""
    width = max(len(name) for name in rows) + 2
    lines = [f"{'ranker':<{width}}" + "".join(f"{m:>11}" for m in (*METRICS, MISSED))]
    for name, values in rows.items():
        lines.append(
            f"{name:<{width}}"
            + "".join(f"{values[m]:>11.4f}" for m in METRICS)
            + f"{int(values.get(MISSED, 0)):>11d}"
        )
    return "\n".join(lines)


def _load_split(path: Path, qrels: Mapping[str, dict[str, int]]) -> dict[str, str]:
    if not path.is_file():
        return {}
    split: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for line, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if not row or row[0] == "scene_id":
                continue
            if len(row) != 2 or row[1] not in {"dev", "test"}:
                raise MatchingError(f"split.tsv:{line}: expected scene_id, dev|test")
            split[row[0]] = row[1]
    missing = sorted(set(qrels) - set(split))
    if missing:
        raise MatchingError(f"split.tsv: judged scenes without a half: {', '.join(missing[:5])}")
    return split


def subset(
    qrels: Mapping[str, dict[str, int]], part: str, split: Mapping[str, str] | None = None
) -> dict[str, dict[str, int]]:
    """One half of the judged scenes, from ``split`` when given, else ``dev`` = odd-numbered
    scenes and ``test`` = even (a stable split); ``all`` = every scene."""
    if part == "all":
        return dict(qrels)
    if split:
        return {q: judged for q, judged in qrels.items() if split.get(q) == part}
    ordered = sorted(qrels)
    keep = ordered[0::2] if part == "dev" else ordered[1::2]
    return {q: qrels[q] for q in keep}


def score_rankers(
    runs_by_embedder: Mapping[str, LegRuns],
    qrels: Mapping[str, dict[str, int]],
    fusion: FusionConfig,
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, float]]:
    """BM25 alone, each embedder alone, and fused (BM25 + each embedder)."""
    rows: dict[str, dict[str, float]] = {}
    first = next(iter(runs_by_embedder.values()))
    rows["bm25"] = evaluate(first.ranking("bm25"), qrels)
    for name, runs in runs_by_embedder.items():
        rows[f"dense[{name}]"] = evaluate(runs.ranking("dense"), qrels)
    for name, runs in runs_by_embedder.items():
        rows[f"fused[bm25+{name}]"] = evaluate(runs.fused(fusion, ("bm25", "dense")), qrels)
    return rows
