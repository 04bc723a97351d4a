"""The gold set is well-formed, and on it the fused ranker beats each leg alone."""

import json
from pathlib import Path

import pytest

from core.normalize.domains import normalize_domains
from core.store import RecordStore
from matching.embedders import Embedder
from matching.engine import Matcher
from matching.evaluation.gold import GoldSet, run_gold
from matching.evaluation.metrics import evaluate
from matching.fusion import DEFAULT_FUSION

POLICY_DOMAINS = {
    "制造",
    "医疗",
    "消费",
    "金融",
    "交通",
    "教育",
    "文创",
    "科学",
    "治理",
    "低空经济",
    "具身智能/机器人",
    "智能终端",
    "大模型",
}


def test_gold_set_shape(gold_dir: Path) -> None:
    gold = GoldSet.load(gold_dir)
    assert len(gold.scenes) >= 40 and len(gold.capabilities) >= 150
    covered = {d for r in gold.scenes for d in r.domains}
    assert covered >= POLICY_DOMAINS
    assert all(any(g == 2 for g in judged.values()) for judged in gold.qrels.values())
    grades = {g for judged in gold.qrels.values() for g in judged.values()}
    assert grades == {0, 1, 2}
    orgs = [r.org for r in gold.capabilities]
    assert max(orgs.count(o) for o in set(orgs)) >= 4  # several rows of one firm


def test_gold_records_carry_external_ids(gold_dir: Path) -> None:
    first = json.loads((gold_dir / "scenes.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["id"].startswith("G-S") and normalize_domains(first["domain"])


@pytest.mark.slow
def test_fused_beats_every_single_leg(gold_dir: Path, e5: Embedder, tmp_path: Path) -> None:
    gold = GoldSet.load(gold_dir)
    store = RecordStore.from_url(f"sqlite:///{tmp_path / 'gold.db'}")
    gold.ingest(store)
    runs = run_gold(Matcher(store, tmp_path, e5), gold)
    bm25 = evaluate(runs.ranking("bm25"), gold.qrels)["nDCG@10"]
    dense = evaluate(runs.ranking("dense"), gold.qrels)["nDCG@10"]
    fused = evaluate(runs.fused(DEFAULT_FUSION, ("bm25", "dense")), gold.qrels)["nDCG@10"]
    assert fused > bm25 and fused > dense, (bm25, dense, fused)
    assert bm25 > 0.8 and dense > 0.8  # both legs work on Chinese
