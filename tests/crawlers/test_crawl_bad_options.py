"""Bad source entries and --set values are refused up front with the key named."""

from __future__ import annotations

from pathlib import Path

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
