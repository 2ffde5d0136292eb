"""预计到货 in the pipeline: presale lines routed against expected stock — purchase orders and inbound shipments
(ASN) recorded with a location, SKU, quantity and date.

When an order cannot ship complete only because presale lines wait for goods that are on their way, those
units are promised from the expected receipts (earliest first, never more than a receipt brings, counting what
other orders were promised), split into a backorder part (so the in-stock lines ship now, whatever the shop's
backorder setting) and held for stock with the receipts named. When a receipt arrives
(:func:`omscore.app.stock.receive_expected`) its goods are booked in and the orders promised from it are routed
first, in fill order, before any other order waiting for that SKU; a promise ends when its order is routed or
cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import attrs

from omscore.app.context import Context
from omscore.app.retry import in_unit_of_work
from omscore.domain.identity import LineId, LocationId
from omscore.domain.inbound import ExpectedReceipt
from omscore.domain.order import Order
from omscore.ports.unit_of_work import UnitOfWork


@attrs.frozen
class Promise:
    """``units`` of line ``line_id`` promised from ``receipt``."""

    line_id: LineId
    receipt: ExpectedReceipt
    units: int

    def describe(self) -> str:
        receipt = self.receipt
        where = f"({receipt.location}, {receipt.expected_on})"
        return f"{self.line_id} ×{self.units} from {receipt.kind.value} {receipt.id} {where}"


def expect_stock(ctx: Context, receipt: ExpectedReceipt) -> None:
    """Record (or update) an expected receipt; see :meth:`~omscore.ports.inbound.InboundStock.expect`."""
    in_unit_of_work(ctx.uow, lambda uow: uow.inbound.expect(receipt), ctx.max_attempts)


def expected_cover(
    uow: UnitOfWork, order: Order, shortfall: Mapping[LineId, int], locations: Sequence[LocationId], today: date
) -> list[Promise] | None:
    """The promises that cover every short unit of ``order`` from expected receipts, when every short line is a
    presale line still waiting for its date; ``None`` when some short unit has no expected stock left."""
    lines = {line.id: line for line in order.lines}
    promises: list[Promise] = []
    free: dict[str, int] = {}
    for line_id, units in sorted(shortfall.items()):
        line = lines.get(line_id)
        if units <= 0 or line is None:
            continue
        if not line.waits_for_presale(today):
            return None
        receipts = sorted(
            (receipt for location in locations for receipt in uow.inbound.open_for(location, line.sku)),
            key=lambda receipt: (receipt.expected_on, receipt.id),
        )
        left = units
        for receipt in receipts:
            room = free.setdefault(receipt.id, receipt.quantity - uow.inbound.promised(receipt.id))
            take = min(room, left)
            if take > 0:
                promises.append(Promise(line_id, receipt, take))
                free[receipt.id] = room - take
                left -= take
            if not left:
                break
        if left:
            return None
    return promises or None


def promise_in(uow: UnitOfWork, order: Order, promises: Sequence[Promise]) -> str | None:
    """Promise ``promises`` to ``order``, all or nothing; returns what was promised, for people, or ``None``
    when a concurrent worker took the expected stock first (nothing is promised then)."""
    units: dict[str, int] = {}
    for promise in promises:
        units[promise.receipt.id] = units.get(promise.receipt.id, 0) + promise.units
    for receipt_id, count in sorted(units.items()):
        if not uow.inbound.promise(order.id, receipt_id, count):
            uow.inbound.release(order.id)
            return None
    said = "; ".join(promise.describe() for promise in promises)
    order.record_decision("inbound", f"promised from expected stock: {said}", ())
    return said


def end_promises_in(uow: UnitOfWork, order: Order) -> None:
    """End the promises of an order that holds presale lines (it was routed or cancelled)."""
    if any(line.presale_ship_date is not None for line in order.lines):
        uow.inbound.release(order.id)
