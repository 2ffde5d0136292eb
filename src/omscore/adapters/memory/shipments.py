"""Shipments in memory: the table of one tenant and the repository a unit of work exposes over it."""

from __future__ import annotations

from omscore.adapters.memory._cloning import clone_shipment
from omscore.adapters.memory._transaction import Transaction
from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, NotFound
from omscore.domain.identity import OrderId, ShipmentId
from omscore.domain.shipment import Shipment


class ShipmentTable:
    """One tenant's stored shipments, indexed by order. Stored shipments are replaced, never mutated."""

    __slots__ = ("by_order", "rows")

    def __init__(self) -> None:
        self.rows: dict[ShipmentId, Shipment] = {}
        self.by_order: dict[OrderId, set[ShipmentId]] = {}

    def put(self, shipment_id: ShipmentId, shipment: Shipment | None) -> None:
        """Store ``shipment`` under ``shipment_id`` (``None`` removes it), keeping the order index."""
        old = self.rows.get(shipment_id)
        if old is not None:
            self.by_order[old.order_id].discard(shipment_id)
        if shipment is None:
            del self.rows[shipment_id]
            return
        self.rows[shipment_id] = shipment
        self.by_order.setdefault(shipment.order_id, set()).add(shipment_id)


class MemoryShipmentRepository:
    """:class:`~omscore.ports.shipments.ShipmentRepository` over a :class:`ShipmentTable`, with undo."""

    def __init__(self, table: ShipmentTable, transaction: Transaction) -> None:
        self._table = table
        self._tx = transaction
        self._before: dict[ShipmentId, Shipment | None] = {}

    def add(self, shipment: Shipment) -> None:
        """Store a new shipment (version 1).

        Raises:
            DuplicateKey: a shipment with this id exists (entity ``shipment``).
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        if shipment.id in self._table.rows:
            raise DuplicateKey("shipment", shipment.id)
        stored = clone_shipment(shipment)
        stored.version = 1
        self._write(stored)
        shipment.version = 1
        self._tx.events.extend(shipment.pull_events())

    def get(self, shipment_id: ShipmentId) -> Shipment | None:
        """A fresh copy of the stored shipment, or ``None``.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        stored = self._table.rows.get(shipment_id)
        return None if stored is None else clone_shipment(stored)

    def save(self, shipment: Shipment) -> None:
        """Store changes to an existing shipment and advance its version.

        Raises:
            NotFound: the shipment was never added.
            ConcurrencyConflict: the stored version is not ``shipment.version``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        current = self._table.rows.get(shipment.id)
        if current is None:
            raise NotFound("shipment", shipment.id)
        if current.version != shipment.version:
            raise ConcurrencyConflict("shipment", shipment.id, shipment.version, current.version)
        stored = clone_shipment(shipment)
        stored.version = shipment.version + 1
        self._write(stored)
        shipment.version = stored.version
        self._tx.events.extend(shipment.pull_events())

    def for_order(self, order_id: OrderId) -> list[Shipment]:
        """Fresh copies of every shipment of ``order_id``, by id.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        rows = self._table.rows
        return [clone_shipment(rows[sid]) for sid in sorted(self._table.by_order.get(order_id, ()))]

    def _write(self, stored: Shipment) -> None:
        if stored.id not in self._before:
            self._before[stored.id] = self._table.rows.get(stored.id)
        self._table.put(stored.id, stored)

    def _forget_undo(self) -> None:
        self._before.clear()

    def _undo(self) -> None:
        for shipment_id, before in self._before.items():
            self._table.put(shipment_id, before)
        self._forget_undo()
