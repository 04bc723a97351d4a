"""FAISS behind the small interface; top-k checked against brute-force cosine."""

from pathlib import Path

import numpy as np
import pytest

from matching.vector.faiss_index import VectorIndex


def unit_vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(20, dim))
    x = centers[rng.integers(0, 20, n)] + 0.3 * rng.normal(size=(n, dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def brute_force(x: np.ndarray, keys: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    scores = x @ q
    order = np.argsort(-scores, kind="stable")[:k]
    return [int(keys[i]) for i in order]


def test_exact_top_k_equals_brute_force() -> None:
    x = unit_vectors(2000, 48)
    keys = np.arange(2000, dtype=np.int64) * 3 + 11
    index = VectorIndex(48)
    index.add(keys, x)
    assert len(index) == 2000 and not index.approximate
    for qi in (0, 17, 999):
        found, scores = index.search(x[qi], 10)
        assert list(found) == brute_force(x, keys, x[qi], 10)
        assert np.allclose(scores, np.sort(x @ x[qi])[::-1][:10], atol=1e-5)


def test_filtered_search_is_top_k_of_the_allowed_set() -> None:
    x = unit_vectors(1000, 32, seed=1)
    keys = np.arange(1000, dtype=np.int64)
    index = VectorIndex(32)
    index.add(keys, x)
    allowed = keys[keys % 7 == 0]
    found, _ = index.search(x[3], 10, allowed=allowed)
    sub = x[allowed]
    assert list(found) == brute_force(sub, allowed, x[3], 10)
    assert len(found) == 10  # not fewer: the filter is applied inside the search


def test_remove_and_readd() -> None:
    x = unit_vectors(100, 16)
    keys = np.arange(100, dtype=np.int64)
    index = VectorIndex(16)
    index.add(keys, x)
    assert index.remove(keys[:10]) == 10
    assert len(index) == 90
    found, _ = index.search(x[0], 5)
    assert 0 not in found
    index.add(np.asarray([500]), x[:1])
    assert index.search(x[0], 1)[0][0] == 500


def test_approximate_above_threshold_keeps_recall(tmp_path: Path) -> None:
    x = unit_vectors(5000, 32, seed=2)
    keys = np.arange(5000, dtype=np.int64) + 100
    index = VectorIndex(32, approximate_above=1000, nprobe=16)
    index.add(keys, x)
    assert index.approximate
    hits = 0
    for qi in range(0, 5000, 250):
        found, _ = index.search(x[qi], 10)
        hits += len(set(found) & set(brute_force(x, keys, x[qi], 10)))
    assert hits / (20 * 10) >= 0.9
    index.remove(keys[:5])
    index.save(tmp_path / "ivf.faiss")
    loaded = VectorIndex.load(tmp_path / "ivf.faiss", approximate_above=1000)
    assert loaded.approximate and len(loaded) == 4995
    assert np.allclose(loaded.reconstruct(int(keys[10])), x[10], atol=1e-6)


def test_save_load_roundtrip_and_corrupt_file(tmp_path: Path) -> None:
    x = unit_vectors(50, 8)
    index = VectorIndex(8)
    index.add(np.arange(50, dtype=np.int64), x)
    path = tmp_path / "v.faiss"
    index.save(path)
    loaded = VectorIndex.load(path)
    assert len(loaded) == 50
    assert list(loaded.search(x[4], 3)[0]) == list(index.search(x[4], 3)[0])
    path.write_bytes(b"not a faiss index")
    with pytest.raises(ValueError, match="cannot read"):
        VectorIndex.load(path)


def test_wrong_shape_is_rejected() -> None:
    with pytest.raises(ValueError, match="expected"):
        VectorIndex(8).add(np.arange(2, dtype=np.int64), np.zeros((3, 8), dtype=np.float32))
