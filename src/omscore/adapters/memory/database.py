"""The in-memory database: every tenant's data behind one lock."""

from __future__ import annotations

import threading

from omscore.adapters.memory._cell import Cell
from omscore.adapters.memory.gift_quotas import GiftTable
from omscore.adapters.memory.inbound import InboundTable
from omscore.adapters.memory.inventory import StockTable
from omscore.adapters.memory.orders import OrderTable
from omscore.adapters.memory.outbox import OutboxTable
from omscore.adapters.memory.shipments import ShipmentTable
from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidInput
from omscore.domain.network import Network


class TenantData:
    """Everything stored for one tenant."""

    __slots__ = ("catalog", "gifts", "inbound", "network", "orders", "outbox", "shipments", "stock")

    def __init__(self) -> None:
        self.orders = OrderTable()
        self.shipments = ShipmentTable()
        self.stock = StockTable()
        self.gifts = GiftTable()
        self.inbound = InboundTable()
        self.catalog: Cell[Catalog] = Cell()
        self.network: Cell[Network] = Cell()
        self.outbox = OutboxTable()


class MemoryDatabase:
    """The data of all tenants, and the lock that serialises units of work over it.

    A :class:`~omscore.adapters.memory.MemoryUnitOfWork` holds the lock from ``__enter__`` to ``__exit__``, like
    SQLite's ``BEGIN IMMEDIATE``: units of work over one database run one at a time, across all threads and
    all tenants. Nothing survives the process.

    Args:
        lock_timeout: seconds a unit of work waits for the lock before it raises
            :class:`~omscore.domain.errors.LockTimeout`; ``None`` waits as long as it takes.
    """

    def __init__(self, lock_timeout: float | None = None) -> None:
        if lock_timeout is not None and not lock_timeout > 0:
            raise InvalidInput("lock_timeout", lock_timeout, "must be a positive number of seconds or None")
        self.lock_timeout = lock_timeout
        self.lock = threading.RLock()
        """Held by the open unit of work."""
        self.owner: int | None = None
        """The thread that holds :attr:`lock`, while one does."""
        self._tenants: dict[str, TenantData] = {}
        self._registry_lock = threading.Lock()

    def tenant(self, name: str) -> TenantData:
        """The data of tenant ``name``, created empty on first use.

        Raises:
            InvalidInput: ``name`` is not a non-blank string.
        """
        data = self._tenants.get(name)
        if data is not None:
            return data
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput("tenant", name, "must be a non-blank string")
        with self._registry_lock:
            return self._tenants.setdefault(name, TenantData())

    def tenants(self) -> list[str]:
        """Names of the tenants that have been used, sorted."""
        with self._registry_lock:
            return sorted(self._tenants)
