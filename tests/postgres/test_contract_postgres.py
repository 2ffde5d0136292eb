"""Every storage contract suite of :mod:`omscore.testing.contracts`, run against the PostgreSQL adapter.

The fixtures ``uow_factory`` and ``uow_factory_for`` come from ``conftest.py``: one migrated database for
the session, with the tenants of each test in a namespace of their own (an empty store per test).
"""

from __future__ import annotations

import pytest

from omscore.testing import contracts

pytestmark = pytest.mark.postgres


class TestPostgresOrders(contracts.OrderRepositoryContract):
    pass


class TestPostgresShipments(contracts.ShipmentRepositoryContract):
    pass


class TestPostgresInventory(contracts.InventoryStoreContract):
    pass


class TestPostgresGiftQuotas(contracts.GiftQuotasContract):
    pass


class TestPostgresInboundStock(contracts.InboundStockContract):
    pass


class TestPostgresCatalog(contracts.CatalogRepositoryContract):
    pass


class TestPostgresNetwork(contracts.NetworkRepositoryContract):
    pass


class TestPostgresOutbox(contracts.OutboxContract):
    pass


class TestPostgresUnitOfWork(contracts.UnitOfWorkContract):
    pass


class TestPostgresTenancy(contracts.TenancyContract):
    pass
