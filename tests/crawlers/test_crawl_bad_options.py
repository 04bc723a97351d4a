"""Bad source entries and --set values are refused up front with the key named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawlers.options import parse_overrides
from crawlers.sources import SourceError, load_sources


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('revisit_days = "seven"', "revisit_days must be int or float, not 'seven'"),
        ("max_pages = true", "max_pages must be int, not True"),
        ("download_delay = -1", "download_delay must not be negative"),
        ('allowed_domains = "a.gov.cn"', "allowed_domains must be a list of host names"),
    ],
)
def test_wrongly_typed_source_keys_are_refused(tmp_path: Path, line: str, message: str) -> None:
    entry = tmp_path / "bad.toml"
    entry.write_text(f'name = "bad"\nstart_urls = ["http://a.gov.cn/"]\n{line}\n', "utf-8")
    with pytest.raises(SourceError) as error:
        load_sources(tmp_path)
    assert str(error.value).startswith(str(entry)) and message in str(error.value)


def test_set_values_are_checked_against_scrapy_defaults() -> None:
    assert parse_overrides(["DOWNLOAD_DELAY=0.5", "ROBOTSTXT_OBEY=false", "USER_AGENT=x"]) == {
        "DOWNLOAD_DELAY": 0.5,
        "ROBOTSTXT_OBEY": False,
        "USER_AGENT": "x",
    }
    with pytest.raises(ValueError, match="expected KEY=VALUE"):
        parse_overrides(["FOO"])
    with pytest.raises(ValueError, match="DOWNLOAD_DELAY takes a number, not 'abc'"):
        parse_overrides(["DOWNLOAD_DELAY=abc"])
    with pytest.raises(ValueError, match="ROBOTSTXT_OBEY takes true or false"):
        parse_overrides(["ROBOTSTXT_OBEY=1"])


def test_idle_close_is_a_set_option_and_the_docs_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """``SCENEHUB_IDLE_CLOSE`` is one of our Scrapy settings: ``--set`` takes it (typed as its
    default), the environment does not, and docs/crawling.md shows the ``--set`` form."""
    from core.settings import SettingsError, load_settings
    from crawlers.distributed import redis_settings
    from crawlers.options import CrawlOptions
    from crawlers.run import scrapy_settings
    from crawlers.sources import get_source

    with pytest.raises(ValueError, match="SCENEHUB_IDLE_CLOSE takes a number, not 'soon'"):
        parse_overrides(["SCENEHUB_IDLE_CLOSE=soon"])
    options = CrawlOptions.build(source="sample-portal", set_items=["SCENEHUB_IDLE_CLOSE=30"])
    source = get_source("sample-portal")
    shared = redis_settings(source, "redis://127.0.0.1:6379/0", join=True)
    settings = scrapy_settings(source, "sqlite://", options, distributed=shared)
    assert settings.getfloat("SCENEHUB_IDLE_CLOSE") == 30  # --set wins over the 6 s default
    monkeypatch.setenv("SCENEHUB_IDLE_CLOSE", "30")
    with pytest.raises(SettingsError, match="unknown setting"):
        load_settings()
    docs = (Path(__file__).parents[2] / "docs" / "crawling.md").read_text("utf-8")
    assert "--set SCENEHUB_IDLE_CLOSE=" in docs


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "give either a URL or --source NAME (not both)"),
        ({"url": "http://a/", "source": "b"}, "give either a URL or --source NAME (not both)"),
        ({"url": "http://a/", "join": True}, "--join needs --source NAME"),
        ({"url": "http://a/", "max_pages": -1}, "max-pages: Input should be greater than"),
        ({"url": "http://a/", "allow_networks": ("corp",)}, "'corp' is not a network"),
        ({"url": "http://a/", "set_items": ["RETRY_TIMES=many"]}, "RETRY_TIMES takes a number"),
    ],
)
def test_crawl_options_refuse_bad_values_in_one_line(values: dict[str, Any], message: str) -> None:
    from crawlers.errors import CrawlOptionsError
    from crawlers.options import CrawlOptions

    with pytest.raises(CrawlOptionsError) as error:
        CrawlOptions.build(**values)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert error.value.exit_code == 2


def test_crawl_options_travel_as_json_unchanged() -> None:
    from crawlers.options import CrawlKind, CrawlOptions

    options = CrawlOptions.build(
        url="http://portal.example/list.html",
        kind=CrawlKind.SCENE,
        max_depth=3,
        allow_networks=("10.1.0.0/16",),
        set_items=["DOWNLOAD_DELAY=0.5"],
    )
    assert CrawlOptions.from_json(options.model_dump_json()) == options
