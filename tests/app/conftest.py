"""Fixtures over the test merchant of :mod:`merchant_world`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from merchant_world import START, STOCK, catalog, make_platform_order, network
from omscore.adapters.system import ManualClock
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.domain.platform_order import PlatformOrder

PlatformOrderFactory = Callable[..., PlatformOrder]


@pytest.fixture
def system() -> InMemorySystem:
    built = in_memory(clock=ManualClock(START))
    built.oms.load_master_data(catalog(), network(), STOCK)
    return built


@pytest.fixture
def platform_order() -> PlatformOrderFactory:
    """Build a platform order: ``platform_order("E1", ("L-TEA", 2, 6000), ...)`` with keyword overrides."""
    return make_platform_order
