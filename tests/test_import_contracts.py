"""The import contracts of ``pyproject.toml`` (the four layers, faces through api.services,
independent engines, no cycles) hold, and ``lint-imports`` does fail on a violation: a copy of
the tree with one bad import is refused."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "crawlers", "matching", "contrib", "api")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The packages and pyproject.toml, copied (sources only)."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static", "sample_data"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # a face reaching an engine itself
        (
            "api/commands/records.py",
            "import contrib.review",
            "api.commands is not allowed to import contrib",
        ),
        # an engine importing another engine
        (
            "matching/search.py",
            "import crawlers.sources",
            "the engines never import each other BROKEN",
        ),
        # core importing upwards
        (
            "core/records.py",
            "import api.services.errors",
            "four layers: faces -> api.services -> engines -> core BROKEN",
        ),
        # the page cycle cut by api/web/rendering.py, put back (inside a function: still counted)
        (
            "api/web/loop_pages.py",
            "def _back():\n    from api.web import pages",
            "No cycles are allowed in api.web",
        ),
    ],
)
def test_a_violation_fails(tree: Path, module: str, line: str, broken: str) -> None:
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{line}\n", encoding="utf-8")
    result = lint(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout, result.stdout
