"""`scenehub demo` runs the whole job offline, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.deps import get_store


@pytest.mark.slow
def test_demo_end_to_end_and_idempotent(home: Path, runner: CliRunner) -> None:
    first = runner.invoke(app, ["demo", "--months", "2"])
    assert first.exit_code == 0, first.output
    store = get_store()
    scenes, capabilities = store.count("scene"), store.count("capability")
    assert scenes >= 100 and capabilities >= 100  # bundled samples + the sample portal
    assert "ingest scenes.jsonl: 12 new" in first.stdout
    # the medical-imaging scene's first supplier is the bundled medical-imaging firm
    after_scene = first.stdout.split("suppliers for HZ-2025-S002", 1)[1]
    assert after_scene.split("\n 2.", 1)[0].count("杭州深视医疗科技有限公司") == 1
    assert "models as of" in first.stdout and "一档" in first.stdout

    second = runner.invoke(app, ["demo", "--months", "2"])
    assert second.exit_code == 0, second.output
    assert "ingest scenes.jsonl: 0 new, 0 updated, 12 unchanged" in second.stdout
    assert "0 new, 0 updated" in second.stdout.split("crawl the offline sample portal", 1)[1]
    assert "index capability: 0 added, 0 updated, 0 removed, 0 embedded" in second.stdout
    assert "already stored (immutable)" in second.stdout
    assert (store.count("scene"), store.count("capability")) == (scenes, capabilities)
