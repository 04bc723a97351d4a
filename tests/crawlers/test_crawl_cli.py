"""``scenehub crawl / sources / crawls`` through the typer app (crawls run in a child process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from crawlers.sample_portal import serve_in_thread
from crawlers.sample_portal.data import portal_data

#: every item the sample-portal source reaches (the generator's truth, not the crawler's)
PORTAL_ITEMS = len(portal_data(1).all_scenes()) + len(portal_data(1).all_capabilities())


@pytest.mark.slow
def test_crawl_source_then_list_and_show(cli_env: Path, runner: CliRunner) -> None:
    with serve_in_thread() as portal:
        result = runner.invoke(
            app, ["crawl", "--source", "sample-portal", "--base-url", portal.url, "--fast"]
        )
    assert result.exit_code == 0, result.output
    assert f"{PORTAL_ITEMS} new, 0 updated, 0 unchanged" in result.output
    assert "failures: 0" in result.output

    listed = runner.invoke(app, ["crawls", "list"])
    assert listed.exit_code == 0 and "sample-portal  finished" in listed.output
    shown = runner.invoke(app, ["crawls", "show", "1"])
    assert shown.exit_code == 0 and "pages fetched:" in shown.output
    as_json = runner.invoke(app, ["crawls", "show", "1", "--json"])
    assert f'"items_new": {PORTAL_ITEMS}' in as_json.output
    sources = runner.invoke(app, ["sources", "list"])
    assert sources.exit_code == 0
    assert "last crawl #1" in sources.output and f"finished: {PORTAL_ITEMS} new" in sources.output
    assert "example-gov" in sources.output and "never crawled" in sources.output


@pytest.mark.slow
def test_crawl_one_attachment_url_with_a_kind(cli_env: Path, runner: CliRunner) -> None:
    with serve_in_thread() as portal:
        result = runner.invoke(
            app,
            [
                "crawl",
                f"{portal.url}/uploads/2025/jihui_xiaoshan.xls",
                "--kind",
                "scene",
                "--fast",
                "--allow-network",
                "127.0.0.1/32",
            ],
        )
    assert result.exit_code == 0, result.output
    assert "20 new" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give either a URL or --source"),
        (["http://127.0.0.1:1/", "--source", "sample-portal"], "give either a URL or --source"),
        (["http://127.0.0.1:1/", "--kind", "people"], "Invalid value for '--kind'"),
    ],
)
def test_crawl_bad_arguments(
    cli_env: Path, runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["crawl", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_unknown_source_and_bad_url_are_clear_errors(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["crawl", "--source", "nope"])
    assert result.exit_code == 2
    assert "error: no source named 'nope'" in result.output
    result = runner.invoke(app, ["crawl", "not-a-url"])
    assert result.exit_code == 2
    assert "error: not an http(s) URL" in result.output


def test_show_unknown_crawl(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["crawls", "show", "99"])
    assert result.exit_code == 1 and "no crawl with id 99" in result.output
    assert "no crawls yet" in runner.invoke(app, ["crawls", "list"]).output


def test_unreachable_portal_is_reported_and_fails(
    cli_env: Path, runner: CliRunner, capfd: pytest.CaptureFixture[str]
) -> None:
    result = runner.invoke(
        app,
        [
            "crawl",
            "http://127.0.0.1:9/list.html",
            "--fast",
            "--allow-network",
            "127.0.0.0/8",
            "--set",
            "RETRY_TIMES=0",
        ],
    )
    assert result.exit_code == 3, result.output
    assert "connection (" in result.output and "http://127.0.0.1:9/list.html" in result.output
    assert "error: the start page could not be fetched (connection: " in result.output
    assert "Traceback" not in capfd.readouterr().err  # the crawl child's messages


@pytest.mark.slow
def test_demo_helper_crawls_the_sample_portal(cli_env: Path, public_only: None) -> None:
    from api.commands.crawl import crawl_sample_portal
    from api.deps import get_store

    report = crawl_sample_portal()
    assert report["status"] == "finished" and report["items_new"] == PORTAL_ITEMS
    assert get_store().count() == PORTAL_ITEMS


def test_sample_portal_serve_command(tmp_path: Path) -> None:
    import subprocess
    import sys
    import urllib.request

    from portal_helpers import ROOT

    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "sample-portal", "serve", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = line.split()[3]  # "sample portal at http://127.0.0.1:PORT (Ctrl-C stops)"
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{url}/news/index.html", timeout=10) as response:
            assert "通知公告" in response.read().decode("gbk")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_sample_portal_port_in_use(runner: CliRunner, cli_env: Path) -> None:
    from crawlers.sample_portal import serve_in_thread

    with serve_in_thread() as portal:
        port = portal.url.rsplit(":", 1)[1]
        result = runner.invoke(app, ["sample-portal", "serve", "--port", port])
    assert result.exit_code == 1 and "cannot listen on" in result.output


def test_crawl_is_a_function_with_one_way_to_fail(cli_env: Path) -> None:
    """Commands are module-level functions; a CrawlError is the one way they fail, mapped to
    ``error: …`` and its own exit status by the idiom every command shares (translate)."""
    from api.commands.crawl import crawl
    from api.services.errors import ServiceError, translate
    from crawlers.errors import CrawlOptionsError, NothingFound, StartPagesFailed

    with pytest.raises(CrawlOptionsError):
        crawl(url="http://127.0.0.1:1/", source="sample-portal")
    for error, status in ((CrawlOptionsError, 2), (StartPagesFailed, 3), (NothingFound, 4)):
        with pytest.raises(ServiceError) as mapped, translate():
            raise error("the reason")
        assert (mapped.value.exit_code, str(mapped.value)) == (status, "the reason")
    result = CliRunner().invoke(app, ["crawl", "http://127.0.0.1:1/", "--source", "x"])
    assert result.exit_code == 2 and result.output.startswith("error: ")


def test_the_serve_loop_closes_its_socket_on_ctrl_c() -> None:
    """One foreground loop for ``python -m crawlers.sample_portal`` and the CLI."""
    from crawlers.sample_portal.server import make_server, serve_until_interrupted

    server = make_server()

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    server.serve_forever = interrupted  # type: ignore[method-assign]
    serve_until_interrupted(server)  # returns: Ctrl-C is the normal way to stop
    assert server.socket.fileno() == -1  # closed
