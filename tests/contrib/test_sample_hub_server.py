"""The sample hub as a program: ``scenehub sample-hub serve`` and its ModelScope/GitHub shapes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.cli import app
from contrib.clients.modelscope import ModelScopeClient
from contrib.errors import HubNotFound
from contrib.sample_hub import SampleHubHandle

ROOT = Path(__file__).parents[2]


def test_modelscope_detail_and_github_404(sample_hub: SampleHubHandle) -> None:
    repo = next(r for r in sample_hub.hub.repos.values() if r.on_modelscope and r.created < 0)
    owner, name = repo.repo_id.split("/")
    stat = ModelScopeClient(sample_hub.url).get_model(owner, name)
    assert stat.repo_id == repo.repo_id and stat.downloads_all_time == int(repo.all_time(11) * 0.4)
    with pytest.raises(HubNotFound):
        ModelScopeClient(sample_hub.url).get_model("nobody", "nothing")
    response = httpx.get(f"{sample_hub.url}/orgs/nobody/repos")
    assert response.status_code == 404 and response.json()["message"] == "Not Found"
    assert httpx.get(f"{sample_hub.url}/as-of/1999-01-01/api/models").status_code == 404


@pytest.mark.slow
def test_serve_command_prints_endpoints_and_answers() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "sample-hub",
            "serve",
            "--port",
            "0",
            "--rate-limit-every",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("sample hub at http://127.0.0.1:"), line
        url = line.split()[3]
        models = httpx.get(f"{url}/api/models", params={"author": "yunqi-ai", "limit": 5}).json()
        assert len(models) == 5 and all(m["id"].startswith("yunqi-ai/") for m in models)
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.slow
def test_demo_command_runs_offline(cli_env: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["contrib", "demo", "--months", "2"])
    assert result.exit_code == 0, result.output
    assert "registry registry.csv: 32 new" in result.output
    assert "models as of 2026-12-01" in result.output and "一档" in result.output
    again = runner.invoke(app, ["contrib", "demo", "--months", "2"])
    assert again.exit_code == 0 and "already stored (immutable)" in again.output
