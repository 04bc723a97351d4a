"""OpenRank, from its published formula (X-lab, OpenDigger ``globalOpenrank.ts``).

Each node ``v`` keeps a share ``r_v`` (its *retention*) of its own initial value and takes
the rest from its in-neighbours::

    OR_v(t+1) = r_v * init_v + (1 - r_v) * Σ_{u→v} w_uv * OR_u(t)

This is personalised PageRank with a per-node damping factor and unnormalised initial
values, so ``networkx.pagerank`` is not the same computation. The iteration is a sparse
matrix-vector product per step (scipy.sparse), which is what makes 5M edges cheap.

The developer↔repo graph adds one background node: every node gives it 0.05 of its
weight, it gives back ``1/(N-1)`` to every node; the reported value is
``OR_v + OR_background/(N-1)``.

Examples
--------
Two nodes pointing at each other, retention 0.5 and 0.3, initial values 1 and 0:

>>> import numpy as np, scipy.sparse as sp
>>> w = sp.csr_matrix(np.array([[0.0, 1.0], [1.0, 0.0]]))
>>> values, _ = openrank(w, np.array([1.0, 0.0]), np.array([0.5, 0.3]), tol=1e-12)
>>> [round(float(v), 6) for v in values]   # x = 0.5 + 0.5y, y = 0.7x
[0.769231, 0.538462]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = [
    "BACKGROUND_SHARE",
    "OpenRankParams",
    "OpenRankResult",
    "bipartite_openrank",
    "openrank",
    "user_initial",
]

BACKGROUND_SHARE = 0.05
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class OpenRankParams:
    """OpenDigger's constants (the code, not the older docs, is the authority)."""

    user_retention: float = 0.5
    repo_retention: float = 0.3
    background_retention: float = 0.15
    decay: float = 0.85  # last month's value × decay^(months since seen)
    sigmoid_slope: float = 0.10425
    sigmoid_mid: float = 44.08  # 75th percentile of monthly developer activity
    tol: float = 1e-6
    max_iter: int = 100


@dataclass(frozen=True)
class OpenRankResult:
    users: FloatArray
    repos: FloatArray
    background: float
    iterations: int


def openrank(
    weights: sp.csr_matrix | sp.csr_array,
    init: FloatArray,
    retention: FloatArray,
    *,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> tuple[FloatArray, int]:
    """Iterate ``x = r*init + (1-r) * (W @ x)`` where ``W[v, u]`` is the weight of ``u → v``.

    Stops when no value moves more than ``tol``; returns the values and the step count.
    """
    base = retention * init
    keep = 1.0 - retention
    x = init.astype(np.float64, copy=True)
    for step in range(1, max_iter + 1):
        new = base + keep * (weights @ x)
        if np.max(np.abs(new - x), initial=0.0) < tol:
            return new, step
        x = new
    return x, max_iter


DEFAULT_PARAMS = OpenRankParams()


def user_initial(activity: FloatArray, params: OpenRankParams = DEFAULT_PARAMS) -> FloatArray:
    """OpenDigger's activity sigmoid: a new developer starts with up to 1 unit of value."""
    return 1.0 / (1.0 + np.exp(params.sigmoid_slope * (params.sigmoid_mid - activity)))


def bipartite_openrank(
    users: NDArray[np.int64],
    repos: NDArray[np.int64],
    activity: FloatArray,
    n_users: int,
    n_repos: int,
    *,
    user_init: FloatArray,
    repo_init: FloatArray,
    params: OpenRankParams = OpenRankParams(),
) -> OpenRankResult:
    """OpenRank on a developer↔repo graph given as edge arrays with activity weights.

    ``users[i]`` worked on ``repos[i]`` with ``activity[i]`` (> 0). Edge weights follow
    OpenDigger: ``repo→user = 0.95·act/act_repo``, ``user→repo = 0.95·act/act_user``.
    """
    n = n_users + n_repos
    act_user = np.bincount(users, weights=activity, minlength=n_users)
    act_repo = np.bincount(repos, weights=activity, minlength=n_repos)
    share = 1.0 - BACKGROUND_SHARE
    # W[v, u]: column u is where u's value goes
    rows = np.concatenate([n_users + repos, users])
    cols = np.concatenate([users, n_users + repos])
    vals = np.concatenate([share * activity / act_user[users], share * activity / act_repo[repos]])
    weights = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    # isolated nodes give everything to the background
    to_background = np.full(n, BACKGROUND_SHARE)
    to_background[:n_users][act_user == 0] = 1.0
    to_background[n_users:][act_repo == 0] = 1.0
    init = np.concatenate([user_init, repo_init])
    retention = np.concatenate(
        [np.full(n_users, params.user_retention), np.full(n_repos, params.repo_retention)]
    )
    base, keep = retention * init, 1.0 - retention
    x, bg = init.copy(), 0.0
    r_bg = params.background_retention
    steps = params.max_iter
    for step in range(1, params.max_iter + 1):
        new = base + keep * (weights @ x + bg / n)
        new_bg = (1.0 - r_bg) * float(to_background @ x)
        moved = max(float(np.max(np.abs(new - x), initial=0.0)), abs(new_bg - bg))
        x, bg = new, new_bg
        if moved < params.tol:
            steps = step
            break
    final = x + bg / n
    return OpenRankResult(final[:n_users], final[n_users:], bg, steps)
