"""The engine over a real store: incremental sync, persistence, corruption, filters, collapse."""

import json
from pathlib import Path

import pytest

from core.records import Record, RecordKind
from core.store import RecordStore
from matching.embedders import CachedEmbedder, EmbeddingCache
from matching.engine import Matcher
from matching.errors import FilterError, QueryError
from matching.facets import Filters
from matching.search import Query, rank


def matcher_for(store: RecordStore, home: Path, embedder) -> Matcher:  # type: ignore[no-untyped-def]
    return Matcher(store, home, embedder)


def test_build_then_sync_only_touches_changes(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    reports = m.build()
    assert len(reports[RecordKind.CAPABILITY].added) == 6
    # 8 records (6 capabilities, 2 scenes), each embedded once as a passage, once as a query
    assert bigram_embedder.calls == 16 and bigram_embedder.query_calls == 8

    # change one capability, remove none, add one
    changed = (
        small_store.get("C3")
        .to_record()
        .model_copy(update={"description": "无人机巡检电力线路，识别鸟巢"})
    )
    added = Record(id="C7", kind=RecordKind.CAPABILITY, title="仓储AGV调度", org="己物流")
    small_store.upsert_many([changed, added])
    m2 = matcher_for(small_store, tmp_path, bigram_embedder)
    before, queries_before = bigram_embedder.calls, bigram_embedder.query_calls
    corpus = m2.corpus(RecordKind.CAPABILITY)
    report = m2.reports[RecordKind.CAPABILITY]
    assert report.updated == ["C3"] and report.added == ["C7"] and not report.removed
    assert report.embedded == 2  # passages: only the changed and the new record
    assert bigram_embedder.calls - before == 4  # and their query sides
    assert bigram_embedder.query_calls - queries_before == 2
    assert len(corpus) == 7 and len(corpus.vectors) == 7 and len(corpus.lexical) == 7
    hits = m2.match_text("鸟巢", RecordKind.CAPABILITY, top_k=1)
    assert hits[0].id == "C3"


def test_unchanged_text_is_never_embedded_twice(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    first = CachedEmbedder(bigram_embedder, cache)
    matcher_for(small_store, tmp_path / "a", first).build()
    second = CachedEmbedder(bigram_embedder, cache)
    matcher_for(small_store, tmp_path / "b", second).build()  # fresh index folder, same cache
    assert first.misses == 16 and second.misses == 0  # 8 passages + 8 record queries


def test_corrupt_index_is_rebuilt_not_trusted(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    m.build()
    folder = m.folder(RecordKind.CAPABILITY)
    (folder / "vectors.faiss").write_bytes(b"garbage")
    m2 = matcher_for(small_store, tmp_path, bigram_embedder)
    hits = m2.match_text("肺部CT肺结节", RecordKind.CAPABILITY, top_k=2, collapse=False)
    reason = m2.reports[RecordKind.CAPABILITY].rebuilt_reason
    assert reason and "checksum" in reason
    assert {h.id for h in hits} == {"C1", "C2"}
    # the rebuilt folder is healthy again
    m3 = matcher_for(small_store, tmp_path, bigram_embedder)
    m3.corpus(RecordKind.CAPABILITY)
    assert m3.reports[RecordKind.CAPABILITY].rebuilt_reason is None


def test_matching_a_stored_record_runs_no_model(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    m.build()
    before = bigram_embedder.query_calls
    found = m.match_record("S1", top_k=3, collapse=False)
    assert bigram_embedder.query_calls == before  # the index holds S1's query vector
    # the same ranking as embedding the scene's text now
    corpus = m.corpus(RecordKind.CAPABILITY)
    fresh = rank(corpus, Query.from_record(small_store.get("S1")), top_k=3, collapse=False)
    assert bigram_embedder.query_calls == before + 1
    assert [(x.id, x.score) for x in found] == [(x.id, x.score) for x in fresh]


def test_unindexed_version_has_no_query_vector(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    m.build()
    scenes = m.corpus(RecordKind.SCENE)
    assert scenes.query_vector_of(small_store.get("S1")) is not None
    edited = small_store.get("S1").to_record().model_copy(update={"description": "输电线路鸟巢"})
    small_store.upsert_many([edited])
    # the loaded corpus predates the edit: its vector is of the old text, so none is offered
    assert scenes.query_vector_of(small_store.get("S1")) is None
    assert scenes.query_vector_of(small_store.get("S2")) is not None


@pytest.mark.parametrize("damage", ["manifest", "rows", "truncate", "queries", "old_format"])
def test_every_kind_of_damage_is_caught(small_store, tmp_path, bigram_embedder, damage) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    m.build()
    folder = m.folder(RecordKind.CAPABILITY)
    if damage == "manifest":
        (folder / "manifest.json").write_text("{", encoding="utf-8")
    elif damage == "rows":
        (folder / "rows.json").write_text('{"ids": []}', encoding="utf-8")
    elif damage == "queries":
        data = (folder / "queries.npy").read_bytes()
        (folder / "queries.npy").write_bytes(data[:-64])
    elif damage == "old_format":  # written before query vectors were stored (format 2)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        manifest["format"] = 2
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        (folder / "queries.npy").unlink()
    else:
        data = (folder / "lexical.npz").read_bytes()
        (folder / "lexical.npz").write_bytes(data[: len(data) // 2])
    m2 = matcher_for(small_store, tmp_path, bigram_embedder)
    corpus = m2.corpus(RecordKind.CAPABILITY)
    assert len(corpus) == 6 and len(corpus.query_vectors) == 6
    assert m2.reports[RecordKind.CAPABILITY].rebuilt_reason


def test_other_embedder_gets_its_own_index(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    m.build()

    class Renamed(type(bigram_embedder)):  # type: ignore[misc]
        name = "test:other"

    other = matcher_for(small_store, tmp_path, Renamed())
    assert other.folder(RecordKind.SCENE) != m.folder(RecordKind.SCENE)


def test_a_new_source_reaches_the_source_filter(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    m.build()
    seen_again = (
        small_store.get("C3")
        .to_record()
        .model_copy(update={"source_url": "http://other-portal.example/list/7.html"})
    )
    assert small_store.upsert_many([seen_again]).unchanged == ["C3"]  # provenance only
    m2 = matcher_for(small_store, tmp_path, bigram_embedder)
    hits = m2.match_text(
        "巡检",
        RecordKind.CAPABILITY,
        filters=Filters(sources=["http://other-portal.example/"]),
    )
    assert [h.id for h in hits] == ["C3"]
    assert m2.reports[RecordKind.CAPABILITY].updated == ["C3"]


def test_filters_apply_before_ranking(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    # the best matches for this query are 医疗 rows; asking for 制造 must still fill the list
    hits = m.match_text(
        "肺结节CT", RecordKind.CAPABILITY, top_k=5, filters=Filters(domains=["制造"])
    )
    assert [h.id for h in hits] == ["C5"]
    hits = m.match_text("巡检", RecordKind.CAPABILITY, top_k=5, filters=Filters(batches=["第二批"]))
    assert {h.id for h in hits} == {"C3", "C5"}
    assert hits[0].explanation["filters"]["batch"] == "第二批"
    with pytest.raises(FilterError):
        m.match_text("巡检", RecordKind.CAPABILITY, filters=Filters(batches=["第九批"]))


def test_same_firm_rows_collapse_with_a_count(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    hits = m.match_text("肺部CT肺结节", RecordKind.CAPABILITY, top_k=3)
    assert hits[0].id in {"C1", "C2"}
    assert hits[0].explanation["more_from_firm"] == 1
    assert {hits[0].id, *hits[0].explanation["collapsed"]} == {"C1", "C2"}
    assert all(h.id not in {"C1", "C2"} for h in hits[1:])
    flat = m.match_text("肺部CT肺结节", RecordKind.CAPABILITY, top_k=3, collapse=False)
    assert {flat[0].id, flat[1].id} == {"C1", "C2"}


def test_both_directions_and_explanations(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    for_scene = m.match_record("S2", top_k=2)
    assert for_scene[0].id == "C3"
    ex = for_scene[0].explanation
    assert ex["legs"]["bm25"]["rank"] == 1 and ex["legs"]["dense"]["rank"] >= 1
    assert "无人机" in ex["matched_terms"]["title"]
    assert ex["facets"]["domains"] == ["能源"]
    assert 0.0 <= for_scene[0].score <= 1.0
    for_supplier = m.match_record("C3", top_k=1)
    assert for_supplier[0].id == "S2"


def test_bad_queries(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = matcher_for(small_store, tmp_path, bigram_embedder)
    with pytest.raises(QueryError, match="no record"):
        m.match_record("NOPE")
    with pytest.raises(QueryError, match="empty"):
        m.match_text("   ", RecordKind.SCENE)
