"""The sample portal's items, generated deterministically: the *truth* tests compare against.

Every item carries both its published wording (``*_text``: 0.5亿元, 7月15日, 杭州市江干区)
and the value a correct crawl must store (``budget_cny``, ``deadline``, ``district``), so
golden expectations come from here, never from the extraction code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from crawlers.sample_portal.banks import (
    CAPABILITY_BANK,
    CAPABILITY_CLOSINGS,
    CONTACT_NAMES,
    COOPERATION,
    DISTRICTS,
    QUALIFICATIONS,
    SCENE_BANK,
    SCENE_CLOSINGS,
)

SEED = 2025
BASE_DETAIL_SCENES = 60
XLS_SCENES = 20
DOCX_SCENES = (15, 10)  # 第一批, 第二批
HTML_CAPABILITIES = 30
XLSX_CAPABILITIES = (36, 9)  # sheet 能力清单, sheet 补充能力
PDF_CAPABILITIES = 30
PDF_REPEATS_HTML = 5
EXTRA_ROWS_PER_ATTACHMENT = 5
SHORT_TITLE_SCENES = 9  # in the GBK news list, titled the way a ministry's list names items
HANWEB_SCENES = 32  # a Hanweb jpage column: 15 in the page, the rest from dataproxy.jsp
JSON_SCENES = 12  # a column its script fills from a JSON endpoint
BROWSER_SCENES = 6  # a column only a browser can build (not in the sample-portal source)
#: canonical domain -> four- or five-character item names (智慧水务, 无人配送, 数字孪生 …)
SHORT_TITLES: dict[str, tuple[str, ...]] = {
    "制造": ("数字孪生", "智能质检", "柔性产线"),
    "医疗": ("AI导诊", "智慧病房", "影像辅诊"),
    "交通": ("车路协同", "智慧停车", "智能公交"),
    "治理": ("智慧水务", "城市大脑", "一网统管"),
    "教育": ("智慧课堂", "AI助教"),
    "文创": ("数字文博", "智慧景区"),
    "消费": ("无人零售", "数字人直播"),
    "金融": ("智能风控", "智能投顾"),
    "低空经济": ("无人配送", "低空巡检", "低空物流"),
    "具身智能/机器人": ("具身智能", "养老陪护", "四足巡检"),
}


@dataclass(frozen=True)
class SceneItem:
    title: str
    org: str
    domain: str  # canonical taxonomy domain
    domain_text: str  # as published
    description: str
    tech: str
    district_text: str
    district: str | None
    budget_text: str | None
    budget_cny: int | None
    deadline_text: str | None
    deadline: date | None
    published: date
    cooperation: str
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class CapabilityItem:
    title: str
    org: str
    domain: str
    domain_text: str
    description: str
    product: str
    cases: str
    district_text: str
    district: str | None
    qualifications: str
    contact_name: str
    contact_phone: str


def _budget(rng: random.Random) -> tuple[str | None, int | None]:
    wan = rng.choice((30, 50, 80, 120, 200, 300, 500, 800, 1500))
    style = rng.randrange(7)
    if style == 0:
        return None, None
    if style == 1:
        return "面议", None
    if style == 2:
        return f"{wan}万元", wan * 10_000
    if style == 3:
        return f"{wan * 10_000:,}元", wan * 10_000
    if style == 4 and wan >= 500:
        return f"{wan / 10_000:g}亿元", wan * 10_000
    if style == 5:
        return f"约{wan}万元", wan * 10_000
    return f"{wan}万", wan * 10_000


def _deadline(rng: random.Random, published: date) -> tuple[str | None, date | None]:
    day = published + timedelta(days=rng.randrange(20, 90))
    style = rng.randrange(6)
    if style == 0:
        return None, None
    if style == 1:
        return f"{day.year}年{day.month}月{day.day}日", day
    if style == 2:
        return f"{day.year}.{day.month:02d}.{day.day:02d}", day
    if style == 3:
        return f"{day.year}/{day.month}/{day.day}", day
    if style == 4 and day.year == published.year:
        return f"{day.month}月{day.day}日", day  # the year comes from the page
    return day.isoformat(), day


def _vary(text: str, closings: tuple[str, ...], key: tuple[str, int]) -> str:
    """A description with one of the closing sentences real lists add; its own random stream,
    so the other fields of an item do not depend on it."""
    closing = random.Random(f"{SEED}-{key[0]}-{key[1]}").choice(closings)
    return f"{text}。{closing}" if closing else text


def _phone(rng: random.Random) -> str:
    return f"0571-8{rng.randrange(1000000, 9999999)}"


@lru_cache(maxsize=8)
def scenes(count: int) -> tuple[SceneItem, ...]:
    """``count`` distinct scene items (titles unique per organisation)."""
    rng = random.Random(SEED)
    combos = [
        (domain, org, scene)
        for domain, (_, orgs, bank) in SCENE_BANK.items()
        for org in orgs
        for scene in bank
    ]
    rng.shuffle(combos)
    items: list[SceneItem] = []
    for index in range(count):
        domain, org, (name, description, tech) = combos[index % len(combos)]
        wordings = SCENE_BANK[domain][0]
        round_ = index // len(combos)
        short = org.removeprefix("杭州市").removeprefix("浙江省")
        for suffix in ("股份有限公司", "有限责任公司", "有限公司"):
            short = short.replace(suffix, "")
        title = f"{short}{name}场景" if round_ == 0 else f"{short}{name}场景（第{round_ + 1}期）"
        published = date(2025, 3, 1) + timedelta(days=rng.randrange(0, 200))
        district_text, district = rng.choice(DISTRICTS)
        budget_text, budget = _budget(rng)
        deadline_text, deadline = _deadline(rng, published)
        items.append(
            SceneItem(
                title=title,
                org=org,
                domain=domain,
                domain_text=rng.choice(wordings),
                description=_vary(description, SCENE_CLOSINGS, ("scene", index)),
                tech=tech,
                district_text=district_text,
                district=district,
                budget_text=budget_text,
                budget_cny=budget,
                deadline_text=deadline_text,
                deadline=deadline,
                published=published,
                cooperation=rng.choice(COOPERATION),
                contact_name=rng.choice(CONTACT_NAMES),
                contact_phone=_phone(rng),
            )
        )
    return tuple(items)


@lru_cache(maxsize=8)
def capabilities(count: int, seed: int = SEED) -> tuple[CapabilityItem, ...]:
    """``count`` capability items; a firm holds several in a row (one per business line)."""
    rng = random.Random(seed + 1)
    firms = [
        (domain, firm, bank)
        for domain, (_, firm_names, bank) in CAPABILITY_BANK.items()
        for firm in firm_names
    ]
    rng.shuffle(firms)
    items: list[CapabilityItem] = []
    round_ = 0
    while len(items) < count:
        for domain, firm, bank in firms:
            lines = rng.sample(bank, k=min(len(bank), rng.choice((1, 1, 2, 3))))
            district_text, district = rng.choice(DISTRICTS[:-1])
            for name, description, product, cases in lines:
                title = name if round_ == 0 else f"{name}（{round_ + 1}代）"
                items.append(
                    CapabilityItem(
                        title=title,
                        org=firm,
                        domain=domain,
                        domain_text=rng.choice(CAPABILITY_BANK[domain][0]),
                        description=_vary(
                            description, CAPABILITY_CLOSINGS, ("capability", len(items))
                        ),
                        product=product,
                        cases=cases,
                        district_text=district_text,
                        district=district,
                        qualifications="、".join(rng.sample(QUALIFICATIONS, k=2)),
                        contact_name=rng.choice(CONTACT_NAMES),
                        contact_phone=_phone(rng),
                    )
                )
                if len(items) == count:
                    return tuple(items)
        round_ += 1
    return tuple(items)


@dataclass(frozen=True)
class PortalData:
    """Everything the portal publishes, split by where it is published."""

    detail_scenes: tuple[SceneItem, ...]
    xls_scenes: tuple[SceneItem, ...]
    docx_scenes: tuple[tuple[SceneItem, ...], tuple[SceneItem, ...]]
    html_capabilities: tuple[CapabilityItem, ...]
    xlsx_capabilities: tuple[tuple[CapabilityItem, ...], tuple[CapabilityItem, ...]]
    pdf_capabilities: tuple[CapabilityItem, ...]  # its own rows; the PDF also repeats
    #: the first PDF_REPEATS_HTML rows of the HTML table (one record, two sources)
    extra_attachments: tuple[tuple[CapabilityItem, ...], ...]  # scale > 1: many small xlsx
    short_scenes: tuple[SceneItem, ...] = ()  # news-list entries with short titles
    hanweb_scenes: tuple[SceneItem, ...] = ()  # the jpage column (some short titles too)
    json_scenes: tuple[SceneItem, ...] = ()  # the JSON-backed column
    browser_scenes: tuple[SceneItem, ...] = ()  # the script-built column (browser test only)

    def all_scenes(self) -> list[SceneItem]:
        """Every scene the sample-portal source reaches (not the browser-only column)."""
        return [
            *self.detail_scenes,
            *self.xls_scenes,
            *self.docx_scenes[0],
            *self.docx_scenes[1],
            *self.short_scenes,
            *self.hanweb_scenes,
            *self.json_scenes,
        ]

    def all_capabilities(self) -> list[CapabilityItem]:
        found = [*self.html_capabilities, *self.xlsx_capabilities[0], *self.xlsx_capabilities[1]]
        found += [*self.pdf_capabilities]
        for rows in self.extra_attachments:
            found += rows
        return found


@lru_cache(maxsize=4)
def portal_data(scale: int = 1) -> PortalData:
    """Scale 1: 158 scenes (105 in the news list and the attachments, 53 in the short-title,
    jpage and JSON columns) and 105 capabilities; scale N: N×60 detail pages and
    3×(N−1) extra attachments (the benchmark uses N ≥ 84: 5,040 detail pages, 249 attachments)."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    detail_count = BASE_DETAIL_SCENES * scale
    columns = SHORT_TITLE_SCENES + HANWEB_SCENES + JSON_SCENES + BROWSER_SCENES
    all_scenes = scenes(detail_count + XLS_SCENES + sum(DOCX_SCENES) + columns)
    detail = all_scenes[:detail_count]
    rest = all_scenes[detail_count:]
    xls, docx1, docx2 = rest[:XLS_SCENES], rest[XLS_SCENES:35], rest[35:45]
    rest = rest[45:]
    used: set[tuple[str, str]] = {(s.org, s.title) for s in all_scenes}
    short = tuple(_shorten(s, used) for s in rest[:SHORT_TITLE_SCENES])
    rest = rest[SHORT_TITLE_SCENES:]
    hanweb = tuple(
        _shorten(s, used) if i % 10 == 3 else s for i, s in enumerate(rest[:HANWEB_SCENES])
    )
    rest = rest[HANWEB_SCENES:]
    json_column = tuple(
        _shorten(s, used) if i == 2 else s for i, s in enumerate(rest[:JSON_SCENES])
    )
    browser = rest[JSON_SCENES : JSON_SCENES + BROWSER_SCENES]
    extra_count = 3 * (scale - 1)
    caps = capabilities(
        HTML_CAPABILITIES
        + sum(XLSX_CAPABILITIES)
        + PDF_CAPABILITIES
        + extra_count * EXTRA_ROWS_PER_ATTACHMENT
    )
    html, caps = caps[:HTML_CAPABILITIES], caps[HTML_CAPABILITIES:]
    sheet1, caps = caps[: XLSX_CAPABILITIES[0]], caps[XLSX_CAPABILITIES[0] :]
    sheet2, caps = caps[: XLSX_CAPABILITIES[1]], caps[XLSX_CAPABILITIES[1] :]
    pdf, caps = caps[:PDF_CAPABILITIES], caps[PDF_CAPABILITIES:]
    extras = tuple(
        caps[i * EXTRA_ROWS_PER_ATTACHMENT : (i + 1) * EXTRA_ROWS_PER_ATTACHMENT]
        for i in range(extra_count)
    )
    return PortalData(
        detail,
        xls,
        (docx1, docx2),
        html,
        (sheet1, sheet2),
        pdf,
        extras,
        short,
        hanweb,
        json_column,
        browser,
    )


def _shorten(scene: SceneItem, used: set[tuple[str, str]]) -> SceneItem:
    """The scene under a short name of its domain that its organisation does not use yet."""
    for title in SHORT_TITLES[scene.domain]:
        if (scene.org, title) not in used:
            used.add((scene.org, title))
            return replace(scene, title=title)
    return scene
