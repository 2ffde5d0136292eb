"""The storage contract suites, run against the SQLite adapter on a file in the test's temporary directory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from omscore.adapters.sqlite import SqliteDatabase, sqlite_unit_of_work_factory
from omscore.ports.unit_of_work import UnitOfWorkFactory
from omscore.testing import contracts


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[SqliteDatabase]:
    db = SqliteDatabase(tmp_path / "contract.db")
    yield db
    db.close()


@pytest.fixture
def uow_factory_for(sqlite_database: SqliteDatabase) -> Callable[[str], UnitOfWorkFactory]:
    def factory_for(tenant: str) -> UnitOfWorkFactory:
        return sqlite_unit_of_work_factory(sqlite_database, tenant)

    return factory_for


@pytest.fixture
def uow_factory(uow_factory_for: Callable[[str], UnitOfWorkFactory]) -> UnitOfWorkFactory:
    return uow_factory_for("default")


class TestSqliteOrders(contracts.OrderRepositoryContract):
    pass


class TestSqliteShipments(contracts.ShipmentRepositoryContract):
    pass


class TestSqliteInventory(contracts.InventoryStoreContract):
    pass


class TestSqliteGiftQuotas(contracts.GiftQuotasContract):
    pass


class TestSqliteInboundStock(contracts.InboundStockContract):
    pass


class TestSqliteCatalog(contracts.CatalogRepositoryContract):
    pass


class TestSqliteNetwork(contracts.NetworkRepositoryContract):
    pass


class TestSqliteOutbox(contracts.OutboxContract):
    pass


class TestSqliteUnitOfWork(contracts.UnitOfWorkContract):
    pass


class TestSqliteTenancy(contracts.TenancyContract):
    pass
