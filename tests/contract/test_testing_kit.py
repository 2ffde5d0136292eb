"""The test kit itself: its public names, and rich samples that really set every field."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

import attrs
import pytest

import omscore.adapters.memory
import omscore.testing
from omscore.testing import contracts, strategies
from omscore.testing.samples import rich_catalog, rich_network, rich_order, rich_shipment

_STATE_ONLY = {"version", "events"}


def _fields_left_at_default(objects: Iterable[Any]) -> list[str]:
    """Names of the attrs fields that hold their default in every one of ``objects``."""
    items = list(objects)
    left: list[str] = []
    for field in attrs.fields(type(items[0])):
        if field.name in _STATE_ONLY or field.default is attrs.NOTHING:
            continue
        factory = getattr(field.default, "factory", None)
        default = factory() if factory is not None else field.default
        if all(getattr(item, field.name) == default for item in items):
            left.append(field.name)
    return left


def test_the_rich_order_sets_every_field_of_the_order_its_lines_and_its_recipient() -> None:
    order = rich_order()

    assert _fields_left_at_default([order]) == []
    assert _fields_left_at_default(order.lines) == []
    assert _fields_left_at_default([order.recipient.address]) == []


def test_the_rich_shipment_sets_every_field() -> None:
    assert _fields_left_at_default([rich_shipment()]) == []


def test_the_rich_catalog_and_network_set_every_field_somewhere() -> None:
    catalog, network = rich_catalog(), rich_network()

    assert _fields_left_at_default(catalog.skus.values()) == []
    assert _fields_left_at_default(catalog.kits.values()) == []
    assert _fields_left_at_default(network.locations.values()) == []
    assert _fields_left_at_default(network.carriers.values()) == []


@pytest.mark.parametrize("package", [omscore.testing, contracts, strategies, omscore.adapters.memory])
def test_all_lists_every_public_function_and_class_and_nothing_missing(package: Any) -> None:
    defined_here = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__.startswith(package.__name__)
    }

    assert defined_here <= set(package.__all__)
    assert all(hasattr(package, name) for name in package.__all__)
    assert len(package.__all__) == len(set(package.__all__))


def test_the_contract_suites_are_not_collected_by_themselves() -> None:
    for name in contracts.__all__:
        assert not name.startswith("Test")
        suite = getattr(contracts, name)
        assert [test for test in dir(suite) if test.startswith("test_")]
