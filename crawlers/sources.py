"""Declarative sources: ``crawlers/sources/*.toml`` (and ``$SCENEHUB_HOME/sources/*.toml``).

A source names its start URLs, kind and portal shape, plus optional overrides (item selector,
encoding, pagination, robots policy, delay, schedule). Sites that need more than this get a
thin spider on top of a base spider, not a new framework.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from crawlers.netguard import NetworkListError, parse_networks

BUILTIN_DIR = Path(__file__).with_name("sources")
KINDS = ("scene", "capability", "auto")
SHAPES = ("auto", "list_detail", "table_page", "attachment_list", "json_api")


class SourceError(ValueError):
    """A source entry that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Source:
    name: str
    start_urls: tuple[str, ...]
    kind: str = "auto"
    shape: str = "auto"
    allowed_domains: tuple[str, ...] = ()
    description: str = ""
    item_selector: str | None = None  # CSS for detail links when the heuristic is not enough
    json_items: str | None = None  # json_api shape: dotted path to the item list
    spider: str | None = None  # dotted path of a thin site spider (a PortalSpider subclass)
    encoding: str | None = None  # force a page encoding (a server that lies about it)
    follow_pagination: bool = True
    #: render list pages in Chromium (scrapy-playwright): for lists that only a browser can
    #: build. Off by default; detail pages and attachments are always fetched plainly.
    browser: bool = False
    max_pages: int = 500
    obey_robots: bool = True
    robots_reason: str | None = None  # why a source ignores robots.txt: kept in every report
    download_delay: float | None = None
    concurrency: int | None = None
    #: networks this source may reach although not public (crawlers/netguard.py), e.g.
    #: ["127.0.0.0/8"] for a portal served on this machine, ["10.1.0.0/16"] for an intranet
    allow_networks: tuple[str, ...] = ()
    revisit_days: float = 7.0  # re-fetch an unchanged detail page at most this often
    schedule: str | None = None  # e.g. "daily 06:00"; run by the operator's scheduler
    path: str | None = None

    @property
    def state_key(self) -> str:
        """Whose page state a crawl reads and writes. Rows are read for one kind: re-crawling
        with another ``--kind`` (after "kind undecided") must re-read every page, so each
        explicit kind keeps its own state."""
        return self.name if self.kind == "auto" else f"{self.name}#{self.kind}"

    def with_base_url(self, base_url: str) -> Source:
        """The same source served elsewhere (the sample portal on another port)."""
        base = urlsplit(base_url)
        urls = tuple(
            urlunsplit(urlsplit(u)._replace(scheme=base.scheme, netloc=base.netloc))
            for u in self.start_urls
        )
        return replace(self, start_urls=urls, allowed_domains=(base.hostname or "",))


def source_for_url(url: str, kind: str) -> Source:
    """An ad-hoc source for ``scenehub crawl URL``: named after the host."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SourceError(f"not an http(s) URL: {url!r}")
    if kind not in KINDS:
        raise SourceError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return Source(
        name=f"url:{parts.hostname}",
        start_urls=(url,),
        kind=kind,
        allowed_domains=(parts.hostname,),
    )


def _parse(path: Path) -> Source:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: not valid TOML: {exc}") from exc
    known = {f.name for f in fields(Source)} - {"path"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SourceError(f"{path}: unknown key(s) {unknown}; known: {sorted(known)}")
    for key in ("name", "start_urls"):
        if key not in data:
            raise SourceError(f"{path}: missing required key {key!r}")
    if not isinstance(data["start_urls"], list) or not data["start_urls"]:
        raise SourceError(f"{path}: start_urls must be a non-empty list of URLs")
    if data.get("kind", "auto") not in KINDS:
        raise SourceError(f"{path}: kind must be one of {KINDS}, not {data['kind']!r}")
    if data.get("shape", "auto") not in SHAPES:
        raise SourceError(f"{path}: shape must be one of {SHAPES}, not {data['shape']!r}")
    if data.get("browser") is True and data.get("shape") == "json_api":
        raise SourceError(f"{path}: browser = true renders HTML list pages; a json_api has none")
    if data.get("obey_robots") is False and not data.get("robots_reason"):
        raise SourceError(f"{path}: obey_robots = false needs a robots_reason (it is recorded)")
    for url in data["start_urls"]:
        if urlsplit(str(url)).scheme not in {"http", "https"}:
            raise SourceError(f"{path}: start URL {url!r} is not http(s)")
    _check_types(path, data)
    data["start_urls"] = tuple(data["start_urls"])
    if "allow_networks" in data:
        data["allow_networks"] = tuple(data["allow_networks"])
    data["allowed_domains"] = tuple(
        data.get("allowed_domains") or {urlsplit(u).hostname for u in data["start_urls"]}
    )
    try:
        return Source(**data, path=str(path))
    except TypeError as exc:
        raise SourceError(f"{path}: {exc}") from exc


#: the TOML type each optional key must have (bool is not accepted where a number is)
_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "description": (str,),
    "item_selector": (str,),
    "json_items": (str,),
    "spider": (str,),
    "encoding": (str,),
    "robots_reason": (str,),
    "schedule": (str,),
    "follow_pagination": (bool,),
    "browser": (bool,),
    "obey_robots": (bool,),
    "max_pages": (int,),
    "concurrency": (int,),
    "download_delay": (int, float),
    "revisit_days": (int, float),
}


def _check_types(path: Path, data: dict[str, object]) -> None:
    for key, types in _TYPES.items():
        value = data.get(key)
        if value is None:
            continue
        wrong_bool = isinstance(value, bool) and bool not in types
        if wrong_bool or not isinstance(value, types):
            wanted = " or ".join(t.__name__ for t in types)
            raise SourceError(f"{path}: {key} must be {wanted}, not {value!r}")
        if key in {"max_pages", "concurrency", "download_delay", "revisit_days"} and (
            isinstance(value, int | float) and value < 0
        ):
            raise SourceError(f"{path}: {key} must not be negative, not {value!r}")
    domains = data.get("allowed_domains")
    if domains is not None and (
        not isinstance(domains, list) or not all(isinstance(d, str) for d in domains)
    ):
        raise SourceError(f"{path}: allowed_domains must be a list of host names")
    networks = data.get("allow_networks")
    if networks is not None:
        if not isinstance(networks, list) or not all(isinstance(n, str) for n in networks):
            raise SourceError(f"{path}: allow_networks must be a list of CIDRs (127.0.0.0/8)")
        try:
            parse_networks(networks)
        except NetworkListError as exc:
            raise SourceError(f"{path}: allow_networks: {exc}") from None


def load_sources(*extra_dirs: Path) -> dict[str, Source]:
    """Every source entry by name; a later directory overrides an earlier one's name."""
    found: dict[str, Source] = {}
    for folder in (BUILTIN_DIR, *extra_dirs):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            source = _parse(path)
            found[source.name] = source
    return found


def get_source(name: str, *extra_dirs: Path) -> Source:
    sources = load_sources(*extra_dirs)
    if name not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise SourceError(f"no source named {name!r}; known sources: {known}")
    return sources[name]


__all__ = ["KINDS", "SHAPES", "Source", "SourceError", "get_source", "load_sources"]
