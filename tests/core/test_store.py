"""Store semantics on every backend: upsert, versions, history, sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.records import Record, RecordKind, derive_record_id
from core.store import RecordNotFound, RecordStore

T0 = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)


def scene(**changes: object) -> Record:
    base: dict[str, object] = {
        "id": "HZ-S-001",
        "kind": "scene",
        "title": "医学影像AI辅助诊断",
        "org": "杭州市第一人民医院",
        "domains": ["医疗"],
        "description": "胸部CT肺结节自动检出",
        "raw": {"序号": "1", "场景名称": "医学影像AI辅助诊断"},
        "source_url": "http://portal.example/list/1.html",
    }
    base.update(changes)
    return Record.model_validate(base)


def test_new_record_is_version_one(store: RecordStore) -> None:
    report = store.upsert_many([scene()], now=T0)
    assert report.new == ["HZ-S-001"] and not report.updated and not report.unchanged
    stored = store.get("HZ-S-001")
    assert stored.version == 1
    assert stored.first_seen == stored.last_seen == T0
    assert stored.content_hash == scene().compute_hash()


def test_same_content_only_moves_last_seen(store: RecordStore) -> None:
    store.upsert_many([scene()], now=T0)
    later = T0 + timedelta(days=3)
    report = store.upsert_many([scene()], now=later)
    assert report.unchanged == ["HZ-S-001"]
    stored = store.get("HZ-S-001")
    assert (stored.version, stored.first_seen, stored.last_seen) == (1, T0, later)
    assert store.history("HZ-S-001") == [stored]


def test_changed_content_makes_a_new_version_and_keeps_the_old(store: RecordStore) -> None:
    store.upsert_many([scene()], now=T0)
    later = T0 + timedelta(days=1)
    report = store.upsert_many([scene(description="胸部CT与乳腺钼靶")], now=later)
    assert report.updated == ["HZ-S-001"]
    versions = store.history("HZ-S-001")
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].description == "胸部CT肺结节自动检出"
    assert versions[1].description == "胸部CT与乳腺钼靶"
    assert versions[0].content_hash != versions[1].content_hash
    assert store.get("HZ-S-001").first_seen == T0


def test_same_item_from_two_sources_is_one_record_with_both(store: RecordStore) -> None:
    first = scene(id=None, source_url="http://a.example/1.html", raw={"场景名称": "x"})
    second = scene(id=None, source_url="http://b.example/9.html", raw={"应用场景名称": "x"})
    store.upsert_many([first], now=T0)
    report = store.upsert_many([second], now=T0 + timedelta(hours=1))
    assert report.unchanged  # provenance is not content
    record_id = derive_record_id(RecordKind.SCENE, first.org, first.title)
    assert store.get(record_id).sources == ["http://a.example/1.html", "http://b.example/9.html"]
    raws = [s["raw"] for s in store.sources(record_id)]
    assert raws == [{"场景名称": "x"}, {"应用场景名称": "x"}]


def test_derived_ids_are_stable_across_whitespace_and_width() -> None:
    a = Record(kind=RecordKind.SCENE, title="AI 辅助诊断", org="杭州市第一人民医院")
    b = Record(kind=RecordKind.SCENE, title="ＡＩ辅助诊断 ", org=" 杭州市第一人民医院")
    c = Record(kind=RecordKind.CAPABILITY, title="AI 辅助诊断", org="杭州市第一人民医院")
    assert a.with_id().id == b.with_id().id
    assert a.with_id().id != c.with_id().id


def test_unknown_id_raises_a_clear_error(store: RecordStore) -> None:
    with pytest.raises(RecordNotFound, match="no record with id 'nope'"):
        store.get("nope")


def test_failed_batch_leaves_nothing(store: RecordStore) -> None:
    store.upsert_many([scene()], now=T0)

    def batch() -> object:
        yield scene(id="HZ-S-002", title="第二个")
        yield scene(description="changed in a batch that fails")
        raise RuntimeError("source died mid-batch")

    with pytest.raises(RuntimeError):
        store.upsert_many(batch(), now=T0 + timedelta(days=1))  # type: ignore[arg-type]
    assert store.count() == 1
    assert store.get("HZ-S-001").version == 1


def test_iter_records_pages_through_everything(store: RecordStore) -> None:
    records = [scene(id=f"S-{i:04d}", title=f"场景{i}") for i in range(1234)]
    store.upsert_many(records, now=T0)
    seen = [r.id for r in store.iter_records(kind="scene", batch_size=100)]
    assert seen == sorted(r.id for r in records if r.id)
    assert store.count("capability") == 0
    keys = store.index_keys("scene")
    assert len(keys) == 1234 and set(keys) == set(seen)
    # change detection has one reader: the index's keys (content hash + sources); the
    # test-only ``content_hashes`` it duplicated is gone
    assert not hasattr(store, "content_hashes")


def test_first_seen_window_is_half_open(store: RecordStore) -> None:
    for day in range(3):
        store.upsert_many([scene(id=f"W-{day}", title=f"窗口{day}")], now=T0 + timedelta(days=day))
    window = store.iter_records(since=T0, until=T0 + timedelta(days=1))
    assert [r.id for r in window] == ["W-1"]
