"""Issue 12, matching: queries with nothing to search for, filters that leave nothing,
honest collapse explanations, and docstrings that only name what exists."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

import matching
from api.commands.match import print_matches
from core.records import RecordKind
from core.store import RecordStore
from matching.embedders import Vectors
from matching.engine import Matcher
from matching.errors import FilterError, NoCandidates, NothingToSearch, QueryError
from matching.facets import Filters
from tests.matching.conftest import BigramEmbedder, capability


@pytest.mark.parametrize("text", ["？！。，、……", "!!! ??? ...", "——《》【】", " ~~~ "])
def test_punctuation_only_query_has_nothing_to_search(
    small_store, tmp_path, bigram_embedder, text
) -> None:  # type: ignore[no-untyped-def]
    m = Matcher(small_store, tmp_path, bigram_embedder)
    with pytest.raises(NothingToSearch, match="nothing to search for"):
        m.match_text(text, RecordKind.CAPABILITY)


def test_undecodable_query_has_nothing_to_search(small_store, tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    m = Matcher(small_store, tmp_path, bigram_embedder)
    broken = b"\xff\xfe\xb0\xa1 CT".decode("utf-8", errors="surrogateescape")
    with pytest.raises(NothingToSearch, match="UTF-8"):
        m.match_text(broken, RecordKind.CAPABILITY)
    with pytest.raises(NothingToSearch):  # what a lenient decoder leaves: replacement chars only
        m.match_text(b"\xff\xfe".decode("utf-8", errors="replace"), RecordKind.CAPABILITY)
    assert issubclass(NothingToSearch, QueryError)  # one type for the CLI and the API to map


def test_a_real_query_with_punctuation_still_searches(
    small_store, tmp_path, bigram_embedder
) -> None:  # type: ignore[no-untyped-def]
    m = Matcher(small_store, tmp_path, bigram_embedder)
    assert m.match_text("“肺结节”？", RecordKind.CAPABILITY, top_k=1)[0].id in {"C1", "C2"}


def test_budget_filter_on_capabilities_without_budgets_says_why(tmp_path, bigram_embedder) -> None:  # type: ignore[no-untyped-def]
    store = RecordStore.from_url(f"sqlite:///{tmp_path / 's.db'}")
    store.upsert_many(
        [
            capability("C1", "肺结节CT辅助诊断", "甲医疗", "胸部CT", domains=["医疗"]),
            capability("C2", "无人机巡检", "乙无人机", "绝缘子", domains=["低空经济"]),
        ]
    )
    m = Matcher(store, tmp_path, bigram_embedder)
    with pytest.raises(NoCandidates) as caught:
        m.match_text("巡检", RecordKind.CAPABILITY, filters=Filters(budget_min=500_000))
    message = str(caught.value)
    assert (
        "budget min 500000" in message
        and "none of the 2 capability records carries a budget" in message
    )
    assert isinstance(caught.value, FilterError)


def test_filters_that_only_clash_together_are_each_reported(
    small_store, tmp_path, bigram_embedder
) -> None:  # type: ignore[no-untyped-def]
    m = Matcher(small_store, tmp_path, bigram_embedder)
    # 医疗 rows exist and 第二批 rows exist, but no 医疗 row is in 第二批
    with pytest.raises(NoCandidates, match="together") as caught:
        m.match_text(
            "诊断", RecordKind.CAPABILITY, filters=Filters(domains=["医疗"], batches=["第二批"])
        )
    assert "domains 医疗 keeps 3" in str(caught.value)
    assert "batches 第二批 keeps 2" in str(caught.value)
    # and a filter that keeps rows still ranks them
    assert m.match_text("诊断", RecordKind.CAPABILITY, filters=Filters(domains=["医疗"]))


class TitleEmbedder(BigramEmbedder):
    """Vectors from the title alone (the passage's first part): same title, same vector."""

    def _encode(self, texts: Sequence[str]) -> Vectors:
        return super()._encode([text.split("。")[0] for text in texts])


def test_near_duplicate_of_another_firm_is_not_called_this_firms(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    store = RecordStore.from_url(f"sqlite:///{tmp_path / 's.db'}")
    store.upsert_many(
        [
            capability("C1", "电梯电动车识别阻车", "甲梯控科技", "轿厢摄像头识别电瓶车"),
            capability("C2", "电梯电动车识别阻车", "乙物联科技", "电瓶车入梯语音劝阻"),
            capability("C3", "电梯电动车识别阻车终端", "甲梯控科技", "不关门"),
            capability("C4", "河道漂浮物识别", "丙环境", "巡河"),
        ]
    )
    m = Matcher(store, tmp_path, TitleEmbedder())
    hits = m.match_text("电梯电动车识别阻车", RecordKind.CAPABILITY, top_k=3)
    head = hits[0].explanation
    assert hits[0].id in {"C1", "C2"}
    other = ({"C1", "C2"} - {hits[0].id}).pop()
    assert other in head["collapsed"]
    assert [t["id"] for t in head["near_duplicates"]] == [other]
    assert head["more_from_firm"] == (1 if hits[0].id == "C1" else 0)
    print_matches(hits, as_json=False)
    out = capsys.readouterr().out
    assert "+0 more" not in out
    assert f"near-identical entries folded in: {other}" in out
    assert "乙物联科技" in out or "甲梯控科技" in out


ROLE = re.compile(r":(?:func|class|meth|data):`~?([A-Za-z_][\w.]*)`")


def test_docstrings_only_name_what_exists() -> None:
    """A ``:func:`x``` in matching/ must resolve in its module (or as a dotted path)."""
    stale = []
    for info in pkgutil.walk_packages(matching.__path__, "matching."):
        module = importlib.import_module(info.name)
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        for name in ROLE.findall(source):
            head, *rest = name.split(".")
            target: object = getattr(module, head, None)
            if target is None:
                try:
                    target = importlib.import_module(head)
                except ImportError:
                    target = None
            for part in rest:
                target = getattr(target, part, None)
            if target is None:
                stale.append(f"{info.name}: {name}")
    assert not stale, stale


def test_a_subscription_of_only_punctuation_is_refused(
    small_store, tmp_path, bigram_embedder
) -> None:  # type: ignore[no-untyped-def]
    from matching.subscriptions import Subscriptions

    subs = Subscriptions(Matcher(small_store, tmp_path, bigram_embedder))
    with pytest.raises(NothingToSearch):
        subs.add("噪声", "？？？……", against=RecordKind.CAPABILITY)
    assert subs.add("巡检", " 无人机巡检 ", against=RecordKind.CAPABILITY).query == "无人机巡检"
