"""List pages: which links are items (detail pages) and which are further list pages.

Pagination patterns from real gov portals (crawl.md §1.4): ``index_N.html`` (first page
without suffix), ``?page=N`` / ``pageNo=`` / ``PageIndex=`` / ``currPage=``, 下一页/尾页/末页
links, and page counts held in JavaScript (``createPageHTML(N, cur, "index", "html")``,
``countPage = N``, ``totalPage = N``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from crawlers.extraction.attachments import ATTACHMENT_EXTENSIONS
from crawlers.extraction.postback import is_pager, postback_call

_NEXT_WORDS = ("下一页", "下页", "尾页", "末页", "next", "»", ">>")
_CREATE_PAGE = re.compile(r"createPageHTML\(([^)]*)\)")
_COUNT_PAGE = re.compile(r"\b(?:countPage|totalPage|pageCount|totalPages)\s*[=:]\s*['\"]?(\d+)")
_PAGE_PARAMS = ("page", "pageno", "page_no", "pageindex", "currpage", "curpage", "pagenum")
_NUMBERED = re.compile(r"^(?P<dir>.*/)(?P<n>\d{1,3})\.(?P<ext>s?html?)$")  # /news/3.html
_INDEX_N = re.compile(r"^(?P<stem>.*/[\w-]*?)(?P<sep>[_-])(?P<n>\d+)\.(?P<ext>s?html?)$")
_NAV_TEXT = {"首页", "上一页", "返回", "更多", "网站地图", "english", "登录", "注册", "无障碍"}
MAX_PAGES = 500
_DIGITS = re.compile(r"\d+")
_ARTICLE_ID = re.compile(r"\d{3,}")
_COLUMN_STEMS = {"index", "default", "list", "main", "home"}
_SIBLING_INDEX = re.compile(r"\[\d+\]")
_DATED = re.compile(r"20\d{2}\s*[-/.年]\s*\d{1,2}")
_QUOTED_ATTACHMENT = re.compile(r"\.(?:xlsx|xls|et|docx|pdf|wps)\b", re.I)


@dataclass(frozen=True)
class ItemLink:
    url: str
    text: str
    context: str  # the entry's other text (usually its date): part of its fingerprint


def _is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ATTACHMENT_EXTENSIONS)


def page_param(url: str) -> tuple[str, int] | None:
    """The paging query parameter of a URL and its value, e.g. ``('pageNo', 3)``."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key.lower() in _PAGE_PARAMS and value.isdigit():
            return key, int(value)
    return None


def with_page(url: str, key: str, number: int) -> str:
    parts = urlsplit(url)
    query = [(k, str(number) if k == key else v) for k, v in parse_qsl(parts.query, True)]
    if key not in {k for k, _ in query}:
        query.append((key, str(number)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def is_pagination_url(url: str, base: str) -> bool:
    if page_param(url):
        return True
    match = _INDEX_N.match(urlsplit(url).path)
    if match is None:
        return False
    stem = match.group("stem").rsplit("/", 1)[-1]  # index_3, column-index-3, list_3, t_3
    return stem == "t" or stem.endswith(("index", "list", "default"))


def _numbered_sibling(url: str, base: str) -> re.Match[str] | None:
    """``/news/3.html`` next to ``/news/index.html``: a page number, not an article id."""
    match = _NUMBERED.match(urlsplit(url).path)
    base_dir = urlsplit(base).path.rsplit("/", 1)[0] + "/"
    return match if match and match.group("dir") == base_dir else None


def create_page_args(args: str) -> tuple[int, str, str] | None:
    """``createPageHTML(5, 0, "index", "html")`` and the newer TRS form
    ``createPageHTML('page_div', 5, 1, 'index', 'html', 88)`` -> (5, 'index', 'html')."""
    tokens = [token.strip().strip("'\"") for token in args.split(",")]
    numbers = [int(token) for token in tokens if token.isdigit()]
    words = [token for token in tokens if token and not token.isdigit()]
    for index, word in enumerate(words):
        if word.lower() in {"html", "shtml", "htm"} and index > 0 and numbers:
            return numbers[0], words[index - 1], word
    return None


def pagination_urls(selector: Selector, base: str) -> list[str]:
    """Every further list page this page reveals (the scheduler drops repeats)."""
    urls: list[str] = []
    html_text = selector.get() or ""
    for match in _CREATE_PAGE.finditer(html_text):
        parsed = create_page_args(match.group(1))
        if parsed is None:
            continue
        total, stem, ext = parsed
        urls.append(urljoin(base, f"{stem}.{ext}"))
        urls += [urljoin(base, f"{stem}_{n}.{ext}") for n in range(1, min(total, MAX_PAGES))]
    counted = _COUNT_PAGE.search(html_text)
    for anchor in selector.css("a[href]"):
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        url = urljoin(base, href)
        text = " ".join(anchor.css("::text").getall()).strip().lower()
        if any(word in text for word in _NEXT_WORDS) or (
            text.isdigit() and (is_pagination_url(url, base) or _numbered_sibling(url, base))
        ):
            urls.append(url)
            urls += _expand_to(url, base, counted)
    return list(dict.fromkeys(u for u in urls if u != base))


def _expand_to(last: str, base: str, counted: re.Match[str] | None) -> list[str]:
    """From a 尾页-style link, every page up to it (so one list page reveals them all)."""
    param = page_param(last)
    if param:
        key, number = param
        total = max(number, int(counted.group(1)) if counted else 0)
        return [with_page(last, key, n) for n in range(1, min(total, MAX_PAGES) + 1)]
    numbered = _numbered_sibling(last, base)
    if numbered:
        parts = urlsplit(last)
        top = min(int(numbered.group("n")), MAX_PAGES)
        return [
            urlunsplit(parts._replace(path=f"{numbered.group('dir')}{i}.{numbered.group('ext')}"))
            for i in range(2, top + 1)
        ]
    match = _INDEX_N.match(urlsplit(last).path)
    if match:
        n = int(match.group("n"))
        stem, sep, ext = match.group("stem"), match.group("sep"), match.group("ext")
        parts = urlsplit(last)
        return [
            urlunsplit(parts._replace(path=f"{stem}{sep}{i}.{ext}"))
            for i in range(1, min(n, MAX_PAGES) + 1)
        ]
    return []


def _path(node: Selector) -> str:
    root = node.root
    return str(root.getroottree().getpath(root)) if hasattr(root, "getroottree") else "/"


def url_shape(url: str) -> str:
    """What an item URL looks like with its numbers blanked: the items of one list share it
    (``/news/#/t#_#.html``, ``/art/#/#/#/art_#_#.html``, ``/detail.jsp?id``)."""
    parts = urlsplit(url)
    keys = "&".join(sorted({k for k, _ in parse_qsl(parts.query, True)}))
    return f"{parts.netloc}{_DIGITS.sub('#', parts.path)}?{keys}"


def is_article_url(url: str) -> bool:
    """An article's own page: a number of 3+ digits in its last path segment or its query
    (an id or a date), and not a column's index page."""
    parts = urlsplit(url)
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    stem = segment.split(".", 1)[0].lower()
    if not segment or stem in _COLUMN_STEMS:
        return bool(_ARTICLE_ID.search(parts.query))
    return bool(_ARTICLE_ID.search(segment) or _ARTICLE_ID.search(parts.query))


@dataclass
class LinkScan:
    """The item links of a list page, and the links left out, counted by reason."""

    links: list[ItemLink]
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass(eq=False)  # groups are compared by identity
class _Group:
    generic_path: str  # the container's path without sibling indices: split lists share it
    links: list[ItemLink] = field(default_factory=list)
    dated: int = 0

    @property
    def shape(self) -> str:
        return Counter(url_shape(link.url) for link in self.links).most_common(1)[0][0]

    @property
    def support(self) -> int:
        """Links of the group's most common URL shape."""
        shape = self.shape
        return sum(url_shape(link.url) == shape for link in self.links)

    def is_list(self, lone_entry: bool) -> bool:
        """Structure, never the titles' length: at least two links of one URL shape, most of
        them articles' own URLs or entries carrying a date. ``lone_entry``: on a page known
        to be a list (a later page of one), a single dated article link is its last entry."""
        articles = sum(is_article_url(link.url) for link in self.links)
        if lone_entry and len(self.links) == 1:
            return articles == 1 and self.dated == 1
        return self.support >= 2 and 2 * max(articles, self.dated) >= len(self.links)


def scan_item_links(
    selector: Selector,
    base: str,
    css: str | None = None,
    *,
    entries_only: bool = False,
    lone_entry: bool = False,
) -> LinkScan:
    """Links to detail pages: the repeated entries (same container, same URL shape, articles'
    URLs or dated entries) of the page's main list; with ``css``, every link it selects;
    with ``entries_only`` (a jpage datastore's records), every link of the selector.

    A title's length plays no part: 智慧水务 is as much an item as a 30-character notice.
    Every link left out is counted by reason (``navigation``, ``pagination``,
    ``script_link``, ``outside_list``) so that a list the rule misses is never a silent loss.
    """
    scan = LinkScan([])
    anchors = selector.css(css) if css else selector.css("a[href]")
    groups: dict[str, _Group] = {}
    for anchor in anchors:
        href = (anchor.attrib.get("href") or "").strip()
        text = " ".join(" ".join(anchor.css("::text").getall()).split())
        text = text or (anchor.attrib.get("title") or "").strip()
        if not href or href.startswith("#"):
            continue
        if href.lower().startswith(("javascript:", "mailto:", "tel:")):
            onclick = anchor.attrib.get("onclick") or ""
            if not href.lower().startswith("javascript:") or _opens_attachment(onclick):
                continue  # a mail link, or an attachment (attachment_links follows it)
            call = postback_call(href, onclick)
            if call is not None and is_pager(*call, text, backward=True):
                scan.skipped["pagination"] += 1  # a WebForms pager: posted back, not followed
                continue
            scan.skipped["script_link"] += 1  # an entry opened by a script we cannot run
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme not in {"http", "https"} or _is_attachment(url):
            continue
        if not css and text.lower() in _NAV_TEXT:
            scan.skipped["navigation"] += 1
            continue
        if not css and is_pagination_url(url, base):
            scan.skipped["pagination"] += 1
            continue
        entry = anchor.xpath("./ancestor::*[self::li or self::tr or self::dd or self::p][1]")
        context = ""
        if entry:
            context = " ".join(" ".join(entry[0].css("::text").getall()).split())
            context = context.replace(text, "").strip() if text else context
        container = anchor.xpath(
            "./ancestor::*[self::ul or self::ol or self::table or self::dl or self::div][1]"
        )
        key = _path(container[0]) if container else "/"
        group = groups.setdefault(key, _Group(_SIBLING_INDEX.sub("", key)))
        group.links.append(ItemLink(url, text, context))
        group.dated += bool(_DATED.search(context))
    if css or entries_only:
        scan.links = [link for group in groups.values() for link in group.links]
        return scan
    lists = [group for group in groups.values() if group.is_list(lone_entry)]
    chosen: list[_Group] = []
    if lists:
        best = max(lists, key=lambda g: (g.support + g.dated, len(g.links)))
        # one list split over sibling containers (a <ul> per five entries) is still one list
        chosen = [g for g in lists if g.generic_path == best.generic_path and g.shape == best.shape]
    scan.links = [link for group in chosen for link in group.links]
    for group in groups.values():
        if any(group is c for c in chosen):
            continue
        for link in group.links:
            looks_like_item = is_article_url(link.url) or _DATED.search(link.context)
            scan.skipped["outside_list" if looks_like_item else "navigation"] += 1
    return scan


def _opens_attachment(onclick: str) -> bool:
    return bool(_QUOTED_ATTACHMENT.search(onclick))


def item_links(selector: Selector, base: str, css: str | None = None) -> list[ItemLink]:
    """The item links of :func:`scan_item_links`, without the skip counts."""
    return scan_item_links(selector, base, css).links
