"""The SQLite adapter: omscore's embedded default storage (stdlib :mod:`sqlite3`).

Open a :class:`SqliteDatabase` once per process (it applies the schema migrations and pools connections),
then make a :class:`SqliteUnitOfWork` per command::

    db = SqliteDatabase("shop.db")
    uow_factory = sqlite_unit_of_work_factory(db, tenant="acme")
    with uow_factory() as uow:
        uow.inventory.receive(LocationId("WH1"), SkuCode("TEA-1"), 10)
        uow.commit()

WAL journal, ``BEGIN IMMEDIATE`` for every unit of work, a busy timeout, and guarded ``UPDATE`` s for stock
make it safe for several processes sharing one file on one host. See ``docs/adapters.md``.
"""

from omscore.adapters.sqlite.database import SqliteDatabase, latest_schema_version
from omscore.adapters.sqlite.documents import SqliteCatalogRepository, SqliteNetworkRepository
from omscore.adapters.sqlite.gift_quotas import SqliteGiftQuotas
from omscore.adapters.sqlite.ids import SqliteIds
from omscore.adapters.sqlite.inbound import SqliteInboundStock
from omscore.adapters.sqlite.inventory import SqliteInventoryStore
from omscore.adapters.sqlite.orders import SqliteOrderRepository
from omscore.adapters.sqlite.outbox import SqliteOutbox
from omscore.adapters.sqlite.shipments import SqliteShipmentRepository
from omscore.adapters.sqlite.unit_of_work import SqliteUnitOfWork, sqlite_unit_of_work_factory

__all__ = [
    "SqliteCatalogRepository",
    "SqliteDatabase",
    "SqliteGiftQuotas",
    "SqliteIds",
    "SqliteInboundStock",
    "SqliteInventoryStore",
    "SqliteNetworkRepository",
    "SqliteOrderRepository",
    "SqliteOutbox",
    "SqliteShipmentRepository",
    "SqliteUnitOfWork",
    "latest_schema_version",
    "sqlite_unit_of_work_factory",
]
