"""Expected stock in memory.

One tenant's receipts are kept by id, each as an immutable row with its arrival flag and the promises made from
it (order key → units), beside an index of the receipts each order holds promises on. The unit of work holds
the database lock, so checking what is left of a receipt and promising from it is never interleaved with
another worker. Rows and index entries are replaced, never changed in place, and the value a key had before
its first change in a unit of work is remembered, so a rollback puts back exactly what was touched.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from omscore.adapters.memory._transaction import Transaction
from omscore.adapters.memory._undo import put_back, remember
from omscore.domain.identity import LocationId, SkuCode, check_id
from omscore.domain.inbound import ExpectedReceipt, check_units, check_update


@attrs.frozen
class ReceiptRow:
    """A receipt as last expected, whether it arrived, and the units each order holds on it."""

    receipt: ExpectedReceipt
    arrived: bool = False
    promises: Mapping[str, int] = attrs.field(factory=dict)

    @property
    def promised(self) -> int:
        return sum(self.promises.values())


class InboundTable:
    """One tenant's expected receipts and the receipts each order holds promises on."""

    __slots__ = ("by_order", "receipts")

    def __init__(self) -> None:
        self.receipts: dict[str, ReceiptRow] = {}
        self.by_order: dict[str, frozenset[str]] = {}


class MemoryInboundStock:
    """:class:`~omscore.ports.inbound.InboundStock` over an :class:`InboundTable`, with undo for rollback."""

    def __init__(self, table: InboundTable, transaction: Transaction) -> None:
        self._table = table
        self._tx = transaction
        self._receipts_before: dict[str, ReceiptRow | None] = {}
        self._orders_before: dict[str, frozenset[str] | None] = {}

    def expect(self, receipt: ExpectedReceipt) -> None:
        """Record ``receipt``, or update the open receipt of its id; an arrived receipt stays as it was.

        Raises:
            InvalidInput: the id is expected at another location or for another SKU (the field is named).
            InvalidQuantity: the new quantity is below the units already promised.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        row = self._table.receipts.get(receipt.id)
        if row is None:
            self._put_receipt(ReceiptRow(receipt))
            return
        check_update(receipt, row.receipt.location, row.receipt.sku, row.promised)
        if row.arrived:
            return
        self._put_receipt(attrs.evolve(row, receipt=receipt))

    def get(self, receipt_id: str) -> ExpectedReceipt | None:
        """The receipt as last expected; ``None`` when never expected.

        Raises:
            InvalidInput: a blank ``receipt_id``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        row = self._table.receipts.get(check_id("receipt_id", receipt_id))
        return None if row is None else row.receipt

    def open_for(self, location: LocationId, sku: SkuCode) -> list[ExpectedReceipt]:
        """The receipts of ``sku`` at ``location`` not arrived yet, by (``expected_on``, id).

        Raises:
            InvalidInput: a blank ``location`` or ``sku``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        check_id("location", location)
        check_id("sku", sku)
        found = [
            row.receipt
            for row in self._table.receipts.values()
            if not row.arrived and row.receipt.location == location and row.receipt.sku == sku
        ]
        return sorted(found, key=lambda receipt: (receipt.expected_on, receipt.id))

    def promised(self, receipt_id: str) -> int:
        """Units of the receipt promised now; 0 when unknown or arrived.

        Raises:
            InvalidInput: a blank ``receipt_id``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        row = self._table.receipts.get(check_id("receipt_id", receipt_id))
        return 0 if row is None else row.promised

    def promise(self, order_key: str, receipt_id: str, units: int) -> bool:
        """Promise ``units`` of an open receipt to ``order_key`` if they fit; a repeat changes nothing.

        Returns:
            ``True`` when the order holds a promise on the receipt now, ``False`` when it is unknown, arrived or
            too short.

        Raises:
            InvalidInput: a blank ``order_key`` or ``receipt_id``.
            InvalidQuantity: ``units`` is not a positive integer.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        check_id("order_key", order_key)
        check_id("receipt_id", receipt_id)
        check_units("units", units)
        table = self._table
        row = table.receipts.get(receipt_id)
        if row is None or row.arrived:
            return False
        if order_key in row.promises:
            return True
        if row.promised + units > row.receipt.quantity:
            return False
        self._put_receipt(attrs.evolve(row, promises={**row.promises, order_key: units}))
        self._put_order(order_key, table.by_order.get(order_key, frozenset()) | {receipt_id})
        return True

    def release(self, order_key: str) -> int:
        """Give back every promise ``order_key`` holds.

        Returns:
            The units given back; 0 when it held nothing (a repeat).

        Raises:
            InvalidInput: a blank ``order_key``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        table = self._table
        held = table.by_order.get(check_id("order_key", order_key))
        if held is None:
            return 0
        units = 0
        for receipt_id in sorted(held):
            row = table.receipts[receipt_id]
            promises = dict(row.promises)
            units += promises.pop(order_key)
            self._put_receipt(attrs.evolve(row, promises=promises))
        self._put_order(order_key, frozenset())
        return units

    def promises_of(self, order_key: str) -> dict[str, int]:
        """Units ``order_key`` holds per receipt, by receipt id.

        Raises:
            InvalidInput: a blank ``order_key``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        table = self._table
        held = table.by_order.get(check_id("order_key", order_key), frozenset())
        return {receipt_id: table.receipts[receipt_id].promises[order_key] for receipt_id in sorted(held)}

    def arrive(self, receipt_id: str) -> tuple[str, ...]:
        """Mark the receipt arrived and end the promises made from it.

        Returns:
            The order keys that held them, ascending; ``()`` for a repeat or an unknown id.

        Raises:
            InvalidInput: a blank ``receipt_id``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        table = self._table
        row = table.receipts.get(check_id("receipt_id", receipt_id))
        if row is None or row.arrived:
            return ()
        holders = tuple(sorted(row.promises))
        for order_key in holders:
            self._put_order(order_key, table.by_order[order_key] - {receipt_id})
        self._put_receipt(ReceiptRow(row.receipt, arrived=True))
        return holders

    # --- internals ----------------------------------------------------------------------------------------

    def _put_receipt(self, row: ReceiptRow) -> None:
        remember(self._receipts_before, self._table.receipts, row.receipt.id)
        self._table.receipts[row.receipt.id] = row

    def _put_order(self, order_key: str, receipts: frozenset[str]) -> None:
        by_order = self._table.by_order
        remember(self._orders_before, by_order, order_key)
        if receipts:
            by_order[order_key] = receipts
        else:
            by_order.pop(order_key, None)

    def _forget_undo(self) -> None:
        self._receipts_before.clear()
        self._orders_before.clear()

    def _undo(self) -> None:
        put_back(self._receipts_before, self._table.receipts)
        put_back(self._orders_before, self._table.by_order)
