"""The in-memory adapter: every storage port, plus recording fakes of the gateways.

Thread-safe and atomic, and the fake the unit tests use; it passes the same contract suites
(:mod:`omscore.testing.contracts`) as the SQL adapters. Nothing is persisted.

>>> from omscore.adapters.memory import MemoryDatabase, memory_unit_of_work_factory
>>> new_uow = memory_unit_of_work_factory(MemoryDatabase(), tenant="acme")
>>> with new_uow() as uow:
...     _ = uow.inventory.receive("WH1", "SKU1", 5)
...     uow.commit()
>>> with new_uow() as uow:
...     uow.inventory.level("WH1", "SKU1").available
5
"""

from omscore.adapters.memory.catalog import MemoryCatalogRepository
from omscore.adapters.memory.channel import RecordingChannelGateway, StockAdjustment, StockPush, TrackingPush
from omscore.adapters.memory.database import MemoryDatabase
from omscore.adapters.memory.fulfilment import RecordingFulfilmentGateway
from omscore.adapters.memory.gift_quotas import MemoryGiftQuotas
from omscore.adapters.memory.inbound import MemoryInboundStock
from omscore.adapters.memory.inventory import MemoryInventoryStore
from omscore.adapters.memory.network import MemoryNetworkRepository
from omscore.adapters.memory.orders import MemoryOrderRepository
from omscore.adapters.memory.outbox import MemoryOutbox
from omscore.adapters.memory.shipments import MemoryShipmentRepository
from omscore.adapters.memory.unit_of_work import MemoryUnitOfWork, memory_unit_of_work_factory

__all__ = [
    "MemoryCatalogRepository",
    "MemoryDatabase",
    "MemoryGiftQuotas",
    "MemoryInboundStock",
    "MemoryInventoryStore",
    "MemoryNetworkRepository",
    "MemoryOrderRepository",
    "MemoryOutbox",
    "MemoryShipmentRepository",
    "MemoryUnitOfWork",
    "RecordingChannelGateway",
    "RecordingFulfilmentGateway",
    "StockAdjustment",
    "StockPush",
    "TrackingPush",
    "memory_unit_of_work_factory",
]
