"""The one definition of a crawl's options: built by ``scenehub crawl``, run by ``crawlers.run``.

The CLI builds a :class:`CrawlOptions`, the child process receives it as JSON and validates it
again (the same model), so there is no second argument parser to keep in step.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawlers.errors import CrawlOptionsError
from crawlers.netguard import NetworkListError, parse_networks

#: an ad-hoc URL crawl follows links it knows nothing about: bounded unless told otherwise
URL_CRAWL_MAX_PAGES = 500
URL_CRAWL_MAX_DEPTH = 5


class CrawlKind(StrEnum):
    SCENE = "scene"
    CAPABILITY = "capability"
    AUTO = "auto"


class CrawlOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str | None = None
    source: str | None = None
    kind: CrawlKind | None = None  # None: the source's own kind; auto for a URL
    base_url: str | None = None
    fast: bool = False
    progress: bool = False
    distributed: bool = False
    join: bool = False
    max_pages: int | None = Field(default=None, ge=0)  # 0: no limit; None: the default
    max_depth: int | None = Field(default=None, ge=0)
    allow_networks: tuple[str, ...] = ()
    settings: dict[str, Any] = Field(default_factory=dict)  # Scrapy settings (--set)
    parent_pid: int | None = None  # the child dies with this process

    @model_validator(mode="after")
    def _one_target(self) -> CrawlOptions:
        if (self.url is None) == (self.source is None):
            raise ValueError("give either a URL or --source NAME (not both)")
        if self.join and self.source is None:
            raise ValueError("--join needs --source NAME (the crawl to join)")
        return self

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        try:
            return tuple(str(network) for network in parse_networks(value))
        except NetworkListError as exc:
            raise ValueError(f"--allow-network {exc}") from None

    @field_validator("settings")
    @classmethod
    def _settings(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, item in value.items():
            check_setting(key, item, json.dumps(item))
        return value

    @classmethod
    def build(cls, *, set_items: list[str] | None = None, **values: Any) -> CrawlOptions:
        """Options from the CLI's values and ``--set KEY=VALUE`` items; a problem is a
        :class:`CrawlOptionsError` with one line saying which option and why."""
        try:
            if set_items:
                values["settings"] = {**values.get("settings", {}), **parse_overrides(set_items)}
            return cls(**values)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError too
            raise CrawlOptionsError(_one_line(exc)) from None

    @classmethod
    def from_json(cls, text: str) -> CrawlOptions:
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            raise CrawlOptionsError(_one_line(exc)) from None

    @property
    def page_limit(self) -> int:
        """Pages (responses) after which the crawl stops; 0: none."""
        if self.max_pages is not None:
            return self.max_pages
        return URL_CRAWL_MAX_PAGES if self.url else 0

    @property
    def depth_limit(self) -> int:
        """Links followed from a start page, one after another; 0: no limit."""
        if self.max_depth is not None:
            return self.max_depth
        return URL_CRAWL_MAX_DEPTH if self.url else 0


def _one_line(exc: ValueError) -> str:
    if not isinstance(exc, ValidationError):
        return str(exc)
    problems = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        where = ".".join(str(part) for part in error["loc"])
        problems.append(f"{where.replace('_', '-')}: {message}" if where else message)
    return "; ".join(problems)


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` Scrapy settings; values parsed as JSON when they are (numbers, true,
    lists). A value whose type disagrees with the default for a number or a switch is
    refused here, not discovered as a failure on every request."""
    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip() or not key.replace("_", "").isalnum() or not key.isupper():
            raise ValueError(
                f"--set {item!r}: expected KEY=VALUE with an upper-case Scrapy setting name"
            )
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        check_setting(key, value, text)
        overrides[key] = value
    return overrides


def check_setting(key: str, value: Any, text: str) -> None:
    """Refuse a value whose type is not that of the setting's default (Scrapy's or ours)."""
    from scrapy.settings import default_settings

    from crawlers import settings as crawl_settings

    default = getattr(crawl_settings, key, getattr(default_settings, key, None))
    if isinstance(default, bool) and not isinstance(value, bool):
        raise ValueError(f"--set {key} takes true or false, not {text!r}")
    if (
        isinstance(default, int | float)
        and not isinstance(default, bool)
        and (isinstance(value, bool) or not isinstance(value, int | float))
    ):
        raise ValueError(f"--set {key} takes a number, not {text!r}")


__all__ = [
    "URL_CRAWL_MAX_DEPTH",
    "URL_CRAWL_MAX_PAGES",
    "CrawlKind",
    "CrawlOptions",
    "check_setting",
    "parse_overrides",
]
