"""The crawl's child process: bounded for ad-hoc URLs, gone when its parent is killed, and
deaf to packages in the working directory that share our names."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from portal_helpers import ROOT, crawl_env
from route_server import Answer, Route, RouteServer, detail_page, html
from typer.testing import CliRunner

from api.cli import app
from crawlers.options import CrawlOptions
from crawlers.run import scrapy_settings
from crawlers.sources import get_source, source_for_url

LOOPBACK = ["--fast", "--allow-network", "127.0.0.0/8"]
DEPTH_2 = ["--max-depth", "2", "--json"]
PAGES_20 = ["--max-pages", "20", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=4"]


def test_url_crawls_are_bounded_by_default_and_sources_are_not() -> None:
    url = CrawlOptions(url="http://portal.example/list.html")
    settings = scrapy_settings(source_for_url(str(url.url), "auto"), "sqlite://", url)
    assert settings.getint("CLOSESPIDER_PAGECOUNT") == 500
    assert settings.getint("DEPTH_LIMIT") == 5
    source = CrawlOptions(source="sample-portal")
    settings = scrapy_settings(get_source("sample-portal"), "sqlite://", source)
    assert settings.getint("CLOSESPIDER_PAGECOUNT") == 0 and settings.getint("DEPTH_LIMIT") == 0
    chosen = CrawlOptions(url="http://portal.example/", max_pages=0, max_depth=2)
    assert (chosen.page_limit, chosen.depth_limit) == (0, 2)


def _self_links(query: str) -> Answer:
    # (kept to 100: reading a page's pagination links costs links × pages in links.py)
    links = "".join(f"<a href='list.html?page={n}'>{n}</a> " for n in range(1, 101))
    return html(f"<html><body><p>第{query}页</p>{links}</body></html>")


def _chain_page(number: int) -> Answer:
    """A list page of two dated entries (article-style URLs) and a next-page link."""
    entries = "".join(
        f"<li><a href='/d/{number}0{n}.html'>第{number}0{n}个智能巡检场景</a>"
        f"<span>2025-07-0{number % 9 + 1}</span></li>"
        for n in (1, 2)
    )
    return html(
        f"<html><body><ul>{entries}</ul><a href='index_{number + 1}.html'>下一页</a></body></html>"
    )


@pytest.fixture
def trap() -> RouteServer:
    routes: dict[str, Route] = {"/trap/list.html": _self_links}
    for number in range(6):
        routes[f"/chain/index_{number}.html"] = _chain_page(number)
        for n in (1, 2):
            routes[f"/d/{number}0{n}.html"] = html(
                detail_page(f"第{number}0{n}个智能巡检场景", "某区城管局")
            )
    return RouteServer(routes)


@pytest.mark.slow
def test_a_page_of_self_links_stops_at_the_page_limit(
    cli_env: Path, runner: CliRunner, trap: RouteServer
) -> None:
    with trap:
        result = runner.invoke(
            app,
            ["crawl", f"{trap.url}/trap/list.html?page=1", *LOOPBACK, *PAGES_20],
        )
    assert result.exit_code == 4, result.output  # nothing found, and it says why
    assert "stopped at the page limit (20 pages)" in result.output
    assert "stopped at the page limit of 20" in result.output
    assert sum(trap.hits.values()) < 60  # of the 100 list pages queued (some were in flight)


@pytest.mark.slow
def test_the_depth_limit_is_kept_and_reported(
    cli_env: Path, runner: CliRunner, trap: RouteServer
) -> None:
    with trap:
        result = runner.invoke(
            app,
            ["crawl", f"{trap.url}/chain/index_0.html", "--kind", "scene", *LOOPBACK, *DEPTH_2],
        )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    # list page 2 is at depth 2: its two details and list page 3 (depth 3) are not fetched
    assert report["limits"]["max_depth"] == 2 and report["limits"]["depth_skipped"] == 3
    assert report["items_new"] == 4  # the details of list pages 0 and 1 (depths 1 and 2)
    assert "/chain/index_3.html" not in trap.hits and "/d/201.html" not in trap.hits


@pytest.mark.slow
def test_the_crawl_dies_with_its_parent(tmp_path: Path) -> None:
    env = crawl_env(tmp_path / "home", f"sqlite:///{tmp_path / 'store.db'}")
    with RouteServer({"/slow.html": html("<html></html>")}, delay=30) as server:
        parent = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "crawl", f"{server.url}/slow.html", *LOOPBACK],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while not server.hits["/slow.html"] and time.monotonic() < deadline:
                time.sleep(0.1)
            children = psutil.Process(parent.pid).children()
            assert server.hits["/slow.html"] and len(children) == 1
            crawl = children[0]
            parent.send_signal(signal.SIGKILL)
            parent.wait(timeout=10)
            gone_by = time.monotonic() + 3
            while _alive(crawl) and time.monotonic() < gone_by:
                time.sleep(0.05)
            assert not _alive(crawl), "the crawl outlived its parent"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(parent.pid, signal.SIGKILL)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.slow
def test_packages_in_the_working_directory_do_not_shadow_ours(
    cli_env: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started from another Scrapy project's folder (its own core/ and crawlers/)."""
    project = tmp_path / "other-project"
    for package in ("core", "crawlers"):
        (project / package).mkdir(parents=True)
        (project / package / "__init__.py").write_text(
            f"raise SystemExit('the working directory {package}/ was imported')\n", "utf-8"
        )
    (project / "crawlers" / "run.py").write_text("raise SystemExit('wrong crawlers.run')\n")
    monkeypatch.chdir(project)
    routes: dict[str, Route] = {
        "/ok.html": html(detail_page("余杭区未来科技城智能巡检场景", "杭州市余杭区城市管理局"))
    }
    with RouteServer(routes) as server:
        result = runner.invoke(
            app, ["crawl", f"{server.url}/ok.html", "--kind", "scene", *LOOPBACK]
        )
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
