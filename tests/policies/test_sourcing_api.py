"""The public names of the sourcing package and the split module: sorted, complete, resolvable, documented."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = ["omscore.policies.sourcing", "omscore.policies.split"]


def _isort_style(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions (ruff's RUF022 order)."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_every_name_resolves_and_is_documented(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)

    assert exported == sorted(exported, key=_isort_style)
    for symbol in exported:
        value = getattr(module, symbol)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name}.{symbol} has no docstring"


def test_the_sourcing_package_exports_every_public_class_and_function_of_its_modules() -> None:
    package = importlib.import_module("omscore.policies.sourcing")
    for module_name in ("constraints", "engine", "facts", "geo", "preferences", "problem", "router", "rules", "search"):
        module = importlib.import_module(f"omscore.policies.sourcing.{module_name}")
        for symbol, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == module.__name__
            if symbol.startswith("_") or not defined_here or not (inspect.isclass(value) or inspect.isfunction(value)):
                continue
            assert symbol in package.__all__, f"{module.__name__}.{symbol} is not exported"


def test_the_split_module_exports_every_public_class_and_function() -> None:
    module = importlib.import_module("omscore.policies.split")
    public = {
        symbol
        for symbol, value in vars(module).items()
        if not symbol.startswith("_")
        and getattr(value, "__module__", None) == module.__name__
        and (inspect.isclass(value) or inspect.isfunction(value))
    }

    assert public <= set(module.__all__)
