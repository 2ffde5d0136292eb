"""The SQLite unit of work: one transaction across every repository and the outbox, for one tenant."""

from __future__ import annotations

import os
from collections.abc import Callable
from types import TracebackType
from typing import Self

from omscore.adapters.sqlite.database import SqliteDatabase
from omscore.adapters.sqlite.documents import SqliteCatalogRepository, SqliteNetworkRepository
from omscore.adapters.sqlite.gift_quotas import SqliteGiftQuotas
from omscore.adapters.sqlite.inbound import SqliteInboundStock
from omscore.adapters.sqlite.inventory import SqliteInventoryStore
from omscore.adapters.sqlite.orders import SqliteOrderRepository
from omscore.adapters.sqlite.outbox import SqliteOutbox
from omscore.adapters.sqlite.session import Session
from omscore.adapters.sqlite.shipments import SqliteShipmentRepository
from omscore.domain.errors import InvalidInput, LockTimeout, PersistenceError, UnitOfWorkClosed
from omscore.ports.catalog import CatalogRepository
from omscore.ports.gift_quotas import GiftQuotas
from omscore.ports.inbound import InboundStock
from omscore.ports.inventory import InventoryStore
from omscore.ports.network import NetworkRepository
from omscore.ports.orders import OrderRepository
from omscore.ports.outbox import Outbox
from omscore.ports.shipments import ShipmentRepository

_NEW, _OPEN, _CLOSED = "new", "open", "closed"


class SqliteUnitOfWork:
    """:class:`~omscore.ports.unit_of_work.UnitOfWork` on a :class:`SqliteDatabase`, bound to one tenant.

    Entering borrows a connection and starts ``BEGIN IMMEDIATE``: the unit of work holds the database's
    write lock until it commits or rolls back, so what it reads cannot change under it and its guarded
    updates never fail for a reason other than the data. Storing an order or shipment takes the events it
    recorded; they wait, with the events appended to :attr:`outbox`, in the order they came, and
    :meth:`commit` inserts them into the outbox table just before it commits. After a commit or rollback
    the unit of work may go on (the next statement starts a new transaction). Leaving the ``with`` block
    rolls back whatever was not committed and returns the connection. A unit of work is not reusable once
    left.

    Keep units of work short: while one is open no other writer, in any process, can start.

    Args:
        db: the database.
        tenant: the tenant every row read or written belongs to.

    Raises:
        InvalidInput: ``tenant`` is not a non-empty string.
    """

    __slots__ = (
        "_session",
        "_state",
        "catalog",
        "db",
        "gift_quotas",
        "inbound",
        "inventory",
        "network",
        "orders",
        "outbox",
        "shipments",
        "tenant",
    )

    orders: OrderRepository
    shipments: ShipmentRepository
    inventory: InventoryStore
    gift_quotas: GiftQuotas
    inbound: InboundStock
    catalog: CatalogRepository
    network: NetworkRepository
    outbox: Outbox

    def __init__(self, db: SqliteDatabase, tenant: str = "default") -> None:
        if not tenant or type(tenant) is not str:
            raise InvalidInput("tenant", tenant, "must be a non-empty string")
        self.db = db
        self.tenant = tenant
        session = self._session = Session(db, tenant)
        self._state = _NEW
        self.orders = SqliteOrderRepository(session)
        self.shipments = SqliteShipmentRepository(session)
        self.inventory = SqliteInventoryStore(session)
        self.gift_quotas = SqliteGiftQuotas(session)
        self.inbound = SqliteInboundStock(session)
        self.catalog = SqliteCatalogRepository(session)
        self.network = SqliteNetworkRepository(session)
        self.outbox = SqliteOutbox(session)

    def __repr__(self) -> str:
        return f"SqliteUnitOfWork({self.db!r}, tenant={self.tenant!r})"

    # --- lifecycle ---------------------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        """Borrow a connection and start the write transaction.

        Returns:
            This unit of work.

        Raises:
            UnitOfWorkClosed: the unit of work was entered before.
            LockTimeout: another writer kept the write lock past the busy timeout, or this thread already has a
                unit of work open on the database (it could never get the lock).
        """
        if self._state is not _NEW:
            raise UnitOfWorkClosed(f"{self!r} was already used; make a new unit of work for each command")
        self._state = _CLOSED
        db = self.db
        if db.connection_here is not None:
            raise LockTimeout(
                "this thread already has a unit of work open on this database; a second one would wait for the "
                "first one's write lock forever"
            )
        session = self._session
        connection = db.acquire()
        session.attach(connection)
        try:
            session.begin()
        except PersistenceError:
            db.release(session.close())
            raise
        except BaseException:
            db.release(session.close(), broken=True)
            raise
        db.connection_here = connection
        self._state = _OPEN
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back what was not committed and give the connection back.

        Raises:
            PersistenceError: the rollback failed (only when no other exception is on its way out).
        """
        if self._state is not _OPEN:
            return
        session = self._session
        self._state = _CLOSED
        broken = False
        failure: PersistenceError | None = None
        if session.in_transaction or session.pending_events:
            try:
                session.rollback()
            except PersistenceError as error:
                broken = True
                failure = error
        self.db.connection_here = None
        self.db.release(session.close(), broken=broken)
        if failure is not None and exc is None:
            raise failure

    def _open(self) -> Session:
        if self._state is not _OPEN:
            raise UnitOfWorkClosed(f"{self!r} is not open: use it inside its `with` block")
        return self._session

    # --- transaction -----------------------------------------------------------------------------------------

    def commit(self) -> None:
        """Store the queued events in the outbox (after each other, in the order they were recorded or
        appended), then commit.

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
            LockTimeout, TransientError: the commit failed and was rolled back; the whole unit of work may be
                retried.
            PersistenceError: the commit failed for another reason and was rolled back.
        """
        session = self._open()
        if session.pending_events:
            SqliteOutbox(session).write(session.pending_events)
        session.commit()

    def rollback(self) -> None:
        """Discard every change and queued event since the unit of work was entered (or last committed).

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
            PersistenceError: the rollback failed.
        """
        self._open().rollback()


def sqlite_unit_of_work_factory(
    database: SqliteDatabase | str | os.PathLike[str], tenant: str = "default"
) -> Callable[[], SqliteUnitOfWork]:
    """A :data:`~omscore.ports.unit_of_work.UnitOfWorkFactory` for one tenant of a database.

    Args:
        database: an open :class:`SqliteDatabase`, or a path to open one at (with default settings).
        tenant: the tenant of every unit of work made.

    Returns:
        A callable that makes a fresh :class:`SqliteUnitOfWork` on each call.

    Raises:
        InvalidInput: ``tenant`` is not a non-empty string.
        PersistenceError: the database cannot be opened.
    """
    if not isinstance(tenant, str) or not tenant:
        raise InvalidInput("tenant", tenant, "must be a non-empty string")
    db = database if isinstance(database, SqliteDatabase) else SqliteDatabase(database)

    def make() -> SqliteUnitOfWork:
        return SqliteUnitOfWork(db, tenant)

    return make
