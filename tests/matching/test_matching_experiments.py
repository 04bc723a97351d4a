"""The pieces tried for the vocabulary gap, the missed@10 count and the two-set sweep rule."""

from __future__ import annotations

import numpy as np
import pytest

from matching.evaluation.experiments import best_pair, rescore, split_sentences, term_coverage
from matching.evaluation.gold import GoldSet, LegRuns
from matching.evaluation.metrics import MISSED, evaluate, missed_at
from matching.evaluation.sweep import TOLERANCE, sweep


def unit(*rows: list[float]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_sentences_split_on_chinese_and_western_stops() -> None:
    text = "电梯电动车识别阻车。轿厢内摄像头；识别准确率98%！短。Works on 4G?"
    assert split_sentences(text) == [
        "电梯电动车识别阻车",
        "轿厢内摄像头",
        "识别准确率98%",
        "Works on 4G",
    ]
    assert split_sentences("短") == ["短"]  # never empty


def test_best_pair_is_the_best_sentence_pair_not_the_mean() -> None:
    query = unit([1, 0, 0], [0, 1, 0])
    passage = unit([0, 0, 1], [0, 0, 1], [0, 1, 0])  # one sentence answers, two do not
    assert best_pair(query, passage) == pytest.approx(1.0)
    mean = float((passage @ query.T).mean())
    assert mean < 0.2  # the whole-text mean would hide it
    assert best_pair(query, np.zeros((0, 3), dtype=np.float32)) == 0.0


def test_rescore_reorders_only_the_head() -> None:
    fused = [(1, 0.9), (2, 0.8), (3, 0.1)]
    out = rescore(fused, {1: 0.0, 2: 1.0}, weight=0.5, depth=2)
    assert [row for row, _ in out] == [2, 1, 3]
    assert out[-1] == (3, 0.1)
    assert [row for row, _ in rescore(fused, {1: 0.0, 2: 1.0}, weight=0.0, depth=2)] == [1, 2, 3]


def test_term_coverage() -> None:
    assert term_coverage(["漏检", "夜班", "CT"], {"CT": 0, "漏检": 1}) == pytest.approx(2 / 3)
    assert term_coverage([], {"CT": 0}) == 0.0


def test_missed_at_counts_only_recoverable_misses() -> None:
    judged = {"q1": {"a": 2}, "q2": {"b": 1}, "q3": {"c": 1}}
    rankings = {
        "q1": ["x"] * 10 + ["a"],  # relevant at 11: missed
        "q2": ["b"],  # found
        "q3": ["x"] * 60 + ["c"],  # beyond 50: not recoverable by re-ranking the top 50
    }
    assert [missed_at(rankings[q], judged[q]) for q in judged] == [True, False, False]
    assert evaluate(rankings, judged)[MISSED] == 1.0


def _runs(per_query: dict[str, dict[str, list[int]]], n: int) -> LegRuns:
    legs = {
        q: {
            leg: [(row, 1.0 - i / 100) for i, row in enumerate(rows)]
            for leg, rows in ranked.items()
        }
        for q, ranked in per_query.items()
    }
    return LegRuns([f"d{i}" for i in range(n)], legs, {q: {} for q in per_query})


def test_sweep_chooses_on_dev_halves_only() -> None:
    # the legs each find one of two relevant docs at rank 1; fusion can find both
    runs = _runs(
        {"s1": {"bm25": [0, 2, 3], "dense": [1, 2, 3]}, "s2": {"bm25": [4], "dense": [5]}}, 6
    )
    chosen = []
    for test_labels in ({"d4": 2}, {"d5": 2}):  # flip which leg is right on the test half
        gold = GoldSet(
            [], [], {"s1": {"d0": 2, "d1": 2}, "s2": test_labels}, {"s1": "dev", "s2": "test"}
        )
        rows, pick = sweep({"A": (runs, gold)})
        assert pick.eligible
        best = max(row.dev["A"] for row in rows if row.eligible)
        assert pick.dev["A"] >= best - TOLERANCE
        chosen.append(pick.config)
    assert chosen[0] == chosen[1]  # the test labels changed, the choice did not


def test_sweep_needs_every_set_and_prefers_fewest_knobs_among_ties() -> None:
    same = _runs({"s1": {"bm25": [0, 1, 2], "dense": [0, 1, 2]}}, 3)
    gold = GoldSet([], [], {"s1": {"d0": 2}}, {"s1": "dev"})
    rows, pick = sweep({"A": (same, gold), "B": (same, gold)})
    assert len({round(row.objective, 9) for row in rows}) == 1  # identical legs: all tie
    assert not pick.eligible  # nothing beats the legs; the rule then falls back to all
    assert pick.knobs == (0, 0, 0) and pick.config.weights == {"bm25": 0.5, "dense": 0.5}
    assert set(pick.dev) == {"A", "B"}
