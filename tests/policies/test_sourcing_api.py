"""The public names of every decision package: sorted, complete, resolvable, documented; and the former
import paths that the documentation once named still resolve to the same objects."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings

import pytest

PACKAGES = [
    "omscore.policies.carriers",
    "omscore.policies.gifts",
    "omscore.policies.merge",
    "omscore.policies.promise",
    "omscore.policies.review",
    "omscore.policies.routing",
    "omscore.policies.sharing",
    "omscore.policies.split",
]


def _isort_style(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions (ruff's RUF022 order)."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_every_name_resolves_and_is_documented(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)

    assert exported == sorted(exported, key=_isort_style)
    for symbol in exported:
        value = getattr(module, symbol)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name}.{symbol} has no docstring"


@pytest.mark.parametrize("name", PACKAGES)
def test_each_package_exports_every_public_class_and_function_of_its_modules(name: str) -> None:
    package = importlib.import_module(name)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{name}.{info.name}")
        for symbol, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == module.__name__
            if symbol.startswith("_") or not defined_here or not (inspect.isclass(value) or inspect.isfunction(value)):
                continue
            assert symbol in package.__all__, f"{module.__name__}.{symbol} is not exported"


def test_the_former_sourcing_path_gives_the_routing_objects_with_a_deprecation_warning() -> None:
    routing = importlib.import_module("omscore.policies.routing")
    with pytest.warns(DeprecationWarning, match="omscore.policies.routing.StrategyRouter"):
        from omscore.policies.sourcing import StrategyRouter
    assert StrategyRouter is routing.StrategyRouter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        sourcing = importlib.import_module("omscore.policies.sourcing")
        for symbol in routing.__all__:
            assert getattr(sourcing, symbol) is getattr(routing, symbol)
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = sourcing.Nothing


def test_the_settings_module_keeps_every_decisions_settings_under_their_former_names() -> None:
    from omscore.policies import merge, review, routing, settings

    assert settings.ReviewSettings is review.ReviewSettings
    assert settings.MergeSettings is merge.MergeSettings
    assert settings.WhenShort is merge.WhenShort
    assert settings.RoutingSettings is routing.RoutingSettings
