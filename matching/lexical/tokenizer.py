"""Chinese-first tokens for BM25: jieba with a domain dictionary, plus character bigrams.

jieba splits unknown firm and product names unpredictably: an HMM-guessed word, or a run
of single characters (``睿保`` -> ``睿`` ``保``). Character bigrams over such runs and over
unknown words of three or more characters let a query that segments the name differently
still meet it. Single Hanzi and list boiler-
plate (公司, 有限, 提供 …) carry no signal and are dropped.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from importlib import resources

import jieba

from core.normalize.domains import DOMAIN_KEYWORDS

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)

STOPWORDS: frozenset[str] = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "等",
        "在",
        "是",
        "对",
        "为",
        "以",
        "于",
        "将",
        "由",
        "并",
        "其",
        "该",
        "各",
        "可",
        "能",
        "也",
        "有",
        "无",
        "不",
        "中",
        "上",
        "下",
        "内",
        "外",
        "我们",
        "公司",
        "有限公司",
        "有限",
        "责任",
        "股份",
        "集团",
        "企业",
        "单位",
        "提供",
        "进行",
        "实现",
        "开展",
        "相关",
        "支持",
        "服务",
        "方面",
        "通过",
        "具有",
        "具备",
        "能够",
        "需要",
        "要求",
        "希望",
        "主要",
        "以及",
        "包括",
        "基于",
        "面向",
        "利用",
        "一个",
        "一种",
        "一套",
        "一批",
        "多个",
        "项目",
        "工作",
        "技术",
        "系统",
        "平台",
        "方案",
        "解决方案",
        "应用",
        "场景",
        "能力",
        "领域",
        "建设",
        "推进",
        "推动",
        "提升",
        "打造",
        "形成",
        "实现",
        "开发",
        "研发",
        "等等",
        "以上",
        "以下",
        "不少",
        "不低于",
        "超过",
        "达到",
        "已",
        "已经",
        "目前",
        "现有",
        "产品",
        "客户",
        "市场",
        "全国",
        "国内",
        "行业",
        "业务",
        "相关",
        "and",
        "the",
        "of",
        "for",
        "to",
        "in",
        "with",
        "on",
        "a",
        "an",
        "by",
    ]
)

logging.getLogger("jieba").setLevel(logging.WARNING)
_LOCK = threading.Lock()


def domain_terms() -> list[str]:
    """The user dictionary: our term list plus every taxonomy keyword of the policy."""
    text = resources.files("matching.lexical").joinpath("userdict.txt").read_text("utf-8")
    terms = [line.strip() for line in text.splitlines() if line.strip()]
    for domain, keywords in DOMAIN_KEYWORDS.items():
        terms.extend(part for part in domain.split("/") if len(part) > 1)
        terms.extend(word for word in keywords if len(word) > 1 and " " not in word)
    return list(dict.fromkeys(terms))


@lru_cache(maxsize=1)
def _jieba() -> jieba.Tokenizer:
    with _LOCK:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for term in domain_terms():
            tokenizer.add_word(term, freq=200_000)
            tokenizer.add_word(term.lower(), freq=200_000)
        return tokenizer


def bigrams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


class Tokenizer:
    """Text -> tokens. ``bigrams`` is ``"unknown"`` (default), ``"all"`` or ``"none"``."""

    def __init__(self, *, bigrams: str = "unknown") -> None:
        if bigrams not in {"unknown", "all", "none"}:
            raise ValueError(f"bigrams must be unknown, all or none, not {bigrams!r}")
        self.bigrams = bigrams
        self._jieba = _jieba()

    def known(self, word: str) -> bool:
        return bool(self._jieba.FREQ.get(word))

    def __call__(self, text: str) -> list[str]:
        folded = unicodedata.normalize("NFKC", text or "").lower()
        out: list[str] = []
        run: list[str] = []  # consecutive single Hanzi: jieba's fallback for unknown names

        def flush() -> None:
            if len(run) >= 2 and self.bigrams != "none":
                out.extend(gram for gram in bigrams("".join(run)) if gram not in STOPWORDS)
            run.clear()

        for raw in self._jieba.cut(folded, HMM=True):
            token = raw.strip()
            if len(token) == 1 and _CJK.match(token) and token not in STOPWORDS:
                run.append(token)
                continue
            flush()
            if not token or not _WORDLIKE.search(token) or token in STOPWORDS:
                continue
            if _CJK.search(token):
                if len(token) < 2:
                    continue
                out.append(token)
                if len(token) >= 3 and (
                    self.bigrams == "all" or (self.bigrams == "unknown" and not self.known(token))
                ):
                    out.extend(gram for gram in bigrams(token) if gram not in STOPWORDS)
            elif len(token) >= 2 or token.isdigit():
                out.append(token)
        flush()
        return out
