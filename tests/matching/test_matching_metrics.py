import math

import pytest

from matching.evaluation.metrics import evaluate, ndcg_at, recall_at, reciprocal_rank


def test_ndcg_hand_computed() -> None:
    qrels = {"a": 2, "b": 1, "c": 0}
    # ranking c, a, b: gains 0, 3, 1 -> 3/log2(3) + 1/log2(4); ideal 3 + 1/log2(3)
    expected = (3 / math.log2(3) + 1 / 2) / (3 + 1 / math.log2(3))
    assert ndcg_at(["c", "a", "b"], qrels, 10) == pytest.approx(expected)
    assert ndcg_at(["a", "b"], qrels, 10) == pytest.approx(1.0)
    assert ndcg_at(["x"], qrels, 10) == 0.0


def test_ndcg_cuts_at_k() -> None:
    assert ndcg_at(["x", "a"], {"a": 2}, 1) == 0.0


def test_recall_and_mrr_count_grade_one_as_relevant() -> None:
    qrels = {"a": 2, "b": 1, "z": 0}
    assert recall_at(["z", "b"], qrels, 2) == 0.5
    assert reciprocal_rank(["z", "q", "b"], qrels) == pytest.approx(1 / 3)
    assert reciprocal_rank(["z"], qrels) == 0.0


def test_evaluate_averages_over_judged_queries() -> None:
    result = evaluate({"q1": ["a"], "q2": ["x"]}, {"q1": {"a": 2}, "q2": {"b": 2}, "q3": {"c": 0}})
    assert result["MRR"] == pytest.approx(0.5)  # q3 has no relevant document: not counted
    assert result["Recall@10"] == pytest.approx(0.5)
