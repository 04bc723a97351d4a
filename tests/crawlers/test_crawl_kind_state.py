"""Page state is kept per kind: re-crawling with another --kind re-reads every page."""

from __future__ import annotations

from pathlib import Path

from portal_helpers import crawl_env, run_crawl

from crawlers.sample_portal import serve_in_thread
from crawlers.sources import source_for_url


def test_state_key_separates_explicit_kinds() -> None:
    auto = source_for_url("http://127.0.0.1:1/lists/table.html", "auto")
    scene = source_for_url("http://127.0.0.1:1/lists/table.html", "scene")
    assert auto.name == scene.name  # one source, as the operator sees it
    assert len({auto.state_key, scene.state_key}) == 2


def test_recrawl_with_another_kind_rereads_rows(tmp_path: Path) -> None:
    env = crawl_env(tmp_path / "home", f"sqlite:///{tmp_path / 'store.db'}")
    with serve_in_thread() as portal:
        url = f"{portal.url}/lists/jiebang.html"
        first = run_crawl(env, "--url", url, "--kind", "auto", "--fast")
        rows = first["items_new"]
        assert rows > 0
        again = run_crawl(env, "--url", url, "--kind", "auto", "--fast")
        assert again["items_new"] + again["items_unchanged"] == 0  # same kind: nothing re-read
        explicit = run_crawl(env, "--url", url, "--kind", "capability", "--fast")
        # another kind reads every row again (here the same kind was decided: all unchanged)
        assert explicit["items_new"] + explicit["items_unchanged"] == rows
