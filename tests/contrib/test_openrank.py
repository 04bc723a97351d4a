"""OpenRank against graphs solved by hand (the fixed-point equations written out)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from contrib.graphs.contribution import developer_activity, edge_activity, month_openrank
from contrib.openrank import OpenRankParams, bipartite_openrank, openrank, user_initial
from contrib.types import Activity, Hub


def test_two_nodes_match_the_hand_solution() -> None:
    # x = 0.5·1 + 0.5·y ; y = 0.3·0 + 0.7·x  =>  x = 0.5/0.65, y = 0.35/0.65
    w = sp.csr_matrix(np.array([[0.0, 1.0], [1.0, 0.0]]))
    values, steps = openrank(w, np.array([1.0, 0.0]), np.array([0.5, 0.3]), tol=1e-12, max_iter=500)
    assert values == pytest.approx([0.5 / 0.65, 0.35 / 0.65], abs=1e-9)
    assert steps < 500


def test_one_user_one_repo_with_background_matches_hand_equations() -> None:
    # user u (init s, r=0.5), repo p (init 0, r=0.3), background b (init 0, r=0.15), N-1 = 2:
    #   u = 0.5 s + 0.5 (0.95 p + b/2)
    #   p = 0.7 (0.95 u + b/2)
    #   b = 0.85 (0.05 u + 0.05 p)
    s = 0.8
    a = np.array(
        [[1, -0.5 * 0.95, -0.25], [-0.7 * 0.95, 1, -0.35], [-0.85 * 0.05, -0.85 * 0.05, 1]]
    )
    u, p, b = np.linalg.solve(a, np.array([0.5 * s, 0.0, 0.0]))
    result = bipartite_openrank(
        np.array([0]),
        np.array([0]),
        np.array([10.0]),
        1,
        1,
        user_init=np.array([s]),
        repo_init=np.array([0.0]),
        params=OpenRankParams(tol=1e-12, max_iter=1000),
    )
    assert result.users[0] == pytest.approx(u + b / 2, abs=1e-9)
    assert result.repos[0] == pytest.approx(p + b / 2, abs=1e-9)
    assert result.background == pytest.approx(b, abs=1e-9)


def test_edge_weights_split_by_activity_share() -> None:
    # two users on one repo with activity 3:1; the repo sends 0.95·3/4 and 0.95·1/4 to them.
    # Hand equations (r_u=0.5, r_p=0.3, r_b=0.15, n=3):
    #   u1 = 0.5 s + 0.5 (0.95·0.75 p + b/3); u2 = 0.5 s + 0.5 (0.95·0.25 p + b/3)
    #   p = 0.7 (0.95 u1 + 0.95 u2 + b/3);    b = 0.85·0.05 (u1 + u2 + p)
    s = 0.5
    a = np.array(
        [
            [1, 0, -0.5 * 0.95 * 0.75, -0.5 / 3],
            [0, 1, -0.5 * 0.95 * 0.25, -0.5 / 3],
            [-0.7 * 0.95, -0.7 * 0.95, 1, -0.7 / 3],
            [-0.85 * 0.05, -0.85 * 0.05, -0.85 * 0.05, 1],
        ]
    )
    u1, u2, p, b = np.linalg.solve(a, np.array([0.5 * s, 0.5 * s, 0, 0]))
    result = bipartite_openrank(
        np.array([0, 1]),
        np.array([0, 0]),
        np.array([3.0, 1.0]),
        2,
        1,
        user_init=np.array([s, s]),
        repo_init=np.array([0.0]),
        params=OpenRankParams(tol=1e-12, max_iter=1000),
    )
    assert result.users == pytest.approx([u1 + b / 3, u2 + b / 3], abs=1e-9)
    assert result.repos[0] == pytest.approx(p + b / 3, abs=1e-9)


def test_opendigger_activity_and_sigmoid_constants() -> None:
    a = Activity(
        Hub.GITHUB,
        "o/r",
        "dev",
        open_issue=1,
        issue_comment=2,
        open_pull=1,
        review_comment=3,
        merged_pull=1,
        commits=4,
    )
    assert developer_activity(a) == pytest.approx(
        np.sqrt(0.5252 * 2 + 2.2235 + 4.0679 + 0.7427 * 3 + 2.0339)
    )
    assert edge_activity(a) == pytest.approx(22.235 + 5.252 * 2 + 7.427 * 3 + 40.679 + 14.695 * 4)
    assert user_initial(np.array([44.08]))[0] == pytest.approx(0.5)


def test_excluded_bots_lose_their_weight_and_history_carries_over() -> None:
    acts = [
        Activity(Hub.GITHUB, "o/a", "alice", open_pull=2),
        Activity(Hub.GITHUB, "o/b", "ci[bot]", commits=500, is_bot=True),
        Activity(Hub.GITHUB, "o/b", "bob", open_issue=1),
    ]
    with_bot = month_openrank(acts, excluded=set())
    without = month_openrank(acts, excluded={"ci[bot]"})
    assert "ci[bot]" in with_bot.users and "ci[bot]" not in without.users
    assert without.repos["o/b"] < with_bot.repos["o/b"]
    carried = month_openrank(acts, excluded=set(), previous={"r:o/a": (10.0, 1)})
    assert carried.repos["o/a"] > with_bot.repos["o/a"]
