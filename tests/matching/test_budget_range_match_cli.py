"""Budget ranges through the real path: a published range is imported from CSV, indexed and
filtered by `scenehub match` (issue 12: the budget filters returned wrong answers)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app


def test_match_filters_on_the_published_range(
    cli_env: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "scenes.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["场景名称", "需求单位", "领域", "预算"])
        writer.writerow(
            ["输电线路无人机巡检", "某供电公司", "低空经济", "50-100万元"]
        )  # was 50 yuan
        writer.writerow(["无人机河道巡检", "某水利局", "低空经济", "300万元"])
        writer.writerow(["无人机森林防火巡检", "某林业局", "低空经济", "面议"])
    assert runner.invoke(app, ["ingest", str(path), "--kind", "scene"]).exit_code == 0
    assert runner.invoke(app, ["index"]).exit_code == 0

    def titles(*args: str) -> dict[str, dict[str, object]]:
        result = runner.invoke(
            app,
            [
                "match",
                "--text",
                "无人机巡检",
                "--against",
                "scene",
                "--json",
                "--no-collapse",
                *args,
            ],
        )
        assert result.exit_code == 0, result.output
        return {r["id"]: r["explanation"]["filters"] for r in json.loads(result.stdout)}

    ranged = "S-"  # ids are derived; find the 50-100万 one by its explanation
    found = titles("--budget-max", "60万")  # 50-100万 starts within 60万; 300万 does not
    assert len(found) == 1
    ((record_id, met),) = found.items()
    assert record_id.startswith(ranged) and met["budget_range"] == [500_000, 1_000_000]
    assert len(titles("--budget-min", "80万")) == 2  # 50-100万 reaches 80万; 300万 too
    gap = runner.invoke(  # a gap between the ranges: nothing fits, and the CLI says why
        app,
        [
            "match",
            "--text",
            "无人机巡检",
            "--against",
            "scene",
            "--budget-min",
            "110万",
            "--budget-max",
            "200万",
        ],
    )
    assert gap.exit_code == 1 and "filters together leave none" in gap.output
