"""The public API is exported deliberately: sorted, complete, and every name resolves."""

from __future__ import annotations

import importlib
import inspect

import pytest

import omscore

PACKAGES = [
    "omscore",
    "omscore.adapters.memory",
    "omscore.adapters.postgres",
    "omscore.adapters.sqlite",
    "omscore.bootstrap",
    "omscore.boundary",
    "omscore.domain",
    "omscore.policies.carriers",
    "omscore.policies.fill",
    "omscore.policies.optimise",
    "omscore.ports",
    "omscore.testing",
]


def _isort_style(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions (ruff's RUF022 order)."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_every_name_resolves(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported in (sorted(exported), sorted(exported, key=_isort_style)), "__all__ is not sorted"
    for symbol in exported:
        assert hasattr(module, symbol), f"{name}.{symbol}"


def test_every_public_class_and_function_of_the_root_is_documented() -> None:
    for symbol in omscore.__all__:
        value = getattr(omscore, symbol)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"omscore.{symbol} has no docstring"


def test_the_domain_exports_every_public_name_it_defines() -> None:
    import omscore.domain as domain

    for module_name in (
        "money",
        "order",
        "order_status",
        "order_line",
        "holds",
        "shipment",
        "catalog",
        "network",
        "errors",
        "identity",
        "gifts",
        "inbound",
    ):
        module = importlib.import_module(f"omscore.domain.{module_name}")
        for symbol, value in vars(module).items():
            if symbol.startswith("_") or not inspect.isclass(value) or value.__module__ != module.__name__:
                continue
            assert symbol in domain.__all__, f"omscore.domain.{module_name}.{symbol} is not exported"
