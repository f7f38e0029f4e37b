"""Run the doctests of every module of the package."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import unspun

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(unspun.__path__, "unspun.")
    if m.name != "unspun.__main__"  # importing the entry point runs the CLI
)


@pytest.mark.parametrize("name", MODULES, ids=MODULES)
def test_module_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
