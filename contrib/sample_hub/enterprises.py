"""The fictional enterprises of the sample hub (no real company's numbers are invented)."""

from __future__ import annotations

# name, type, city, district, hf slug, on ModelScope, on GitHub, size (relative)
ENTERPRISES: tuple[tuple[str, str, str, str, str, bool, bool, float], ...] = (
    ("杭州云栖智算科技有限公司", "enterprise", "杭州", "西湖区", "yunqi-ai", True, True, 10.0),
    ("杭州西溪深度智能有限公司", "enterprise", "杭州", "余杭区", "xixi-deep", True, True, 9.0),
    ("杭州钱塘模型科技有限公司", "enterprise", "杭州", "钱塘区", "qiantang-lm", True, True, 7.0),
    ("杭州灵隐视觉科技有限公司", "enterprise", "杭州", "西湖区", "lingyin-vision", False, True, 5.0),
    ("杭州良渚数据科技有限公司", "enterprise", "杭州", "余杭区", "liangzhu-data", True, True, 4.0),
    ("杭州之江算子科技有限公司", "enterprise", "杭州", "西湖区", "zhijiang-ops", False, True, 3.0),
    ("杭州湖滨语音科技有限公司", "enterprise", "杭州", "上城区", "hubin-speech", True, False, 3.5),
    ("杭州滨江具身智能有限公司", "enterprise", "杭州", "滨江区", "binjiang-robotics", False, True, 3.0),
    ("杭州余杭多模态科技有限公司", "enterprise", "杭州", "余杭区", "yuhang-mm", True, True, 4.5),
    ("杭州萧山智造科技有限公司", "enterprise", "杭州", "萧山区", "xiaoshan-mfg", False, False, 1.5),
    ("杭州临平医疗智能有限公司", "enterprise", "杭州", "临平区", "linping-med", True, True, 2.0),
    ("杭州富阳遥感科技有限公司", "enterprise", "杭州", "富阳区", "fuyang-rs", False, True, 1.2),
    ("杭州拱墅金融智能有限公司", "enterprise", "杭州", "拱墅区", "gongshu-fin", True, False, 2.2),
    ("杭州上城法律智能有限公司", "enterprise", "杭州", "上城区", "shangcheng-law", False, True, 1.0),
    ("杭州桐庐农业智能有限公司", "enterprise", "杭州", "桐庐县", "tonglu-agri", False, False, 0.8),
    ("杭州建德化工智能有限公司", "enterprise", "杭州", "建德市", "jiande-chem", False, True, 0.7),
    ("杭州淳安文旅智能有限公司", "enterprise", "杭州", "淳安县", "chunan-travel", True, False, 0.6),
    ("杭州临安芯片科技有限公司", "enterprise", "杭州", "临安区", "linan-chip", False, True, 2.5),
    ("杭州钱江编译器科技有限公司", "enterprise", "杭州", "滨江区", "qianjiang-compiler", False, True, 2.0),
    ("杭州北山推理科技有限公司", "enterprise", "杭州", "西湖区", "beishan-infer", True, True, 2.8),
    ("杭州梦栖增长科技有限公司", "enterprise", "杭州", "萧山区", "mengqi-growth", True, False, 1.0),
    ("杭州城西对齐科技有限公司", "enterprise", "杭州", "余杭区", "chengxi-align", False, True, 1.8),
    ("西子湖大学", "university", "杭州", "西湖区", "xizi-univ", True, True, 4.0),
    ("钱塘数智研究院", "institute", "杭州", "钱塘区", "qiantang-institute", True, True, 3.0),
    ("杭州紫金港学院", "university", "杭州", "西湖区", "zijingang-college", False, True, 1.0),
    ("上海浦江智能科技有限公司", "enterprise", "上海", "浦东新区", "pujiang-ai", True, True, 8.0),
    ("北京中关智源科技有限公司", "enterprise", "北京", "海淀区", "zhongguan-zhiyuan", True, True, 9.5),
    ("深圳南山算力科技有限公司", "enterprise", "深圳", "南山区", "nanshan-compute", False, True, 3.0),
    ("苏州金鸡湖模型科技有限公司", "enterprise", "苏州", "工业园区", "jinjihu-lm", True, False, 2.0),
    ("南京紫金语言科技有限公司", "enterprise", "南京", "玄武区", "zijin-lang", True, True, 2.5),
    ("宁波甬江视觉科技有限公司", "enterprise", "宁波", "鄞州区", "yongjiang-vision", False, True, 1.5),
    ("合肥天鹅湖语音科技有限公司", "enterprise", "合肥", "蜀山区", "tianehu-speech", True, False, 2.0),
)

#: enterprises whose accounts publish operator kernels
KERNEL_PUBLISHERS = ("zhijiang-ops", "linan-chip", "qianjiang-compiler", "beishan-infer",
                     "nanshan-compute", "yunqi-ai")
#: planted anomalies (documented in docs/award-method.md)
SPIKE_ACCOUNT = "mengqi-growth"      # one model's 30-day downloads jump 40x in month 10
SPAM_ACCOUNT = "quant-mirror-bot"    # 60 near-identical quantized copies of one base
SPAM_TARGET = "xixi-deep"
BOT_REPO_OWNER = "chengxi-align"     # CI bots with heavy commit activity on its repos
BENCHMARKS = ("bench/c-eval", "bench/mmlu-zh", "bench/gsm8k-zh")
