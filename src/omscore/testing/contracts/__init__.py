"""Contract suites of the storage ports: one pytest base class per port, run against every adapter.

The in-memory, SQLite and PostgreSQL adapters shipped with omscore pass them, and so must an adapter a host
application writes. The suites test only what the port docstrings promise, through the ports alone.

How to run them against an adapter
----------------------------------

1. Subclass each suite in a test module of your project, under a name pytest collects (``Test…``).
2. Provide a function-scoped fixture ``uow_factory`` of type ``Callable[[], UnitOfWork]`` that makes units of
   work over a **fresh, empty** store (one store per test; within one test every call shares that store), for
   one tenant. Units of work from it may be used from several threads at once.
3. For :class:`TenancyContract`, :class:`GiftQuotasContract` and :class:`InboundStockContract`, also
   provide ``uow_factory_for`` of type ``Callable[[str], Callable[[], UnitOfWork]]``: tenant name → a factory
   like the above, all over the SAME fresh store.

.. code-block:: python

    import pytest
    from omscore.testing import contracts
    from myshop.storage import RedisDatabase, redis_unit_of_work_factory


    @pytest.fixture
    def uow_factory_for(redis_url):
        db = RedisDatabase.fresh(redis_url)
        yield lambda tenant: redis_unit_of_work_factory(db, tenant)
        db.drop()


    @pytest.fixture
    def uow_factory(uow_factory_for):
        return uow_factory_for("default")


    class TestRedisOrders(contracts.OrderRepositoryContract): ...
    class TestRedisInventory(contracts.InventoryStoreContract): ...
    class TestRedisTenancy(contracts.TenancyContract): ...

The property-based tests (Hypothesis) run several examples against the store of one test; they keep apart by
using ids no other example uses, so they need no extra fixture. The threaded tests retry a unit of work that
raises :class:`~omscore.domain.errors.TransientError`, as the port allows.
"""

from omscore.testing.contracts.catalog import CatalogRepositoryContract
from omscore.testing.contracts.gift_quotas import GiftQuotasContract
from omscore.testing.contracts.inbound import InboundStockContract
from omscore.testing.contracts.inventory import InventoryStoreContract
from omscore.testing.contracts.network import NetworkRepositoryContract
from omscore.testing.contracts.orders import OrderRepositoryContract
from omscore.testing.contracts.outbox import OutboxContract
from omscore.testing.contracts.shipments import ShipmentRepositoryContract
from omscore.testing.contracts.tenancy import TenancyContract
from omscore.testing.contracts.unit_of_work import UnitOfWorkContract

__all__ = [
    "CatalogRepositoryContract",
    "GiftQuotasContract",
    "InboundStockContract",
    "InventoryStoreContract",
    "NetworkRepositoryContract",
    "OrderRepositoryContract",
    "OutboxContract",
    "ShipmentRepositoryContract",
    "TenancyContract",
    "UnitOfWorkContract",
]
