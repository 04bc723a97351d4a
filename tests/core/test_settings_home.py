"""Issue 12: the home is absolute and found the same way from any folder; `.env` and the
environment name an unknown setting alike; commands say which store they read when empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from core.settings import SettingsError, load_settings


@pytest.mark.parametrize(("value", "why"), [("", "is empty"), ("data", "is relative")])
def test_empty_or_relative_home_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str, why: str
) -> None:
    monkeypatch.setenv("SCENEHUB_HOME", value)
    with pytest.raises(SettingsError, match=f"SCENEHUB_HOME: .*{why}"):
        load_settings()


def test_default_home_does_not_follow_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SCENEHUB_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    homes = set()
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        homes.add(load_settings().home)
    assert homes == {tmp_path / "data" / "scenehub"}
    monkeypatch.delenv("XDG_DATA_HOME")
    assert load_settings().home == Path.home() / ".local" / "share" / "scenehub"


def test_unknown_name_in_dotenv_reads_like_the_environment_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SCENEHUB_TYPO=1\n", "utf-8")
    with pytest.raises(SettingsError) as from_file:
        load_settings()
    assert "SCENEHUB_TYPO (in .env)" in str(from_file.value)
    assert "SCENEHUB_SCENEHUB" not in str(from_file.value)
    (tmp_path / ".env").write_text("SCENEHUB_EMBEDDER=bert\n", "utf-8")
    with pytest.raises(SettingsError, match=r"invalid settings: SCENEHUB_EMBEDDER: "):
        load_settings()


def test_reading_an_empty_store_says_which_store(home: Path, runner: CliRunner) -> None:
    store_file = home / "scenehub.db"
    for args in (["records", "list"], ["records", "export"], ["records", "show", "S-1"]):
        result = runner.invoke(app, args)
        assert f"the store is empty: SQLite file {store_file}" in result.stderr, args


@pytest.mark.parametrize(
    "args",
    [
        ["index"],
        ["match", "--text", "智慧交通", "--against", "capability"],
        ["match", "--scene", "S-1"],
        ["alerts"],
        ["loop", "funnel"],
    ],
    ids=["index", "match-text", "match-scene", "alerts", "loop-funnel"],
)
def test_every_command_reading_records_says_which_store_when_empty(
    home: Path, runner: CliRunner, args: list[str]
) -> None:
    """The note is given by the one decorator every record-reading command wears, on success
    (after the output) and on failure (in the one error line)."""
    result = runner.invoke(app, args)
    assert f"the store is empty: SQLite file {home / 'scenehub.db'}" in result.stderr, result.output
    if result.exit_code:
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
