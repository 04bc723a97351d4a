"""A crawl that could not do its job says so in its exit status, with a one-line reason and
no traceback: scripts and the scheduler tell "finished" from "nothing worked"."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest
from route_server import RouteServer, detail_page, html
from typer.testing import CliRunner

from api.cli import app
from crawlers.errors import NothingFound, StartPagesFailed
from crawlers.outcome import outcome

LOOPBACK = ["--fast", "--allow-network", "127.0.0.0/8", "--set", "RETRY_TIMES=0"]
RANDOM = bytes(range(256)) * 12  # no charset can make a list of this


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _crawl(runner: CliRunner, capfd: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["crawl", *args])
    child = capfd.readouterr().err
    assert "Traceback" not in child + result.output
    return result.exit_code, result.output


@pytest.fixture
def server() -> Any:
    routes = {
        "/ok.html": html(detail_page("余杭区未来科技城智能巡检场景", "杭州市余杭区城市管理局")),
        "/random.html": (200, {"Content-Type": "text/html"}, RANDOM),
        "/random.bin": (200, {"Content-Type": "application/octet-stream"}, RANDOM),
        "/empty.html": html("<html><body><p>暂无内容</p></body></html>"),
    }
    with RouteServer(routes) as running:
        yield running


@pytest.mark.slow
def test_a_404_start_page_fails_with_status_3(
    cli_env: Path, runner: CliRunner, capfd: pytest.CaptureFixture[str], server: RouteServer
) -> None:
    code, output = _crawl(runner, capfd, f"{server.url}/missing.html", *LOOPBACK)
    assert code == StartPagesFailed.exit_code == 3, output
    assert f"error: the start page could not be fetched (http_404: {server.url}/missing.html" in (
        output
    )
    listed = runner.invoke(app, ["crawls", "list"]).output
    assert "url:127.0.0.1  failed" in listed  # stored as what it was, not "finished"
    shown = runner.invoke(app, ["crawls", "show", "1", "--json"]).output
    assert '"reason": "the start page could not be fetched (http_404' in shown


@pytest.mark.slow
def test_a_refused_connection_fails_with_status_3(
    cli_env: Path, runner: CliRunner, capfd: pytest.CaptureFixture[str]
) -> None:
    code, output = _crawl(runner, capfd, f"http://127.0.0.1:{_free_port()}/list.html", *LOOPBACK)
    assert code == 3, output
    assert "could not be fetched (connection: " in output


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/random.html", "/random.bin", "/empty.html"])
def test_a_page_with_no_list_fails_with_status_4(
    cli_env: Path,
    runner: CliRunner,
    capfd: pytest.CaptureFixture[str],
    server: RouteServer,
    path: str,
) -> None:
    code, output = _crawl(runner, capfd, f"{server.url}{path}", *LOOPBACK)
    assert code == NothingFound.exit_code == 4, output
    assert "error: no items found (" in output
    assert "url:127.0.0.1  empty" in runner.invoke(app, ["crawls", "list"]).output


@pytest.mark.slow
def test_a_page_with_an_item_finishes_with_status_0(
    cli_env: Path, runner: CliRunner, capfd: pytest.CaptureFixture[str], server: RouteServer
) -> None:
    code, output = _crawl(runner, capfd, f"{server.url}/ok.html", "--kind", "scene", *LOOPBACK)
    assert code == 0, output
    assert "1 new" in output


@pytest.mark.slow
def test_the_sample_portal_not_running_says_how_to_start_it(
    cli_env: Path, runner: CliRunner, capfd: pytest.CaptureFixture[str], public_only: None
) -> None:
    # no network allowed but by the sample portal's own entry: it connects (and is refused)
    base = f"http://127.0.0.1:{_free_port()}"
    code, output = _crawl(
        runner, capfd, "--source", "sample-portal", "--base-url", base, "--set", "RETRY_TIMES=0"
    )
    assert code == 3, output
    assert re.search(r"none of the \d+ start pages could be fetched \(connection: ", output)
    assert "Start it with `scenehub sample-portal serve`" in output


def _report(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "status": "finished",
        "source": "url:h",
        "start_urls": ["http://h/"],
        "start_pages": 1,
        "start_pages_ok": 1,
        "pages_fetched": 3,
        "items_scraped": 0,
        "dropped_schema": 0,
        "dropped_duplicate": 0,
        "incremental": {},
        "failures": {},
        "failure_count": 0,
    }
    return {**base, **values}


def test_outcome_of_reports() -> None:
    assert outcome(_report(items_scraped=4)) is None
    # an unchanged portal re-crawled: nothing scraped, because nothing changed
    assert outcome(_report(incremental={"skipped/detail": 60})) is None
    # every row rejected is a problem the report shows, not "nothing found"
    assert outcome(_report(dropped_schema=5)) is None
    # a joining distributed worker has no start pages of its own
    assert outcome(_report(start_pages=0, start_pages_ok=0, items_scraped=2)) is None
    empty = outcome(
        _report(list_pages_empty=2, limits={"page_limit_reached": True, "max_pages": 3})
    )
    assert isinstance(empty, NothingFound)
    assert str(empty).startswith(
        "no items found (3 pages fetched); 2 list pages without entries; "
        "stopped at the page limit of 3"
    )
    failed = outcome(
        _report(
            start_pages_ok=0,
            failure_count=1,
            failures={"dns": [{"url": "http://h/", "detail": "no such host"}]},
        )
    )
    assert isinstance(failed, StartPagesFailed) and failed.exit_code == 3
    assert str(failed) == "the start page could not be fetched (dns: http://h/ no such host)"
    assert outcome(_report(status="interrupted")).exit_code == 130  # type: ignore[union-attr]


def test_exit_codes_are_documented(runner: CliRunner) -> None:
    text = (Path(__file__).parents[2] / "docs" / "crawling.md").read_text("utf-8")
    help_text = runner.invoke(app, ["crawl", "--help"], env={"COLUMNS": "200"}).output
    for code, words in [(3, "no start page"), (4, "no items found")]:
        assert f"{code} {words}" in " ".join(help_text.split()), help_text
        assert f"| {code} | {words}" in text
