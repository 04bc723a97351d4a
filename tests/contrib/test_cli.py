"""The ``scenehub contrib`` contract, through typer's CliRunner."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from contrib.sample_hub import SampleHubHandle, registry_path

DATA = Path(__file__).parents[1] / "data" / "contrib"


def _pull(runner: CliRunner, hub: SampleHubHandle, day: str) -> None:
    url = hub.endpoint(date.fromisoformat(day))
    result = runner.invoke(
        app,
        [
            "contrib",
            "pull",
            "--hf-endpoint",
            url,
            "--modelscope-endpoint",
            url,
            "--github-endpoint",
            url,
            "--as-of",
            day,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "parts fetched" in result.output


@pytest.mark.slow
def test_registry_pull_rank_json_and_export(
    cli_env: Path, runner: CliRunner, sample_hub: SampleHubHandle, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["contrib", "registry", "import", str(registry_path())])
    assert result.exit_code == 0, result.output
    assert "32 new" in result.output
    for day in ("2026-11-01", "2026-12-01"):
        _pull(runner, sample_hub, day)
    result = runner.invoke(app, ["contrib", "rank", "--category", "models", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and sum(1 for r in rows if r["tier"]) <= 10
    assert {"enterprise", "rank", "score", "tier", "components", "flags", "evidence"} <= set(
        rows[0]
    )
    assert rows[0]["rank"] == 1 and rows[0]["tier"] == "一档"
    again = runner.invoke(app, ["contrib", "rank", "--category", "models", "--json"])
    assert again.stdout == result.stdout
    early = runner.invoke(
        app, ["contrib", "rank", "--category", "models", "--json", "--as-of", "2026-11-15"]
    )
    assert early.exit_code == 0 and early.stdout != result.stdout
    table = runner.invoke(app, ["contrib", "rank", "--category", "operators"])
    assert table.exit_code == 0 and "operators as of 2026-12-01" in table.output
    out = tmp_path / "awards.xlsx"
    result = runner.invoke(app, ["contrib", "export", "--format", "xlsx", "--output", str(out)])
    assert result.exit_code == 0 and out.stat().st_size > 1000
    csv_out = runner.invoke(app, ["contrib", "export", "--format", "csv", "--category", "datasets"])
    assert csv_out.exit_code == 0 and "datasets,1," in csv_out.stdout


def test_unknown_category_and_format_are_clear_errors(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["contrib", "rank", "--category", "spaces"])
    assert result.exit_code == 2 and "unknown category 'spaces'" in result.output
    result = runner.invoke(app, ["contrib", "export", "--format", "pdf"])
    assert result.exit_code == 2 and "'pdf' is not one of" in result.output
    result = runner.invoke(app, ["contrib", "rank", "--category", "models"])
    assert result.exit_code == 1 and "no complete snapshot" in result.output


def test_unknown_category_reads_the_same_on_the_cli_and_the_api(
    cli_env: Path, runner: CliRunner
) -> None:
    """With no snapshot at all, a bogus category is still an unknown category (not "no complete
    snapshot"), and the CLI says it in the API's words: one check, made first."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app()) as client:
        answers = [client.get("/api/v1/rankings/bogus"), client.get("/rankings/bogus")]
    expected = "unknown category 'bogus'; known: datasets, models, operators"
    assert [(a.status_code, a.json()["detail"][0]["msg"]) for a in answers] == [(404, expected)] * 2
    for args in (["rank"], ["export", "--format", "csv"]):
        result = runner.invoke(app, ["contrib", *args, "--category", "bogus"])
        assert result.exit_code == 2 and f"error: {expected}" in result.output, result.output


def test_broken_registry_imports_nothing(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["contrib", "registry", "import", str(DATA / "registry_broken.csv")]
    )
    assert result.exit_code == 1 and "line 4: uscc 'BADCODE'" in result.output
    result = runner.invoke(app, ["contrib", "pull", "--as-of", "2026-12-01"])
    assert result.exit_code == 1 and "no enterprises stored" in result.output


def test_hub_answering_html_fails_clearly(cli_env: Path, runner: CliRunner) -> None:
    from contrib.sample_hub import generate, serve_in_thread

    handle = serve_in_thread(generate(), fault_accounts=frozenset({"yunqi-ai"}))
    try:
        runner.invoke(app, ["contrib", "registry", "import", str(DATA / "registry_ok.yaml")])
        yaml_hub = DATA / "one_hf_account.csv"
        result = runner.invoke(
            app,
            [
                "contrib",
                "pull",
                "--registry",
                str(yaml_hub),
                "--hf-endpoint",
                handle.url,
                "--modelscope-endpoint",
                handle.url,
                "--github-endpoint",
                handle.url,
                "--as-of",
                "2026-12-01",
            ],
        )
    finally:
        handle.stop()
    assert result.exit_code == 1
    assert "expected JSON" in result.output and "stays partial" in result.output
    rank = runner.invoke(app, ["contrib", "rank", "--category", "models"])
    assert "no complete snapshot" in rank.output
