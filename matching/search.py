"""The scorer: filter, rank each leg, fuse, collapse near-duplicates, explain.

The same function serves both directions (scene -> capabilities, capability -> scenes)
and free text; only the corpus and the query differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.records import Record, canonical_text
from matching.facets import Filters, budget_bounds
from matching.fusion import DEFAULT_FUSION, FusionConfig, fuse, top_rows
from matching.index import CorpusIndex
from matching.text import passage_text

LEGS: tuple[str, ...] = ("bm25", "dense")
NEAR_DUPLICATE_COSINE = 0.97


@dataclass
class Query:
    """What is searched for: text for both legs, plus facets for the prior and reasons.

    ``vector`` is the text's query embedding when it is already known (a stored record's,
    from its index); otherwise the dense leg embeds ``text``.
    """

    text: str
    domains: list[str] = field(default_factory=list)
    district: str | None = None
    exclude_ids: set[str] = field(default_factory=set)
    vector: np.ndarray | None = None

    @classmethod
    def from_record(cls, record: Record) -> Query:
        return cls(
            text=passage_text(record),
            domains=list(record.domains),
            district=record.district,
            exclude_ids={record.id} if record.id else set(),
        )


@dataclass
class Match:
    id: str
    rank: int
    score: float
    explanation: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rank": self.rank,
            "score": round(self.score, 6),
            "explanation": self.explanation,
        }


@dataclass
class LegResult:
    ranked: list[tuple[int, float]]
    terms: list[str] = field(default_factory=list)


def run_legs(
    corpus: CorpusIndex,
    query: Query,
    mask: np.ndarray | None,
    *,
    legs: Sequence[str] = LEGS,
    depth: int = 100,
) -> dict[str, LegResult]:
    """Each leg's top ``depth`` rows among those the mask allows."""
    allowed = np.ones(len(corpus), dtype=bool) if mask is None else mask.copy()
    for record_id in query.exclude_ids:
        row = corpus.row_of.get(record_id)
        if row is not None:
            allowed[row] = False
    out: dict[str, LegResult] = {}
    if "bm25" in legs:
        terms = corpus.lexical.query_terms(query.text)
        scores = corpus.lexical.scores(terms)
        scores[~allowed] = 0.0
        out["bm25"] = LegResult(top_rows(scores, depth), terms)
    if "dense" in legs:
        vector = query.vector
        if vector is None:
            vector = corpus.embedder.encode_queries([query.text])[0]
        restrict = None if allowed.all() else corpus.keys[allowed]
        keys, sims = corpus.vectors.search(vector, depth, allowed=restrict)
        out["dense"] = LegResult(
            [(corpus.row_of_key[int(k)], float(s)) for k, s in zip(keys, sims, strict=True)]
        )
    return out


def facet_bonus(corpus: CorpusIndex, query: Query, rows: Sequence[int]) -> dict[int, float]:
    if not query.domains:
        return {}
    wanted = set(query.domains)
    return {row: len(wanted & set(corpus.rows[row]["domains"])) / len(wanted) for row in rows}


def rank(
    corpus: CorpusIndex,
    query: Query,
    *,
    filters: Filters | None = None,
    top_k: int = 10,
    legs: Sequence[str] = LEGS,
    fusion: FusionConfig = DEFAULT_FUSION,
    depth: int = 100,
    collapse: bool = True,
    explain: bool = True,
) -> list[Match]:
    """Top ``top_k`` matches in ``corpus`` for ``query``; filters apply before ranking."""
    filters = filters or Filters()
    mask = filters.mask(corpus.facets)
    results = run_legs(corpus, query, mask, legs=legs, depth=max(depth, top_k))
    ranked = {leg: result.ranked for leg, result in results.items()}
    if len(ranked) == 1:
        ((_, only),) = ranked.items()
        fused = [(row, score) for row, score in only]
    else:
        pool = {row for rows in ranked.values() for row, _ in rows}
        fused = fuse(ranked, fusion, facet_bonus(corpus, query, sorted(pool)))
    heads = (
        _collapse(corpus, fused, top_k)
        if collapse
        else [(row, score, []) for row, score in fused[:top_k]]
    )
    if not explain:
        return [Match(corpus.ids[row], i, score, {}) for i, (row, score, _) in enumerate(heads, 1)]
    positions = {
        leg: {row: (i, score) for i, (row, score) in enumerate(rows, start=1)}
        for leg, rows in ranked.items()
    }
    terms = results["bm25"].terms if "bm25" in results else []
    return [
        Match(
            corpus.ids[row],
            i,
            score,
            _explain(corpus, query, row, positions, terms, filters, folded, fusion, len(ranked)),
        )
        for i, (row, score, folded) in enumerate(heads, start=1)
    ]


def _collapse(
    corpus: CorpusIndex, fused: list[tuple[int, float]], top_k: int
) -> list[tuple[int, float, list[int]]]:
    """Fold rows of an already listed firm, and near-identical entries, into that result."""
    heads: list[tuple[int, float, list[int]]] = []
    by_org: dict[str, int] = {}
    if not fused:
        return heads
    rows = [row for row, _ in fused]
    vectors = corpus.vectors_of(rows)
    similar = (vectors @ vectors.T) >= NEAR_DUPLICATE_COSINE  # a few hundred rows at most
    head_positions: list[int] = []  # each head's position in ``fused``
    for position, (row, score) in enumerate(fused):
        org = canonical_text(corpus.rows[row].get("org"))
        if org and org in by_org:
            heads[by_org[org]][2].append(row)
            continue
        twin = next((i for i, at in enumerate(head_positions) if similar[position, at]), None)
        if twin is not None:
            heads[twin][2].append(row)
            continue
        if len(heads) >= top_k:
            continue  # still scan the rest so the heads' counts are complete
        if org:
            by_org[org] = len(heads)
        heads.append((row, score, []))
        head_positions.append(position)
    return heads


def _explain(
    corpus: CorpusIndex,
    query: Query,
    row: int,
    positions: dict[str, dict[int, tuple[int, float]]],
    terms: list[str],
    filters: Filters,
    folded: list[int],
    fusion: FusionConfig,
    leg_count: int,
) -> dict[str, Any]:
    facets = corpus.rows[row]
    legs: dict[str, Any] = {}
    for leg, where in positions.items():
        hit = where.get(row)
        legs[leg] = {"rank": hit[0], "score": round(hit[1], 6)} if hit else None
    agree: dict[str, Any] = {}
    shared = [d for d in facets["domains"] if d in query.domains]
    if shared:
        agree["domains"] = shared
    if query.district and facets.get("district") == query.district:
        agree["district"] = query.district
    org = canonical_text(facets.get("org"))
    same_firm = [r for r in folded if org and canonical_text(corpus.rows[r].get("org")) == org]
    twins = [r for r in folded if r not in same_firm]
    return {
        "record": {"title": facets["title"], "org": facets.get("org")},
        "legs": legs,
        "fusion": fusion.describe() if leg_count > 1 else "single leg",
        "matched_terms": corpus.lexical.matched_terms(terms, corpus.row_fields(row))
        if terms
        else {},
        "filters": _filters_met(filters, facets),
        "facets": agree,
        "more_from_firm": len(same_firm),
        "collapsed": [corpus.ids[r] for r in folded],
        # folded because their text is near-identical, though another organisation filed them
        "near_duplicates": [{"id": corpus.ids[r], "org": corpus.rows[r].get("org")} for r in twins],
    }


def _filters_met(filters: Filters, facets: dict[str, Any]) -> dict[str, Any]:
    """The record's value for each active filter: why it passed."""
    out: dict[str, Any] = {}
    if filters.domains:
        out["domains"] = [d for d in facets["domains"] if d in filters.domains]
    if filters.districts:
        out["district"] = facets.get("district")
    if filters.regions:
        out["region"] = facets.get("region")
    if filters.batches:
        out["batch"] = facets.get("batch")
    if filters.sources:
        out["source"] = next(
            (s for s in facets["sources"] if any(s.startswith(f) for f in filters.sources)), None
        )
    if filters.open_on:
        out["deadline"] = facets.get("deadline") or "none"
    if filters.budget_min is not None or filters.budget_max is not None:
        out["budget_cny"] = facets.get("budget_cny")
        low, high = budget_bounds(facets)
        if low != high:  # the filter matched a range: show it, open ends as null
            out["budget_range"] = [low, high]
    return out
