from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from core.settings import SettingsError, load_settings


def test_defaults_put_sqlite_in_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SCENEHUB_DATABASE_URL", raising=False)
    monkeypatch.setenv("SCENEHUB_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'scenehub.db'}"


def test_postgres_url_uses_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCENEHUB_DATABASE_URL", "postgresql://u@127.0.0.1:5432/db")
    assert load_settings().resolved_database_url.startswith("postgresql+psycopg://")


def test_unknown_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCENEHUB_DATABSE_URL", "sqlite:///typo.db")
    with pytest.raises(SettingsError, match=r"unknown setting.*SCENEHUB_DATABSE_URL"):
        load_settings()


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCENEHUB_DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(SettingsError, match=r"SCENEHUB_DATABASE_URL: .*unsupported database URL"):
        load_settings()
    monkeypatch.setenv("SCENEHUB_DATABASE_URL", "sqlite:///ok.db")
    monkeypatch.setenv("SCENEHUB_ENVIRONMENT", "staging")
    with pytest.raises(SettingsError, match="SCENEHUB_ENVIRONMENT"):
        load_settings()


def test_cli_reports_bad_settings_at_start(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.cli import main

    monkeypatch.setenv("SCENEHUB_DATABASE_URL", "oracle://x")
    monkeypatch.setattr("sys.argv", ["scenehub", "records", "list"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "invalid settings: SCENEHUB_DATABASE_URL" in capsys.readouterr().err


def test_db_upgrade_is_idempotent(home: Path, runner: CliRunner) -> None:
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    from core.db import head_revisions, make_engine

    heads = head_revisions(make_engine(f"sqlite:///{home / 'scenehub.db'}"))
    assert first.stdout.strip() == f"schema at {', '.join(sorted(heads))}"
    assert runner.invoke(app, ["db", "upgrade"]).stdout == first.stdout
    assert (home / "scenehub.db").exists()


def test_unknown_embedder_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCENEHUB_EMBEDDER", "bert")
    with pytest.raises(SettingsError, match=r"SCENEHUB_EMBEDDER: .*unknown embedder 'bert'"):
        load_settings()
    monkeypatch.setenv("SCENEHUB_EMBEDDER", "sentence-transformers:BAAI/bge-small-zh-v1.5")
    assert load_settings().embedder == "sentence-transformers:BAAI/bge-small-zh-v1.5"
