"""Storage of :class:`~omscore.domain.order.Order` aggregates."""

from __future__ import annotations

from typing import Protocol

from omscore.domain.identity import ExternalOrderRef, OrderId
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus


class OrderRepository(Protocol):
    """Orders, with optimistic concurrency on :attr:`Order.version` and an index on external references.

    All methods act inside the unit of work that owns the repository; writes become visible to others only
    when that unit of work commits.
    """

    def add(self, order: Order) -> None:
        """Store a new order and index each of its refs (a ref already indexed keeps its first order).

        On success ``order.version`` becomes 1.

        Raises:
            DuplicateKey: an order with this id exists (entity ``order``), or — for an order with a single
                ref that is not a backorder part (:attr:`~omscore.domain.order.Order.backorder_of`) — that ref
                is already indexed (entity ``order_ref``).
        """
        ...

    def get(self, order_id: OrderId) -> Order | None:
        """The stored order, or ``None``. Each call returns a fresh object (no identity map)."""
        ...

    def get_by_ref(self, ref: ExternalOrderRef) -> Order | None:
        """The order first created for ``ref`` (the intake idempotency index), or ``None``."""
        ...

    def save(self, order: Order) -> None:
        """Store changes to an existing order if nobody stored it since it was loaded.

        On success ``order.version`` is advanced by one.

        Raises:
            ConcurrencyConflict: the stored version differs from ``order.version``.
            NotFound: the order was never added.
        """
        ...

    def ids_with_status(self, status: OrderStatus) -> list[OrderId]:
        """Ids of orders in ``status``, sorted ascending."""
        ...

    def with_merge_key(self, key: str) -> list[Order]:
        """Orders that are not final and carry merge key ``key``, sorted by id. Work is proportional to
        the number of such orders, not to the size of the store."""
        ...

    def count(self) -> int:
        """How many orders are stored (merged sources included)."""
        ...
