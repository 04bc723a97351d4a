"""IR metrics over graded relevance (0 = not relevant, 1 = partly, 2 = fully).

Gains are ``2**grade - 1`` for nDCG; recall and MRR count any grade >= 1 as relevant.

>>> ndcg_at(["a", "b"], {"a": 2, "b": 1}, 10)
1.0
>>> round(ndcg_at(["b", "a"], {"a": 2, "b": 1}, 10), 4)
0.7967
>>> recall_at(["x", "a"], {"a": 2, "b": 1}, 1), recall_at(["x", "a"], {"a": 2, "b": 1}, 2)
(0.0, 0.5)
>>> reciprocal_rank(["x", "y", "b"], {"b": 1})
0.3333333333333333
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, int]


def dcg(gains: Sequence[float]) -> float:
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))


def ndcg_at(ranking: Sequence[str], qrels: Qrels, k: int) -> float:
    gains = [2 ** qrels.get(doc, 0) - 1 for doc in ranking[:k]]
    ideal = sorted((2**grade - 1 for grade in qrels.values() if grade > 0), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best > 0 else 0.0


def recall_at(ranking: Sequence[str], qrels: Qrels, k: int) -> float:
    relevant = {doc for doc, grade in qrels.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranking[:k])) / len(relevant)


def reciprocal_rank(ranking: Sequence[str], qrels: Qrels) -> float:
    for rank, doc in enumerate(ranking, start=1):
        if qrels.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def missed_at(ranking: Sequence[str], qrels: Qrels, k: int = 10, depth: int = 50) -> bool:
    """True when the top ``k`` holds nothing relevant although the top ``depth`` does.

    >>> missed_at(["x"] * 10 + ["a"], {"a": 1}), missed_at(["a"], {"a": 1})
    (True, False)
    """
    relevant = {doc for doc, grade in qrels.items() if grade > 0}
    return not relevant & set(ranking[:k]) and bool(relevant & set(ranking[:depth]))


METRICS = ("nDCG@10", "Recall@10", "Recall@50", "MRR")
#: a count, not a mean: queries whose top 10 is empty of relevant items while the top 50 is not
MISSED = "missed@10"


def evaluate(rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, Qrels]) -> dict[str, float]:
    """Mean of each metric over the queries that have at least one relevant document,
    and the count of :func:`missed_at` queries under ``missed@10``."""
    queries = [q for q in qrels if any(grade > 0 for grade in qrels[q].values())]
    if not queries:
        return dict.fromkeys((*METRICS, MISSED), 0.0)
    totals = dict.fromkeys(METRICS, 0.0)
    for query in queries:
        ranking, judged = rankings.get(query, []), qrels[query]
        totals["nDCG@10"] += ndcg_at(ranking, judged, 10)
        totals["Recall@10"] += recall_at(ranking, judged, 10)
        totals["Recall@50"] += recall_at(ranking, judged, 50)
        totals["MRR"] += reciprocal_rank(ranking, judged)
    out = {name: value / len(queries) for name, value in totals.items()}
    out[MISSED] = float(sum(missed_at(rankings.get(q, []), qrels[q]) for q in queries))
    return out
