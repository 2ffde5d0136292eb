"""The PostgreSQL unit of work: one transaction, bound to one tenant, with the outbox in it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from omscore.adapters.postgres.database import PostgresDatabase
from omscore.adapters.postgres.documents import PostgresCatalogRepository, PostgresNetworkRepository
from omscore.adapters.postgres.gift_quotas import PostgresGiftQuotas
from omscore.adapters.postgres.inbound import PostgresInboundStock
from omscore.adapters.postgres.inventory import PostgresInventoryStore
from omscore.adapters.postgres.orders import PostgresOrderRepository
from omscore.adapters.postgres.outbox import PostgresOutbox
from omscore.adapters.postgres.session import Session, check_tenant
from omscore.adapters.postgres.shipments import PostgresShipmentRepository
from omscore.domain.errors import UnitOfWorkClosed


class PostgresUnitOfWork:
    """The :class:`~omscore.ports.unit_of_work.UnitOfWork` of a PostgreSQL database.

    Entering begins a transaction (sent with the first statement). :meth:`commit` first writes to the outbox
    the events of every order and shipment stored through the repositories and those appended to the outbox,
    in the order they were stored or appended, then commits; leaving without a commit rolls back. After a
    commit or rollback the unit of work may go on with a new transaction until it is left; once left it cannot
    be entered again. Serialization failures, deadlocks and lost connections are retried inside (see
    :mod:`omscore.adapters.postgres.transaction`).

    Args:
        db: the database.
        tenant: the tenant every read and write is scoped to.

    Raises:
        InvalidInput: ``tenant`` is blank.
    """

    def __init__(self, db: PostgresDatabase, tenant: str = "default") -> None:
        self._db = db
        self._session = Session(tenant, db.pool, pre_locks=db.isolation != "read committed")
        self._entered = False
        self._left = False
        self.orders = PostgresOrderRepository(self._session)
        self.shipments = PostgresShipmentRepository(self._session)
        self.inventory = PostgresInventoryStore(self._session)
        self.gift_quotas = PostgresGiftQuotas(self._session)
        self.inbound = PostgresInboundStock(self._session)
        self.catalog = PostgresCatalogRepository(self._session)
        self.network = PostgresNetworkRepository(self._session)
        self.outbox = PostgresOutbox(self._session)

    @property
    def tenant(self) -> str:
        """The tenant this unit of work is bound to."""
        return self._session.tenant

    @property
    def retries(self) -> int:
        """How many times this unit of work's transactions were re-run after a transient failure."""
        current = self._session.transaction
        return self._session.retries + (current.retries if current is not None else 0)

    def __enter__(self) -> Self:
        if self._entered:
            raise UnitOfWorkClosed("a unit of work cannot be entered twice; make a new one")
        self._entered = True
        self._session.transaction = self._db.transaction()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._end(commit=False)
        self._session.transaction = None
        self._left = True

    def commit(self) -> None:
        """Append the pending events to the outbox and commit.

        Raises:
            TransientError: the commit could not be completed; the whole unit of work may be retried.
            UnitOfWorkClosed: the unit of work is not open.
        """
        self._end(commit=True)
        self._session.transaction = self._db.transaction()

    def rollback(self) -> None:
        """Discard every change made since the unit of work was entered (or last committed)."""
        self._end(commit=False)
        if not self._left:
            self._session.transaction = self._db.transaction()

    def _end(self, *, commit: bool) -> None:
        transaction = self._session.transaction
        if transaction is None or self._left:
            if commit:
                raise UnitOfWorkClosed("the unit of work is not open; use it as a context manager")
            return
        try:
            if commit:
                events, self._session.pending_events = self._session.pending_events, []
                self.outbox.write(events)
                transaction.commit()
            else:
                self._session.pending_events = []
                transaction.rollback()
        finally:
            if commit and not transaction.finished:
                transaction.rollback()
            self._session.retries += transaction.retries


def postgres_unit_of_work_factory(
    db_or_dsn: PostgresDatabase | str, tenant: str = "default"
) -> Callable[[], PostgresUnitOfWork]:
    """A factory of units of work for one tenant of one database.

    Args:
        db_or_dsn: an open database, or a DSN to open one with default settings.
        tenant: the tenant every unit of work is bound to.

    Returns:
        a callable making a fresh :class:`PostgresUnitOfWork` on each call.

    Raises:
        InvalidInput: ``tenant`` is blank.
        SchemaVersionError, TransientError: opening the database from a DSN failed.
    """
    db = db_or_dsn if isinstance(db_or_dsn, PostgresDatabase) else PostgresDatabase(db_or_dsn)
    check_tenant(tenant)

    def make() -> PostgresUnitOfWork:
        return PostgresUnitOfWork(db, tenant)

    return make
