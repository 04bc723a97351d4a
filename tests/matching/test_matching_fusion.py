import numpy as np
import pytest

from matching.fusion import FusionConfig, fuse, top_rows


def test_rrf_hand_values_and_normalisation() -> None:
    legs = {"bm25": [(1, 9.0), (2, 5.0)], "dense": [(2, 0.9), (3, 0.8)]}
    fused = dict(fuse(legs, FusionConfig("rrf", {"bm25": 1.0, "dense": 1.0}, k=60)))
    best = 2 / 61
    assert fused[2] == pytest.approx((1 / 62 + 1 / 61) / best)
    assert fused[1] == pytest.approx((1 / 61) / best)
    assert fused[3] == pytest.approx((1 / 62) / best)


def test_rrf_weights_shift_the_order() -> None:
    legs = {"bm25": [(1, 9.0), (2, 5.0)], "dense": [(2, 0.9), (1, 0.1)]}
    order = [row for row, _ in fuse(legs, FusionConfig("rrf", {"bm25": 1.0, "dense": 2.0}, k=1))]
    assert order[0] == 2


def test_convex_min_max() -> None:
    legs = {"bm25": [(1, 10.0), (2, 0.0)], "dense": [(2, 0.9), (1, 0.5)]}
    fused = dict(fuse(legs, FusionConfig("convex", {"bm25": 0.5, "dense": 0.5})))
    assert fused[1] == pytest.approx(0.5)  # 0.5*1 + 0.5*0
    assert fused[2] == pytest.approx(0.5)
    assert all(0.0 <= s <= 1.0 for s in fused.values())


def test_facet_bonus_breaks_a_tie() -> None:
    legs = {"bm25": [(1, 10.0), (2, 0.0)], "dense": [(2, 0.9), (1, 0.5)]}
    config = FusionConfig("convex", {"bm25": 0.5, "dense": 0.5}, facet_weight=0.2)
    assert fuse(legs, config, {2: 1.0})[0][0] == 2


def test_unknown_method_raises() -> None:
    with pytest.raises(ValueError, match="unknown fusion"):
        fuse({"bm25": [(1, 1.0)]}, FusionConfig("magic"))


def test_top_rows_orders_and_skips_zero() -> None:
    scores = np.asarray([0.0, 3.0, 1.0, 3.0], dtype=np.float32)
    assert top_rows(scores, 3) == [(1, 3.0), (3, 3.0), (2, 1.0)]
