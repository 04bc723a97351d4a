"""No crawl request reaches a loopback, private, link-local or cloud-metadata address unless
its network is allowed: IP literals, names that resolve there, redirects, attachments.

Only 127.0.0.0/8 is ever connected to. Other addresses appear only as destinations that must
be refused; the end-to-end tests also load a download handler (``netguard_probe``) that logs
every URL Scrapy tries to fetch and itself refuses anything off loopback.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from netguard_probe import SETTING as PROBE
from route_server import RouteServer, detail_page, html, redirect
from scrapy import Request
from typer.testing import CliRunner

from api.cli import app
from crawlers.middlewares.netguard import (
    AddressRefused,
    GuardedResolver,
    NetGuardMiddleware,
    RefusedLookup,
)
from crawlers.netguard import NetworkListError, NetworkPolicy
from crawlers.sources import SourceError, load_sources

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("169.254.10.1", "link_local"),
        ("fe80::1", "link_local"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("100.64.0.1", "cgnat"),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("198.18.0.1", "reserved"),
        # the metadata service hidden in IPv6 forms
        ("::ffff:169.254.169.254", "metadata"),
        ("64:ff9b::a9fe:a9fe", "metadata"),
        ("2002:a9fe:a9fe::1", "metadata"),
    ],
)
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    refusal = NetworkPolicy().refusal(address)
    assert refusal is not None and refusal.kind == kind


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "1.1.1.1"])
def test_public_addresses_pass(address: str) -> None:
    assert NetworkPolicy().refusal(address) is None


def test_allowed_networks_open_only_themselves() -> None:
    policy = NetworkPolicy.allowing("127.0.0.0/8, 10.1.0.0/16")
    assert policy.refusal("127.0.0.1") is None and policy.refusal("10.1.2.3") is None
    assert policy.refusal("10.2.0.1") is not None
    assert policy.refusal("169.254.169.254") is not None
    assert policy.refusal("::1") is not None  # IPv4 loopback allowed, not IPv6's
    with pytest.raises(NetworkListError, match=r"'10\.0\.0\.300/8' is not a network"):
        NetworkPolicy.allowing("10.0.0.300/8")


def test_the_setting_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.settings import SettingsError, load_settings

    monkeypatch.setenv("SCENEHUB_CRAWL_ALLOW_NETWORKS", "127.0.0.0/8,intranet")
    with pytest.raises(SettingsError, match=r"SCENEHUB_CRAWL_ALLOW_NETWORKS.*'intranet'"):
        load_settings()
    monkeypatch.setenv("SCENEHUB_CRAWL_ALLOW_NETWORKS", " 127.0.0.1/8 , 10.1.0.0/16")
    assert load_settings().crawl_allow_networks == "127.0.0.0/8,10.1.0.0/16"


def test_a_source_may_allow_networks_and_a_bad_entry_is_refused(tmp_path: Path) -> None:
    entry = tmp_path / "intranet.toml"
    entry.write_text(
        'name = "intranet"\nstart_urls = ["http://portal.corp/"]\n'
        'allow_networks = ["10.1.0.0/16"]\n',
        "utf-8",
    )
    assert load_sources(tmp_path)["intranet"].allow_networks == ("10.1.0.0/16",)
    assert load_sources()["sample-portal"].allow_networks == ("127.0.0.0/8",)
    entry.write_text('name = "x"\nstart_urls = ["http://a/"]\nallow_networks = ["corp"]\n', "utf-8")
    with pytest.raises(SourceError, match="allow_networks: 'corp' is not a network"):
        load_sources(tmp_path)


def _lookup(table: dict[str, str], calls: list[str]) -> Callable[[str], Awaitable[str]]:
    async def lookup(host: str) -> str:
        calls.append(host)
        return table[host]

    return lookup


def _check(middleware: NetGuardMiddleware, url: str) -> AddressRefused | None:
    try:
        asyncio.run(middleware.process_request(Request(url), spider=None))  # type: ignore[arg-type]
    except AddressRefused as refused:
        return refused
    return None


def test_middleware_refuses_after_resolution_before_any_download(stats: Any) -> None:
    calls: list[str] = []
    table = {"intranet.example": "10.0.0.1", "portal.example": "93.184.216.34"}
    guard = NetGuardMiddleware(NetworkPolicy(), stats, _lookup(table, calls))

    refused = _check(guard, "http://intranet.example/list.html")
    assert refused is not None
    assert str(refused) == (
        "refused http://intranet.example/list.html: 10.0.0.1 is a private address; crawls "
        "reach only public addresses unless SCENEHUB_CRAWL_ALLOW_NETWORKS (or --allow-network) "
        "lists its network"
    )
    assert _check(guard, "https://portal.example/a.xlsx") is None
    # IP literals are judged as written, without a lookup
    metadata = _check(guard, "http://169.254.169.254/latest/meta-data/")
    assert metadata is not None and "the cloud metadata service" in str(metadata)
    assert _check(guard, "http://[fd00:ec2::254]/latest/") is not None
    assert calls == ["intranet.example", "portal.example"]
    # no scheme but http(s): file://, ftp:// ... are never handed to a download handler
    assert _check(guard, "file:///etc/passwd") is not None
    assert _check(guard, "ftp://93.184.216.34/list.xls") is not None
    assert stats["scenehub/refused/private"] == 1
    assert stats["scenehub/refused/metadata"] == 2
    assert stats["scenehub/refused/scheme"] == 2


def test_middleware_uses_the_system_resolver_for_odd_spellings(stats: Any) -> None:
    """``localhost`` and the decimal spelling of 169.254.169.254 are names to a URL parser;
    the resolver turns them into the addresses that are then refused (no DNS query: both are
    answered locally)."""

    async def system(host: str) -> str:
        return socket.gethostbyname(host)

    guard = NetGuardMiddleware(NetworkPolicy(), stats, system)
    localhost = _check(guard, "http://localhost:8750/news/index.html")
    assert localhost is not None and "127.0.0.1 is a loopback address" in str(localhost)
    decimal = _check(guard, "http://2852039166/latest/meta-data/")
    assert decimal is not None and "169.254.169.254 is the cloud metadata service" in str(decimal)
    allowed = NetGuardMiddleware(NetworkPolicy.allowing("127.0.0.0/8"), stats, system)
    assert _check(allowed, "http://localhost:8750/") is None


def test_resolver_never_hands_out_a_refused_address() -> None:
    from twisted.internet import reactor

    resolver = GuardedResolver(reactor, 0, 5.0, NetworkPolicy.allowing("127.0.0.0/8"))  # type: ignore[arg-type]
    assert resolver._check("127.0.0.1") == "127.0.0.1"
    assert resolver._check("93.184.216.34") == "93.184.216.34"
    with pytest.raises(RefusedLookup, match=r"10\.0\.0\.1 is a private address"):
        resolver._check("10.0.0.1")


# -- end to end, through `scenehub crawl` ------------------------------------------------


@pytest.fixture
def probe_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "probe.log"
    log.write_text("", "utf-8")
    monkeypatch.setenv("SCENEHUB_TEST_PROBE_LOG", str(log))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    )
    return log


def _fetched(log: Path) -> list[str]:
    return log.read_text("utf-8").split()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "address", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "cloud metadata"),
        ("http://10.0.0.1/admin/", "10.0.0.1", "a private address"),
        ("http://2852039166/latest/", "169.254.169.254", "cloud metadata"),
    ],
)
def test_a_refused_start_url_is_never_fetched(
    public_only: None,
    cli_env: Path,
    runner: CliRunner,
    probe_log: Path,
    capfd: pytest.CaptureFixture[str],
    url: str,
    address: str,
    why: str,
) -> None:
    result = runner.invoke(app, ["crawl", url, "--fast", "--set", f"DOWNLOAD_HANDLERS={PROBE}"])
    err = capfd.readouterr().err + result.output
    assert result.exit_code == 3, err
    assert f"{address} is" in err and why in err and "SCENEHUB_CRAWL_ALLOW_NETWORKS" in err
    assert "refused addresses:" in result.output  # counted in the report
    assert "Traceback" not in err
    assert _fetched(probe_log) == []  # not even robots.txt


@pytest.mark.slow
def test_an_ipv6_metadata_start_url_is_never_fetched(
    cli_env: Path, runner: CliRunner, probe_log: Path, public_only: None
) -> None:
    # Scrapy's offsite filter drops a bracketed host before the guard sees it; either way
    # nothing is fetched and the crawl ends as one whose start page failed
    url = "http://[fd00:ec2::254]/latest/"
    result = runner.invoke(app, ["crawl", url, "--fast", "--set", f"DOWNLOAD_HANDLERS={PROBE}"])
    assert result.exit_code == 3, result.output
    assert _fetched(probe_log) == []


def test_a_name_that_resolves_to_loopback_is_refused(
    cli_env: Path, runner: CliRunner, capfd: pytest.CaptureFixture[str], public_only: None
) -> None:
    with RouteServer({"/list.html": html(detail_page("巡检场景", "某局"))}) as server:
        result = runner.invoke(app, ["crawl", f"http://localhost:{server.port}/list.html"])
        hits = sum(server.hits.values())
    assert result.exit_code == 3, result.output
    assert "127.0.0.1 is a loopback address" in result.output + capfd.readouterr().err
    assert hits == 0  # no robots.txt, no page


@pytest.mark.slow
def test_the_resolver_refuses_even_with_the_middleware_switched_off(
    cli_env: Path, runner: CliRunner, public_only: None
) -> None:
    off = '{"crawlers.middlewares.netguard.NetGuardMiddleware": null}'
    with RouteServer({"/list.html": html(detail_page("巡检场景", "某局"))}) as server:
        result = runner.invoke(
            app,
            [
                "crawl",
                f"http://localhost:{server.port}/list.html",
                "--fast",
                "--set",
                "RETRY_TIMES=0",
                "--set",
                f"DOWNLOADER_MIDDLEWARES={off}",
            ],
        )
        hits = sum(server.hits.values())
    assert result.exit_code == 3, result.output
    assert "dns (" in result.output and hits == 0


def _portal(server_url: str) -> dict[str, Any]:
    entries = {
        "/d/t20250701_1001.html": "余杭区未来科技城智能巡检场景",
        "/d/t20250701_1002.html": "西湖区社区养老陪护机器人场景",
        "/d/t20250701_1003.html": "滨江区政务大模型问答场景",
    }
    links = "".join(
        f"<li><a href='{path}'>{title}</a><span>2025-07-01</span></li>"
        for path, title in entries.items()
    )
    files = (
        "<a href='http://10.0.0.1/files/list.xlsx'>能力清单.xlsx</a>"
        "<a href='/f/meta.xlsx'>需求清单.xlsx</a><a href='/f/hop.xlsx'>场景清单.xlsx</a>"
    )
    return {
        "/list.html": html(f"<html><body><ul>{links}</ul>{files}</body></html>"),
        "/d/t20250701_1001.html": html(
            detail_page("余杭区未来科技城智能巡检场景", "杭州市余杭区城市管理局")
        ),
        "/d/t20250701_1002.html": redirect("http://169.254.169.254/latest/meta-data/iam/"),
        "/d/t20250701_1003.html": redirect(f"{server_url}/hop"),
        "/hop": redirect("http://10.0.0.1/admin/"),
        # attachments may live on other hosts, so their redirects pass the offsite filter
        "/f/meta.xlsx": redirect("http://169.254.169.254/latest/meta-data/iam.xlsx"),
        "/f/hop.xlsx": redirect(f"{server_url}/f/hop2.xlsx"),
        "/f/hop2.xlsx": redirect("http://10.0.0.1/admin/list.xlsx"),
    }


@pytest.mark.slow
def test_redirects_and_attachments_to_refused_addresses_are_not_followed(
    cli_env: Path, runner: CliRunner, probe_log: Path
) -> None:
    server = RouteServer({})
    server.routes.update(_portal(server.url))
    with server:
        result = runner.invoke(
            app,
            [
                "crawl",
                f"{server.url}/list.html",
                "--kind",
                "scene",
                "--fast",
                "--allow-network",
                "127.0.0.0/8",
                "--set",
                f"DOWNLOAD_HANDLERS={PROBE}",
                "--json",
            ],
        )
    assert result.exit_code == 0, result.output
    import json

    [line] = [text for text in result.output.splitlines() if text.startswith("{")]
    report = json.loads(line)
    refused = {entry["url"] for entry in report["failures"]["refused_address"]}
    assert refused == {
        "http://169.254.169.254/latest/meta-data/iam.xlsx",
        "http://10.0.0.1/admin/list.xlsx",
        "http://10.0.0.1/files/list.xlsx",
    }
    assert report["refused"] == {"metadata": 1, "private": 2}
    assert report["items_new"] == 1
    fetched = _fetched(probe_log)
    # the allowed hops were fetched (the probe works), nothing past them; detail pages that
    # redirect off the portal's host are dropped by Scrapy's offsite filter before that
    assert f"{server.url}/f/meta.xlsx" in fetched and f"{server.url}/f/hop2.xlsx" in fetched
    assert f"{server.url}/d/t20250701_1002.html" in fetched and f"{server.url}/hop" in fetched
    assert all(url.startswith(server.url) for url in fetched), fetched


def test_a_whole_url_is_checked_against_every_address_of_its_host() -> None:
    """For fetchers outside Scrapy's downloader (a browser): one private address among the
    answers is enough to refuse."""
    answers = {"mixed.example": ["93.184.216.34", "10.0.0.7"], "public.example": ["1.1.1.1"]}
    policy = NetworkPolicy()
    mixed = policy.url_refusal("http://mixed.example/x", answers.__getitem__)
    assert mixed is not None and mixed.address == "10.0.0.7"
    assert policy.url_refusal("https://public.example/", answers.__getitem__) is None
    assert policy.url_refusal("http://169.254.169.254/", answers.__getitem__) is not None
    assert policy.url_refusal("data:text/html,hi") is not None
    assert policy.url_refusal("http://localhost:1/") is not None  # the system resolver


def test_the_browsers_own_requests_pass_the_same_guard() -> None:
    """Chromium's sub-requests bypass Scrapy's downloader; the abort predicate refuses them."""
    import asyncio
    from types import SimpleNamespace

    from crawlers.netguard import NetworkPolicy
    from crawlers.spiders.browser import refusing_guard

    guard = refusing_guard(NetworkPolicy.allowing(["127.0.0.0/8"]))

    def aborted(url: str) -> bool:
        return asyncio.run(guard(SimpleNamespace(url=url)))

    assert aborted("http://169.254.169.254/latest/meta-data/")
    assert aborted("http://10.0.0.1/list.html")
    assert aborted("file:///etc/passwd")
    assert not aborted("http://127.0.0.1:8750/col/col1229/index.html")
