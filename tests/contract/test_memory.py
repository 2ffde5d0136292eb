"""The storage contract suites, run against the in-memory adapter."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from omscore.adapters.memory import MemoryDatabase, memory_unit_of_work_factory
from omscore.ports.unit_of_work import UnitOfWorkFactory
from omscore.testing import contracts


@pytest.fixture
def database() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
def uow_factory_for(database: MemoryDatabase) -> Callable[[str], UnitOfWorkFactory]:
    return lambda tenant: memory_unit_of_work_factory(database, tenant)


@pytest.fixture
def uow_factory(uow_factory_for: Callable[[str], UnitOfWorkFactory]) -> UnitOfWorkFactory:
    return uow_factory_for("default")


class TestMemoryOrders(contracts.OrderRepositoryContract):
    pass


class TestMemoryShipments(contracts.ShipmentRepositoryContract):
    pass


class TestMemoryInventory(contracts.InventoryStoreContract):
    pass


class TestMemoryGiftQuotas(contracts.GiftQuotasContract):
    pass


class TestMemoryInboundStock(contracts.InboundStockContract):
    pass


class TestMemoryCatalog(contracts.CatalogRepositoryContract):
    pass


class TestMemoryNetwork(contracts.NetworkRepositoryContract):
    pass


class TestMemoryOutbox(contracts.OutboxContract):
    pass


class TestMemoryUnitOfWork(contracts.UnitOfWorkContract):
    pass


class TestMemoryTenancy(contracts.TenancyContract):
    pass
