"""The examples in contrib's docstrings run (the OpenRank example, board positions, growth z)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import contrib

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(contrib.__path__, "contrib.")
    if not m.name.startswith("contrib.sample_hub")
)


def test_contrib_has_runnable_examples() -> None:
    found = sum(
        len(t.examples)
        for name in MODULES
        for t in doctest.DocTestFinder().find(importlib.import_module(name))
    )
    assert found >= 6  # openrank, leaderboards, integrity: a deleted example must be noticed


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
