"""List-page extraction: item links, pagination patterns and attachments (pure functions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from crawlers.extraction.attachments import attachment_links
from crawlers.extraction.links import create_page_args, item_links, page_param, pagination_urls

DATA = Path(__file__).parents[1] / "data" / "crawlers"
BASE = "http://jxj.hangzhou.gov.cn/col/col1229/index.html"


def _gbk(name: str) -> Selector:
    return Selector(text=(DATA / name).read_bytes().decode("gb18030"))


def test_item_links_pick_the_list_not_the_navigation() -> None:
    links = item_links(_gbk("gbk_list.html"), BASE)
    assert len(links) == 6
    assert links[1].url == "http://jxj.hangzhou.gov.cn/col/col1229/202506/t20250628_4409876.html"
    assert links[1].text == "杭州市第一人民医院门诊智能导诊场景需求"
    assert links[1].context == "2025-06-28"  # the entry's date: part of its fingerprint
    assert all("网站地图" not in link.text for link in links)


def test_item_links_with_a_source_selector() -> None:
    html = (
        '<div><a class="x" href="/a/1.html">短</a><a href="/b.html">其他链接文字很长很长</a></div>'
    )
    links = item_links(Selector(text=html), "http://h/", css="a.x")
    assert [link.url for link in links] == ["http://h/a/1.html"]


def test_create_page_html_gives_every_index_page() -> None:
    urls = pagination_urls(_gbk("gbk_list.html"), BASE)
    expected = {f"http://jxj.hangzhou.gov.cn/col/col1229/index_{n}.html" for n in range(1, 5)}
    assert expected <= set(urls)
    assert BASE not in urls


def test_last_page_link_expands_query_pagination() -> None:
    html = '<a href="list.jsp?cat=7&pageNo=2">下一页</a> <a href="list.jsp?cat=7&pageNo=6">尾页</a>'
    urls = pagination_urls(Selector(text=html), "http://h/list.jsp?cat=7&pageNo=1")
    pages = sorted(page_param(u)[1] for u in urls if page_param(u))  # type: ignore[index]
    assert pages[-1] == 6 and {2, 3, 4, 5} <= set(pages)


def test_numbered_page_links_and_js_page_count() -> None:
    html = (
        "<script>var countPage = 3;</script>"
        '<a href="?page=2">2</a><a href="?page=3">3</a><a href="/about.html">3</a>'
    )
    urls = pagination_urls(Selector(text=html), "http://h/news?page=1")
    assert "http://h/news?page=2" in urls and "http://h/news?page=3" in urls
    assert "http://h/about.html" not in urls


def test_attachments_found_everywhere() -> None:
    base = "http://www.hangzhou.gov.cn/art/2025/6/28/art_1.html"
    found = {link.url: link.hinted for link in attachment_links(_gbk("gbk_detail.html"), base)}
    root = "http://www.hangzhou.gov.cn/attach/2025/"
    assert found == {
        root + "daozhen_xuqiu.docx": "docx",  # <a href>
        root + "daozhen_canshu.xlsx": "xlsx",  # onclick window.open
        root + "daozhen_gonggao.pdf": "pdf",  # iframe viewer.html?file=
        root + "daozhen_tu.pdf": "pdf",  # embed
        root + "daozhen_biao.xls": "xls",  # object
    }


def test_attachment_in_script_and_data_attribute() -> None:
    html = (
        "<script>function d(){window.open('/f/list.et')}</script>"
        '<span data-href="/f/b.pdf">下载</span><a href="/page.html">页面</a>'
    )
    found = {link.url for link in attachment_links(Selector(text=html), "http://h/x.html")}
    assert found == {"http://h/f/list.et", "http://h/f/b.pdf"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ('5, 0, "index", "html"', (5, "index", "html")),
        ("'page_div', 7, 1, 'index', 'shtml', 130", (7, "index", "shtml")),
        ("countPage, currentPage", None),
    ],
)
def test_create_page_html_signatures(args: str, expected: object) -> None:
    assert create_page_args(args) == expected


def test_new_trs_create_page_html() -> None:
    html = "<script>createPageHTML('page_div',3,1,'index','shtml',45);</script>"
    urls = pagination_urls(Selector(text=html), "http://h/col/index.shtml")
    assert urls == ["http://h/col/index_1.shtml", "http://h/col/index_2.shtml"]


def test_chengdu_column_index_and_numbered_pages() -> None:
    html = '<a href="column-index-2.shtml">2</a><a href="column-index-9.shtml">尾页</a>'
    urls = pagination_urls(Selector(text=html), "http://h/cd/column-index-1.shtml")
    assert "http://h/cd/column-index-9.shtml" in urls and len(urls) == 8  # 2..9
    html = '<a href="4.html">末页</a><a href="/news/2.html">2</a><a href="/a/77.html">77</a>'
    urls = pagination_urls(Selector(text=html), "http://h/news/index.html")
    assert urls == ["http://h/news/4.html", "http://h/news/2.html", "http://h/news/3.html"]


def test_article_ids_are_not_page_numbers() -> None:
    html = (
        "<ul>"
        + "".join(
            f'<li><a href="/news/{n}.html">关于开展人工智能场景第{n}项需求征集的通知</a></li>'
            for n in (101, 102, 103)
        )
        + '</ul><a href="/?p=7">关于我们的一篇很长的文章标题</a>'
    )
    links = item_links(Selector(text=html), "http://h/news/index.html")
    assert [link.url for link in links] == [f"http://h/news/{n}.html" for n in (101, 102, 103)]
    assert page_param("http://h/?p=7") is None


# -- the item rule is structural: a title's length plays no part ----------------------

SHORT = (
    "智慧水务",
    "无人配送",
    "数字孪生",
    "城市大脑",
    "AI导诊",
    "具身智能",
    "车路协同",
    "智慧养老",
)


def _ministry_list(sidebar: int = 0) -> str:
    entries = "".join(
        f'<li><a href="./202506/t202506{10 + n}_{4400 + n}.html">{title}</a>'
        f"<span>2025-06-{10 + n}</span></li>"
        for n, title in enumerate(SHORT)
    )
    side = "".join(
        f'<li><a href="/art/2025/5/{n + 1}/art_1554_{5530 + n}.html">关于印发杭州市人工智能产业发展'
        f"若干政策措施第{n}号文件解读</a></li>"
        for n in range(sidebar)
    )
    return (
        "<div class='nav'><a href='/'>首页</a><a href='/col/col1/index.html'>机构</a>"
        "<a href='/col/col2/index.html'>政策</a><a href='/col/col3/index.html'>互动</a></div>"
        f"<div class='side'><ul class='hot'>{side}</ul></div>"
        f"<div class='main'><ul class='list'>{entries}</ul></div>"
    )


def test_short_titles_are_items() -> None:
    from crawlers.extraction.links import scan_item_links

    scan = scan_item_links(Selector(text=_ministry_list()), BASE)
    assert [link.text for link in scan.links] == list(SHORT)
    assert scan.skipped == {"navigation": 4}  # 首页 by name, the three columns by shape


def test_a_long_titled_sidebar_does_not_win_over_the_list() -> None:
    """A sidebar of long article titles (what a length rule would favour) is not the list;
    its links are counted as left outside the list."""
    from crawlers.extraction.links import scan_item_links

    scan = scan_item_links(Selector(text=_ministry_list(sidebar=3)), BASE)
    assert [link.text for link in scan.links] == list(SHORT)
    assert scan.skipped["outside_list"] == 3


def test_one_list_split_over_sibling_lists() -> None:
    """Portals often print a <ul> per five entries: all of them are the list."""
    blocks = "".join(
        "<ul class='list'>"
        + "".join(
            f"<li><a href='/art/2025/6/{b * 5 + i + 1}/art_1229_{b * 5 + i}.html'>场景{i}</a>"
            f"<span>2025-06-{b * 5 + i + 1:02d}</span></li>"
            for i in range(5)
        )
        + "</ul>"
        for b in range(3)
    )
    links = item_links(Selector(text=f"<div class='box'>{blocks}</div>"), BASE)
    assert len(links) == 15


def test_a_last_page_with_one_entry() -> None:
    from crawlers.extraction.links import scan_item_links

    html = (
        "<div class='nav'><a href='/col/col1/index.html'>机构</a></div><ul class='list'>"
        "<li><a href='./202501/t20250103_1.html'>智慧水务</a><span>2025-01-03</span></li></ul>"
    )
    alone = scan_item_links(Selector(text=html), BASE)
    assert alone.links == [] and alone.skipped["outside_list"] == 1  # not silent
    paged = scan_item_links(Selector(text=html), BASE, lone_entry=True)
    assert [link.text for link in paged.links] == ["智慧水务"]


def test_url_shapes_and_article_urls() -> None:
    from crawlers.extraction.links import is_article_url, url_shape

    assert url_shape("http://h/news/202506/t20250628_1000.html") == "h/news/#/t#_#.html?"
    assert url_shape("http://h/detail.jsp?id=12&x=1") == url_shape("http://h/detail.jsp?x=3&id=9")
    assert is_article_url("http://h/art/2025/6/28/art_1229_4409876.html")
    assert is_article_url("http://h/detail.jsp?id=4409")
    assert not is_article_url("http://h/col/col1229/index.html")
    assert not is_article_url("http://h/about.html")
