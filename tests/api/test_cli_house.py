"""The CLI's house rules: module-level commands, one failure idiom, users, demo accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.commands import demo, records
from api.services.errors import NotFound, UsageError


def test_commands_are_plain_functions_raising_domain_errors(cli_env: Path) -> None:
    with pytest.raises(NotFound, match="no record with id 'nope'"):
        records.show("nope")


def test_one_idiom_maps_errors_to_exit_status(cli_env: Path, runner: CliRunner) -> None:
    missing = runner.invoke(app, ["records", "show", "nope"])
    assert missing.exit_code == NotFound.exit_code == 1
    # one error line; the store is empty here, so it also says which store was read
    assert missing.stderr.startswith("error: no record with id 'nope'; the store is empty: ")
    assert missing.stderr.count("\n") == 1
    bad_date = runner.invoke(app, ["contrib", "rank", "--category", "models", "--as-of", "May"])
    assert bad_date.exit_code == UsageError.exit_code == 2
    assert "--as-of must be YYYY-MM-DD" in bad_date.stderr
    legs = runner.invoke(app, ["match", "--text", "x", "--against", "scene", "--legs", "both"])
    assert legs.exit_code == 2 and "'both' is not one of" in legs.stderr


def test_users_add_list_disable(cli_env: Path, runner: CliRunner) -> None:
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "hosp",
            "--role",
            "publisher",
            "--org",
            "某医院",
            "--password",
            "s3cret-pw",
        ],
    )
    assert added.exit_code == 0 and "publisher for 某医院" in added.stdout
    again = runner.invoke(
        app,
        ["users", "add", "hosp", "--role", "publisher", "--org", "x", "--password", "s3cret-pw"],
    )
    assert again.exit_code == 1 and "already exists" in again.stderr
    no_org = runner.invoke(
        app, ["users", "add", "firm", "--role", "supplier", "--password", "s3cret-pw"]
    )
    assert no_org.exit_code == 1 and "--org" in no_org.stderr
    short = runner.invoke(app, ["users", "add", "c", "--role", "committee", "--password", "short"])
    assert short.exit_code == 1 and "at least 8" in short.stderr
    prompted = runner.invoke(
        app, ["users", "add", "boss", "--role", "admin"], input="long-enough\nlong-enough\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert runner.invoke(app, ["users", "disable", "hosp"]).exit_code == 0
    listing = runner.invoke(app, ["users", "list"]).stdout
    assert "hosp  publisher  某医院  disabled" in listing and "boss  admin  -  active" in listing
    assert runner.invoke(app, ["users", "disable", "ghost"]).exit_code == 1


def test_demo_accounts_are_idempotent(cli_env: Path) -> None:
    first = demo.demo_accounts()
    assert demo.demo_accounts() == first and len(first) == 4
    assert {line.split()[0] for line in first} == {"publisher", "supplier", "committee", "admin"}


def test_placeholder_secret_refused_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.settings import SettingsError, load_settings

    monkeypatch.setenv("SCENEHUB_ENVIRONMENT", "production")
    monkeypatch.delenv("SCENEHUB_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="SCENEHUB_SECRET_KEY"):
        load_settings()
    monkeypatch.setenv("SCENEHUB_SECRET_KEY", "x" * 32)
    assert load_settings().environment == "production"
