"""Declarative sources: the shipped entries load, bad entries say what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.sources import SourceError, get_source, load_sources, source_for_url


def test_shipped_sources_load() -> None:
    sources = load_sources()
    assert {"sample-portal", "example-gov"} <= set(sources)
    sample = sources["sample-portal"]
    assert sample.obey_robots and sample.kind == "auto"
    moved = sample.with_base_url("http://127.0.0.1:9999")
    assert moved.start_urls[0] == "http://127.0.0.1:9999/news/index.html"


def test_home_sources_override_and_extend(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\nstart_urls = ["https://a.gov.cn/list/"]\nkind = "scene"\n'
        'obey_robots = false\nrobots_reason = "site owner agreed in writing (2025-06)"\n',
        encoding="utf-8",
    )
    source = get_source("mine", tmp_path)
    assert source.allowed_domains == ("a.gov.cn",)
    assert not source.obey_robots and source.robots_reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\nstart_urls = ["https://a/"]\nspeed = 3\n', "unknown key"),
        ('name = "x"\n', "missing required key 'start_urls'"),
        ('name = "x"\nstart_urls = ["https://a/"]\nkind = "people"\n', "kind must be one of"),
        ('name = "x"\nstart_urls = ["ftp://a/"]\n', r"not http\(s\)"),
        ('name = "x"\nstart_urls = ["https://a/"]\nobey_robots = false\n', "robots_reason"),
        ("name = \n", "not valid TOML"),
    ],
)
def test_bad_source_entries(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as info:
        load_sources(tmp_path)
    assert "bad.toml" in str(info.value)


def test_unknown_source_lists_the_known_ones() -> None:
    with pytest.raises(SourceError, match="sample-portal"):
        get_source("nope")


def test_url_source_validation() -> None:
    assert (
        source_for_url("https://jxj.hangzhou.gov.cn/x.html", "scene").name
        == "url:jxj.hangzhou.gov.cn"
    )
    with pytest.raises(SourceError):
        source_for_url("jxj.hangzhou.gov.cn/x.html", "scene")
    with pytest.raises(SourceError):
        source_for_url("https://a/", "both")


def test_a_source_may_name_a_thin_site_spider(tmp_path: Path) -> None:
    from crawlers.run import spider_class
    from crawlers.spiders.sites.trs_gov import ITEM_LINKS, TrsGovSpider

    (tmp_path / "trs.toml").write_text(
        'name = "trs"\nstart_urls = ["https://a.gov.cn/col/index.html"]\n'
        'spider = "crawlers.spiders.sites.trs_gov.TrsGovSpider"\n',
        encoding="utf-8",
    )
    source = get_source("trs", tmp_path)
    assert spider_class(source) is TrsGovSpider
    spider = TrsGovSpider(source=source)
    assert spider.default_item_selector == ITEM_LINKS and source.item_selector is None
    # the site's selector is what picks its entries: one entry, no list shape to go by
    from types import SimpleNamespace

    from portal_helpers import Stats
    from scrapy.http import HtmlResponse, Request

    spider.crawler = SimpleNamespace(stats=Stats())  # type: ignore[assignment]
    html = '<ul class="list"><li><a href="/zwgk/a.html">智慧水务</a></li></ul>'
    page = HtmlResponse(
        source.start_urls[0], body=html.encode(), encoding="utf-8", request=Request("https://a/")
    )
    details = [r.url for r in spider.parse_list(page) if r.meta.get("role") == "detail"]
    assert details == ["https://a.gov.cn/zwgk/a.html"]


@pytest.mark.parametrize(
    ("spider", "message"),
    [("crawlers.spiders.nope.Nope", "cannot be loaded"), ("crawlers.sources.Source", "is not a")],
)
def test_a_bad_site_spider_is_a_clear_error(tmp_path: Path, spider: str, message: str) -> None:
    from crawlers.run import spider_class

    (tmp_path / "bad.toml").write_text(
        f'name = "bad"\nstart_urls = ["https://a.gov.cn/"]\nspider = "{spider}"\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=message):
        spider_class(get_source("bad", tmp_path))


def test_browser_flag_is_validated(tmp_path: Path) -> None:
    from crawlers.sources import SourceError, _parse

    path = tmp_path / "s.toml"
    path.write_text('name = "x"\nstart_urls = ["http://h/"]\nbrowser = "yes"\n', encoding="utf-8")
    with pytest.raises(SourceError, match="browser must be bool"):
        _parse(path)
    path.write_text(
        'name = "x"\nstart_urls = ["http://h/"]\nshape = "json_api"\nbrowser = true\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="json_api has none"):
        _parse(path)
    path.write_text('name = "x"\nstart_urls = ["http://h/"]\nbrowser = true\n', encoding="utf-8")
    assert _parse(path).browser is True
    path.write_text('name = "x"\nstart_urls = ["http://h/"]\n', encoding="utf-8")
    assert _parse(path).browser is False  # off by default
