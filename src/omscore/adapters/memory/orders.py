"""Orders in memory: the table of one tenant and the repository a unit of work exposes over it."""

from __future__ import annotations

from omscore.adapters.memory._cloning import clone_order
from omscore.adapters.memory._transaction import Transaction
from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, NotFound
from omscore.domain.identity import ExternalOrderRef, OrderId
from omscore.domain.order import Order
from omscore.domain.order_status import FINAL, OrderStatus


class OrderTable:
    """One tenant's stored orders and the indexes the repository answers from.

    Stored orders are never mutated: a write replaces the stored object, so a reference to the old one is a
    complete before-image for rollback.
    """

    __slots__ = ("by_merge_key", "by_ref", "by_status", "rows")

    def __init__(self) -> None:
        self.rows: dict[OrderId, Order] = {}
        self.by_ref: dict[ExternalOrderRef, OrderId] = {}
        self.by_status: dict[OrderStatus, set[OrderId]] = {}
        self.by_merge_key: dict[str, set[OrderId]] = {}
        """Only orders that are not final: the ones ``with_merge_key`` may return."""

    def put(self, order_id: OrderId, order: Order | None) -> None:
        """Store ``order`` under ``order_id`` (``None`` removes it), keeping the status and merge-key indexes."""
        old = self.rows.get(order_id)
        if old is not None:
            self.by_status[old.status].discard(order_id)
            if old.merge_key is not None and old.status not in FINAL:
                self.by_merge_key[old.merge_key].discard(order_id)
        if order is None:
            del self.rows[order_id]
            return
        self.rows[order_id] = order
        self.by_status.setdefault(order.status, set()).add(order_id)
        if order.merge_key is not None and order.status not in FINAL:
            self.by_merge_key.setdefault(order.merge_key, set()).add(order_id)


class MemoryOrderRepository:
    """:class:`~omscore.ports.orders.OrderRepository` over an :class:`OrderTable`, with undo for rollback."""

    def __init__(self, table: OrderTable, transaction: Transaction) -> None:
        self._table = table
        self._tx = transaction
        self._before: dict[OrderId, Order | None] = {}
        self._refs_added: list[ExternalOrderRef] = []

    def add(self, order: Order) -> None:
        """Store a new order (version 1) and index each of its refs not indexed yet.

        Raises:
            DuplicateKey: the id exists (entity ``order``), or the single ref of the order is indexed already
                (entity ``order_ref``) and the order is not a backorder part.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        table = self._table
        if order.id in table.rows:
            raise DuplicateKey("order", order.id)
        if len(order.refs) == 1 and order.backorder_of is None and order.refs[0] in table.by_ref:
            raise DuplicateKey("order_ref", str(order.refs[0]))
        stored = clone_order(order)
        stored.version = 1
        self._write(stored)
        order.version = 1
        self._tx.events.extend(order.pull_events())

    def get(self, order_id: OrderId) -> Order | None:
        """A fresh copy of the stored order, or ``None``.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        stored = self._table.rows.get(order_id)
        return None if stored is None else clone_order(stored)

    def get_by_ref(self, ref: ExternalOrderRef) -> Order | None:
        """A fresh copy of the order first stored for ``ref``, or ``None``.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        order_id = self._table.by_ref.get(ref)
        return None if order_id is None else clone_order(self._table.rows[order_id])

    def save(self, order: Order) -> None:
        """Store changes to an existing order and advance its version.

        Raises:
            NotFound: the order was never added.
            ConcurrencyConflict: the stored version is not ``order.version``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        current = self._table.rows.get(order.id)
        if current is None:
            raise NotFound("order", order.id)
        if current.version != order.version:
            raise ConcurrencyConflict("order", order.id, order.version, current.version)
        stored = clone_order(order)
        stored.version = order.version + 1
        self._write(stored)
        order.version = stored.version
        self._tx.events.extend(order.pull_events())

    def ids_with_status(self, status: OrderStatus) -> list[OrderId]:
        """Ids of the orders in ``status``, ascending.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return sorted(self._table.by_status.get(status, ()))

    def with_merge_key(self, key: str) -> list[Order]:
        """Fresh copies of the orders that are not final and carry merge key ``key``, by id.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        rows = self._table.rows
        return [clone_order(rows[order_id]) for order_id in sorted(self._table.by_merge_key.get(key, ()))]

    def count(self) -> int:
        """How many orders are stored.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return len(self._table.rows)

    def _write(self, stored: Order) -> None:
        table = self._table
        if stored.id not in self._before:
            self._before[stored.id] = table.rows.get(stored.id)
        table.put(stored.id, stored)
        by_ref = table.by_ref
        for ref in stored.refs:
            if ref not in by_ref:
                by_ref[ref] = stored.id
                self._refs_added.append(ref)

    def _forget_undo(self) -> None:
        self._before.clear()
        self._refs_added.clear()

    def _undo(self) -> None:
        for ref in self._refs_added:
            del self._table.by_ref[ref]
        for order_id, before in self._before.items():
            self._table.put(order_id, before)
        self._forget_undo()
