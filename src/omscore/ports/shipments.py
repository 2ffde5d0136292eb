"""Storage of :class:`~omscore.domain.shipment.Shipment` aggregates."""

from __future__ import annotations

from typing import Protocol

from omscore.domain.identity import OrderId, ShipmentId
from omscore.domain.shipment import Shipment


class ShipmentRepository(Protocol):
    """Shipments, with optimistic concurrency on :attr:`Shipment.version`."""

    def add(self, shipment: Shipment) -> None:
        """Store a new shipment; ``shipment.version`` becomes 1.

        Raises:
            DuplicateKey: a shipment with this id exists (entity ``shipment``).
        """
        ...

    def get(self, shipment_id: ShipmentId) -> Shipment | None:
        """The stored shipment or ``None``; a fresh object on every call."""
        ...

    def save(self, shipment: Shipment) -> None:
        """Store changes; ``shipment.version`` is advanced by one.

        Raises:
            ConcurrencyConflict: the stored version differs from ``shipment.version``.
            NotFound: the shipment was never added.
        """
        ...

    def for_order(self, order_id: OrderId) -> list[Shipment]:
        """Every shipment ever planned for ``order_id`` (cancelled ones too), sorted by id."""
        ...
