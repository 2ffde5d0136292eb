"""The in-memory unit of work: serialised by the database lock, atomic by undo."""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

from omscore.adapters.memory._transaction import Transaction, Undoable
from omscore.adapters.memory.catalog import MemoryCatalogRepository
from omscore.adapters.memory.database import MemoryDatabase
from omscore.adapters.memory.gift_quotas import MemoryGiftQuotas
from omscore.adapters.memory.inbound import MemoryInboundStock
from omscore.adapters.memory.inventory import MemoryInventoryStore
from omscore.adapters.memory.network import MemoryNetworkRepository
from omscore.adapters.memory.orders import MemoryOrderRepository
from omscore.adapters.memory.outbox import MemoryOutbox
from omscore.adapters.memory.shipments import MemoryShipmentRepository
from omscore.domain.errors import LockTimeout, UnitOfWorkClosed
from omscore.ports.catalog import CatalogRepository
from omscore.ports.gift_quotas import GiftQuotas
from omscore.ports.inbound import InboundStock
from omscore.ports.inventory import InventoryStore
from omscore.ports.network import NetworkRepository
from omscore.ports.orders import OrderRepository
from omscore.ports.outbox import Outbox
from omscore.ports.shipments import ShipmentRepository
from omscore.ports.unit_of_work import UnitOfWork


class _State(enum.Enum):
    NEW = "new"
    OPEN = "open"
    CLOSED = "closed"


class MemoryUnitOfWork:
    """:class:`~omscore.ports.unit_of_work.UnitOfWork` over a :class:`MemoryDatabase`, bound to one tenant.

    Writes go straight to the tenant's tables, each repository remembering the before-image of whatever it
    touches; :meth:`rollback` (and leaving without a commit) puts those back, :meth:`commit` forgets them and
    stores the gathered events in the outbox. No other unit of work can observe the intermediate state because
    this one holds the database lock while it is open. After a commit the unit of work stays open: later
    changes need another commit.

    Args:
        db: the database.
        tenant: whose data this unit of work reads and changes; it never reaches another tenant's.

    Raises:
        InvalidInput: ``tenant`` is blank.
    """

    def __init__(self, db: MemoryDatabase, tenant: str = "default") -> None:
        self._db = db
        self.tenant = tenant
        data = db.tenant(tenant)
        self._tx = Transaction()
        self._state = _State.NEW
        self._orders = MemoryOrderRepository(data.orders, self._tx)
        self._shipments = MemoryShipmentRepository(data.shipments, self._tx)
        self._inventory = MemoryInventoryStore(data.stock, self._tx)
        self._gift_quotas = MemoryGiftQuotas(data.gifts, self._tx)
        self._inbound = MemoryInboundStock(data.inbound, self._tx)
        self._catalog = MemoryCatalogRepository(data.catalog, self._tx)
        self._network = MemoryNetworkRepository(data.network, self._tx)
        self._outbox = MemoryOutbox(data.outbox, self._tx)
        self.orders: OrderRepository = self._orders
        self.shipments: ShipmentRepository = self._shipments
        self.inventory: InventoryStore = self._inventory
        self.gift_quotas: GiftQuotas = self._gift_quotas
        self.inbound: InboundStock = self._inbound
        self.catalog: CatalogRepository = self._catalog
        self.network: NetworkRepository = self._network
        self.outbox: Outbox = self._outbox
        self._participants: tuple[Undoable, ...] = (
            self._orders,
            self._shipments,
            self._inventory,
            self._gift_quotas,
            self._inbound,
            self._catalog,
            self._network,
            self._outbox,
        )

    def __enter__(self) -> Self:
        """Take the database lock and open the unit of work.

        Raises:
            UnitOfWorkClosed: the unit of work was entered before (it is not reusable).
            LockTimeout: the lock was not free within the database's ``lock_timeout``, or this thread already
                has a unit of work open on the database (waiting would never end).
        """
        if self._state is not _State.NEW:
            raise UnitOfWorkClosed("a unit of work can be entered only once")
        db = self._db
        me = threading.get_ident()
        if db.owner == me:
            raise LockTimeout("this thread already has a unit of work open on the database; nesting would deadlock")
        timeout = -1.0 if db.lock_timeout is None else db.lock_timeout
        if not db.lock.acquire(timeout=timeout):
            raise LockTimeout(f"the memory database stayed locked for {db.lock_timeout} s")
        db.owner = me
        self._state = _State.OPEN
        self._tx.is_open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed, close the unit of work and release the lock."""
        if self._state is not _State.OPEN:
            return
        try:
            self._undo()
        finally:
            self._tx.is_open = False
            self._state = _State.CLOSED
            self._db.owner = None
            self._db.lock.release()

    def commit(self) -> None:
        """Keep every change made since the last commit or rollback, and store the gathered events.

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
        """
        self._tx.check()
        self._outbox._flush()
        for participant in self._participants:
            participant._forget_undo()

    def rollback(self) -> None:
        """Undo every change made since the last commit or rollback, and drop the gathered events.

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
        """
        self._tx.check()
        self._undo()

    def _undo(self) -> None:
        for participant in reversed(self._participants):
            participant._undo()


def memory_unit_of_work_factory(db: MemoryDatabase, tenant: str = "default") -> Callable[[], UnitOfWork]:
    """A factory of units of work over ``db`` for ``tenant`` (what the application's command handlers take).

    Args:
        db: the database every unit of work shares.
        tenant: the tenant every unit of work is bound to.

    Returns:
        A callable making a new :class:`MemoryUnitOfWork` on each call.

    Raises:
        InvalidInput: ``tenant`` is blank.
    """
    db.tenant(tenant)

    def make() -> UnitOfWork:
        return MemoryUnitOfWork(db, tenant)

    return make
