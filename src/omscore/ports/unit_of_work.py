"""The unit of work: one atomic change across every repository, with the event outbox."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from omscore.ports.catalog import CatalogRepository
from omscore.ports.gift_quotas import GiftQuotas
from omscore.ports.inbound import InboundStock
from omscore.ports.inventory import InventoryStore
from omscore.ports.network import NetworkRepository
from omscore.ports.orders import OrderRepository
from omscore.ports.outbox import Outbox
from omscore.ports.shipments import ShipmentRepository


class UnitOfWork(Protocol):
    """An atomic change.

    Use as a context manager: entering opens the transaction; :meth:`commit` makes every change and every
    recorded event visible at once; leaving without a commit (or on an exception) rolls everything back. The
    events recorded by orders and shipments stored through the repositories go to :attr:`outbox` on commit.
    A unit of work is bound to one tenant. After :meth:`commit` or :meth:`rollback` it stays open until it is
    left; once left it cannot be entered again, and using a repository outside it raises
    :class:`~omscore.domain.errors.UnitOfWorkClosed`.
    """

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def shipments(self) -> ShipmentRepository: ...

    @property
    def inventory(self) -> InventoryStore: ...

    @property
    def gift_quotas(self) -> GiftQuotas: ...

    @property
    def inbound(self) -> InboundStock: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def network(self) -> NetworkRepository: ...

    @property
    def outbox(self) -> Outbox: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make the changes durable and visible.

        Raises:
            ConcurrencyConflict, TransientError: the whole unit of work may be retried.
        """
        ...

    def rollback(self) -> None:
        """Discard every change made since the unit of work was entered."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Makes a fresh unit of work for each command."""
