"""``scenehub`` starts in a blink: ``--help`` imports no engine, web framework or database
driver, and ``records list`` only what reading the store needs (the figures:
``benchmarks/bench_cli.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from api.cli import COMMANDS, app
from api.commands.group import LazyCommand, load
from core.db import current_revisions, declared_heads, head_revisions, stored_revisions, upgrade

ROOT = Path(__file__).resolve().parents[2]
#: what no start-up may import (Scrapy/Twisted, the web stack, the numeric and matching stack,
#: the spreadsheet reader, the PostgreSQL dialect and driver, Alembic's dialect registry)
HEAVY = (
    "scrapy",
    "twisted",
    "fastapi",
    "starlette",
    "uvicorn",
    "scipy",
    "numpy",
    "openpyxl",
    "bm25s",
    "faiss",
    "jieba",
    "torch",
    "sentence_transformers",
    "networkx",
    "huggingface_hub",
    "psycopg",
    "sqlalchemy.dialects.postgresql",
    "alembic",
)


DRIVER = """
import io, runpy, sys
out, sys.stdout = sys.stdout, io.StringIO()
sys.argv = ["scenehub", *sys.argv[1:]]
try:
    runpy.run_module("api.cli", run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code
text, sys.stdout = sys.stdout.getvalue(), out
print(" ".join(sorted(sys.modules)))
print(text)
"""


def imported(args: list[str], home: Path) -> tuple[set[str], str]:
    """Every module in ``sys.modules`` once ``python -m api.cli ARGS`` is done, and its stdout
    (read by a driver in the child: ``-X importtime`` misses ``importlib.import_module``)."""
    env = {
        **os.environ,
        "SCENEHUB_HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "120",
    }
    env.pop("SCENEHUB_DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    listing, _, out = run.stdout.partition("\n")
    return set(listing.split()), out


def heavy(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == h or n.startswith(f"{h}.") for h in HEAVY))


def test_help_imports_nothing_heavy(tmp_path: Path) -> None:
    names, out = imported(["--help"], tmp_path)
    assert heavy(names) == []
    assert "sqlalchemy" not in names and "pydantic" not in names  # not even the store
    assert not [n for n in names if n.startswith("api.commands.") and n != "api.commands.group"]
    for name in COMMANDS:
        assert f" {name} " in out, name


def test_records_list_on_an_empty_store_imports_only_the_store(tmp_path: Path) -> None:
    imported(["records", "list"], tmp_path)  # creates the store (migrations: Alembic)
    names, out = imported(["records", "list"], tmp_path)
    assert "0 of 0 records" in out
    assert heavy(names) == []
    assert "api.commands.records" in names and "api.commands.crawl" not in names


def test_the_listing_says_what_each_command_says(tmp_path: Path) -> None:
    """The table's help is each command's own first paragraph, and its module defines it."""
    group = app_group()
    for name, entry in COMMANDS.items():
        assert isinstance(group.commands[name], LazyCommand)
        real = load(name, entry.module)
        first = " ".join((real.help or "").split("\n\n")[0].split())
        assert entry.help == first, name


def app_group() -> object:
    import typer.main

    return typer.main.get_command(app)


@pytest.mark.parametrize("migrated", [False, True])
def test_the_start_up_schema_check_agrees_with_alembic(tmp_path: Path, migrated: bool) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    assert declared_heads() == head_revisions(engine)
    if migrated:
        upgrade(engine)
    assert (
        stored_revisions(engine)
        == current_revisions(engine)
        == (head_revisions(engine) if migrated else set())
    )
    engine.dispose()
