"""What the repositories of one unit of work share: the tenant, the open transaction and the pending events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from omscore.adapters.postgres.transaction import Query, Row, Transaction
from omscore.domain.errors import InvalidInput, UnitOfWorkClosed
from omscore.domain.events import DomainEvent


def check_tenant(tenant: str) -> str:
    """Return ``tenant`` when it is a non-blank string.

    Raises:
        InvalidInput: it is not.
    """
    if not isinstance(tenant, str) or not tenant.strip():
        raise InvalidInput("tenant", tenant, "a tenant must be a non-blank string")
    return tenant


class Session:
    """The tenant and transaction of one unit of work; every statement of its repositories runs through it."""

    def __init__(self, tenant: str) -> None:
        self.tenant = check_tenant(tenant)
        self.transaction: Transaction | None = None
        self.pending_events: list[DomainEvent] = []
        self.retries = 0

    def execute(self, query: Query, params: Sequence[Any] | None = None) -> list[Row]:
        """Run a statement in the unit of work's transaction.

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
        """
        if self.transaction is None:
            raise UnitOfWorkClosed("the unit of work is not open; use it as a context manager")
        return self.transaction.execute(query, params)

    def one(self, query: Query, params: Sequence[Any] | None = None) -> Row | None:
        """The first row of a statement, or ``None``."""
        rows = self.execute(query, params)
        return rows[0] if rows else None
