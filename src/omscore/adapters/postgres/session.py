"""What the repositories of one unit of work share: the tenant, the open transaction and the pending events."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import psycopg

from omscore.adapters.postgres.pool import ConnectionPool
from omscore.adapters.postgres.transaction import Query, Row, Transaction
from omscore.domain.errors import InvalidInput, OmsError, UnitOfWorkClosed
from omscore.domain.events import DomainEvent


def check_tenant(tenant: str) -> str:
    """Return ``tenant`` when it is a non-blank string.

    Raises:
        InvalidInput: it is not.
    """
    if not isinstance(tenant, str) or not tenant.strip():
        raise InvalidInput("tenant", tenant, "a tenant must be a non-blank string")
    return tenant


def _lock_key(tenant: str, location: str, sku: str) -> int:
    digest = hashlib.blake2b(f"{tenant}\0{location}\0{sku}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Session:
    """The tenant and transaction of one unit of work; every statement of its repositories runs through it."""

    def __init__(self, tenant: str, pool: ConnectionPool, *, pre_locks: bool) -> None:
        self.tenant = check_tenant(tenant)
        self._pool = pool
        self._pre_locks = pre_locks
        self.transaction: Transaction | None = None
        self.pending_events: list[DomainEvent] = []
        self.retries = 0

    def execute(
        self,
        query: Query,
        params: Sequence[Any] | None = None,
        *,
        on_serialization_failure: Callable[[], OmsError] | None = None,
        lock_first: Sequence[int] = (),
    ) -> list[Row]:
        """Run a statement in the unit of work's transaction (see :meth:`Transaction.execute`).

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
        """
        if self.transaction is None:
            raise UnitOfWorkClosed("the unit of work is not open; use it as a context manager")
        return self.transaction.execute(
            query, params, on_serialization_failure=on_serialization_failure, lock_first=lock_first
        )

    def one(
        self,
        query: Query,
        params: Sequence[Any] | None = None,
        *,
        on_serialization_failure: Callable[[], OmsError] | None = None,
        lock_first: Sequence[int] = (),
    ) -> Row | None:
        """The first row of a statement, or ``None``."""
        rows = self.execute(query, params, on_serialization_failure=on_serialization_failure, lock_first=lock_first)
        return rows[0] if rows else None

    def stock_lock_keys(self, keys: Iterable[tuple[str, str]]) -> list[int]:
        """Advisory lock keys of stock rows (see ``lock_first`` of :meth:`Transaction.execute`); none at READ
        COMMITTED, where they are not used."""
        if not self._pre_locks:
            return []
        return [_lock_key(self.tenant, location, sku) for location, sku in keys]

    def gift_lock_keys(self, activity: str) -> list[int]:
        """The advisory lock key of a gift activity's counter, as :meth:`stock_lock_keys` (PostgreSQL text holds
        no NUL, so the NUL-led name cannot collide with a location's)."""
        if not self._pre_locks:
            return []
        return [_lock_key(self.tenant, "\0gift", activity)]

    def inbound_lock_keys(self, receipt_id: str) -> list[int]:
        """The advisory lock key of an expected receipt's row, as :meth:`gift_lock_keys`."""
        if not self._pre_locks:
            return []
        return [_lock_key(self.tenant, "\0inbound", receipt_id)]

    def peek(self, query: Query, params: Sequence[Any] | None = None) -> Row | None:
        """The first row of a read run outside the transaction, on a pooled connection (for error details)."""
        try:
            conn = self._pool.acquire()
        except psycopg.Error:
            return None
        try:
            row = conn.execute(query, params).fetchone()
        except psycopg.Error:
            self._pool.discard(conn)
            return None
        self._pool.release(conn)
        return row
