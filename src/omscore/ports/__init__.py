"""Ports: the interfaces omscore needs from the outside world, one concept per module.

Each is a :class:`typing.Protocol`; a host application supplies implementations (adapters). The reference
adapters in :mod:`omscore.adapters` pass the contract suites in :mod:`omscore.testing`.
"""

from omscore.ports.catalog import CatalogRepository
from omscore.ports.channel import ChannelGateway, PulledOrders
from omscore.ports.clock import Clock
from omscore.ports.fulfilment import FulfilmentGateway, InterceptResult
from omscore.ports.gift_quotas import GiftQuotas
from omscore.ports.ids import IdGenerator
from omscore.ports.inbound import InboundStock
from omscore.ports.inventory import InventoryStore
from omscore.ports.network import NetworkRepository
from omscore.ports.orders import OrderRepository
from omscore.ports.outbox import Outbox, OutboxRecord
from omscore.ports.shipments import ShipmentRepository
from omscore.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "CatalogRepository",
    "ChannelGateway",
    "Clock",
    "FulfilmentGateway",
    "GiftQuotas",
    "IdGenerator",
    "InboundStock",
    "InterceptResult",
    "InventoryStore",
    "NetworkRepository",
    "OrderRepository",
    "Outbox",
    "OutboxRecord",
    "PulledOrders",
    "ShipmentRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
]
