"""Domains: free-text 领域/行业/类别 mapped onto a taxonomy taken from the 2025 policy.

The policy names 制造、医疗、消费、金融、交通、教育、文创、科学、治理 as the "人工智能+" fields
and 低空经济、具身智能、智能终端、大模型 … as industry tracks. A record may hit several.
"""

from __future__ import annotations

import unicodedata

#: canonical domain -> keywords that signal it (matched as substrings of the folded text)
DOMAIN_KEYWORDS: dict[str, tuple[str, ...]] = {
    "制造": (
        "制造",
        "工业",
        "工厂",
        "产线",
        "质检",
        "装备",
        "生产",
        "供应链",
        "化工",
        "纺织",
        "机械",
    ),
    "医疗": ("医疗", "医院", "医学", "健康", "诊断", "病历", "药", "康复", "养老", "卫生", "影像"),
    "消费": ("消费", "零售", "电商", "商贸", "文旅消费", "餐饮", "营销", "数字贸易", "直播"),
    "金融": ("金融", "银行", "保险", "证券", "风控", "信贷", "支付"),
    "交通": (
        "交通",
        "出行",
        "物流",
        "港口",
        "轨交",
        "地铁",
        "公交",
        "车路协同",
        "自动驾驶",
        "航运",
    ),
    "教育": ("教育", "教学", "学校", "课堂", "培训", "校园"),
    "文创": ("文创", "文化", "文旅", "传媒", "媒体", "内容创作", "游戏", "影视", "动漫", "元宇宙"),
    "科学": ("科学", "科研", "ai for science", "ai4s", "材料", "生物", "气象", "实验"),
    "治理": (
        "治理",
        "政务",
        "城市管理",
        "城管",
        "应急",
        "社区",
        "公共安全",
        "执法",
        "环保",
        "生态环境",
        "水利",
        "基层",
        "12345",
        "综合治理",
    ),
    "低空经济": ("低空", "无人机", "飞行器", "evtol", "通航"),
    "具身智能/机器人": ("具身", "机器人", "人形", "机械臂", "四足"),
    "智能终端": ("智能终端", "终端", "穿戴", "眼镜", "智能硬件", "手机", "ai pc"),
    "大模型": ("大模型", "基础模型", "语言模型", "多模态模型", "生成式", "aigc", "llm", "智能体"),
    "能源": ("能源", "电力", "电网", "光伏", "储能", "新能源"),
    "农业": ("农业", "农村", "种植", "养殖", "乡村"),
    "算力": ("算力", "智算", "数据中心", "芯片", "计算集群"),
}

DOMAINS: tuple[str, ...] = tuple(DOMAIN_KEYWORDS)


def normalize_domains(*texts: object) -> list[str]:
    """All taxonomy domains whose keywords appear in the given texts, in taxonomy order.

    >>> normalize_domains("AI+医疗", "医院影像辅助诊断")
    ['医疗']
    >>> normalize_domains("低空经济（无人机巡检）")
    ['低空经济']
    """
    folded = " ".join(
        unicodedata.normalize("NFKC", str(text)).lower() for text in texts if text is not None
    )
    if not folded.strip():
        return []
    return [domain for domain, words in DOMAIN_KEYWORDS.items() if any(w in folded for w in words)]
