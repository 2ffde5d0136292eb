"""Independent checks of DESIGN.md §5's invariants over a whole store.

The audit re-derives every figure from the stored orders, shipments and reservations rather than trusting
any counter kept by the pipeline, so a bug in the pipeline shows up here instead of hiding in its own
bookkeeping. The demo, the CLI and the property tests all end with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from omscore.domain.identity import ExternalOrderRef, OrderId
from omscore.domain.inventory import StockKey
from omscore.domain.order import Order
from omscore.domain.order_status import RESERVING, OrderStatus
from omscore.domain.shipment import Shipment, ShipmentStatus
from omscore.ports.unit_of_work import UnitOfWork

_LIMIT = 20


@attrs.frozen
class AuditReport:
    """What the audit found; every count is zero in a healthy store.

    Attributes:
        orders: orders stored (merged sources included).
        oversold_units: units promised (open shipments) or shipped beyond what the location had.
        reservation_mismatch_units: reserved units that differ from what open shipments need.
        leaked_units: units still reserved for orders that are cancelled, completed or merged.
        negative_available: (location, SKU) pairs whose available stock is below zero.
        lost_orders: expected platform orders that are not stored.
        duplicate_orders: platform orders stored more than once.
        quantity_drift_units: ordered units not accounted for exactly once by shipments or merges.
        gift_quota_drift_units: gift units an order holds in the activities' quotas other than the gifts it
            carries while routed (none before routing, none once cancelled), plus gifts on an order not routed.
        money_drift_minor: absolute difference between order totals and their shipments' or sources' amounts,
            plus the same for the gross and discount totals, plus how far any line's amount is from its gross
            less its discount.
        problems: the first few findings, for people.
    """

    orders: int = 0
    oversold_units: int = 0
    reservation_mismatch_units: int = 0
    leaked_units: int = 0
    negative_available: int = 0
    lost_orders: int = 0
    duplicate_orders: int = 0
    quantity_drift_units: int = 0
    gift_quota_drift_units: int = 0
    money_drift_minor: int = 0
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(
            (
                self.oversold_units,
                self.reservation_mismatch_units,
                self.leaked_units,
                self.negative_available,
                self.lost_orders,
                self.duplicate_orders,
                self.quantity_drift_units,
                self.gift_quota_drift_units,
                self.money_drift_minor,
            )
        )


def audit(
    uow: UnitOfWork,
    expected_refs: Iterable[ExternalOrderRef] = (),
    supplied: Mapping[StockKey, int] | None = None,
) -> AuditReport:
    """Check the store behind ``uow``.

    Args:
        uow: an open unit of work (read only; nothing is written).
        expected_refs: platform orders the caller knows were acknowledged; each must be stored.
        supplied: units ever put into each (location, SKU) (initial stock + receipts + adjustments), when the
            caller keeps that ledger; shipped plus promised units must not exceed it.
    """
    problems: list[str] = []
    orders: dict[OrderId, Order] = {}
    for status in OrderStatus:
        for order_id in uow.orders.ids_with_status(status):
            order = uow.orders.get(order_id)
            if order is not None:
                orders[order.id] = order
    shipments = {order_id: uow.shipments.for_order(order_id) for order_id in orders}

    lost = 0
    for ref in sorted(set(expected_refs)):
        if uow.orders.get_by_ref(ref) is None:
            lost += 1
            _note(problems, f"lost: {ref}")

    per_ref: dict[ExternalOrderRef, list[OrderId]] = {}
    for order in orders.values():
        if not order.merged_from and order.backorder_of is None:
            for ref in order.refs:
                per_ref.setdefault(ref, []).append(order.id)
    duplicates = 0
    for ref, ids in sorted(per_ref.items()):
        if len(ids) > 1:
            duplicates += len(ids) - 1
            _note(problems, f"duplicate: {ref} stored as {', '.join(sorted(ids))}")

    quantity_drift, money_drift = 0, 0
    promised: dict[StockKey, int] = {}
    shipped: dict[StockKey, int] = {}
    for order in orders.values():
        q, m = _conservation(order, orders, shipments[order.id], problems)
        quantity_drift += q
        money_drift += m
        for shipment in shipments[order.id]:
            for line in shipment.lines:
                key = (shipment.location, line.sku)
                if shipment.is_open:
                    promised[key] = promised.get(key, 0) + line.quantity
                elif shipment.status in {ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED}:
                    shipped[key] = shipped.get(key, 0) + line.quantity

    gift_drift = sum(_gift_drift(uow, order, problems) for order in orders.values())
    leaked, mismatch = 0, 0
    open_parts: dict[tuple[str, str, StockKey], int] = {}
    for order_id, order_shipments in shipments.items():
        for shipment in order_shipments:
            if shipment.is_open:
                for line in shipment.lines:
                    opened: tuple[str, str, StockKey] = (order_id, shipment.id, (shipment.location, line.sku))
                    open_parts[opened] = open_parts.get(opened, 0) + line.quantity
    held_parts: dict[tuple[str, str, StockKey], int] = {}
    reserved_by_key: dict[StockKey, int] = {}
    for reservation_key in uow.inventory.reservation_keys():
        reservation = uow.inventory.reservation(reservation_key)
        if reservation is None:
            continue
        owner = orders.get(OrderId(reservation_key))
        for held in reservation.lines:
            stock_key = (held.location, held.sku)
            reserved_by_key[stock_key] = reserved_by_key.get(stock_key, 0) + held.quantity
            holding: tuple[str, str, StockKey] = (reservation_key, held.ref, stock_key)
            held_parts[holding] = held_parts.get(holding, 0) + held.quantity
        if owner is None or owner.status not in RESERVING:
            leaked += reservation.units
            state = owner.status if owner else "no order"
            _note(problems, f"leak: {reservation.units} unit(s) reserved for {reservation_key} ({state})")

    for part in sorted(set(open_parts) | set(held_parts)):
        difference = abs(open_parts.get(part, 0) - held_parts.get(part, 0))
        if difference:
            mismatch += difference
            _note(problems, f"order {part[0]} shipment {part[1]} at {part[2]}: reservation differs by {difference}")
    oversold, negative = 0, 0
    seen: set[StockKey] = set()
    for level in uow.inventory.all_levels():
        key = (level.location, level.sku)
        seen.add(key)
        if level.available < 0:
            negative += 1
            _note(problems, f"negative available at {key}: {level.available}")
        need = promised.get(key, 0)
        if need != level.reserved or need != reserved_by_key.get(key, 0):
            mismatch += abs(need - level.reserved)
            _note(problems, f"reserved {level.reserved} at {key} but open shipments need {need}")
        oversold += max(0, need - (level.on_hand - level.safety))
        if supplied is not None:
            oversold += max(0, shipped.get(key, 0) + need - supplied.get(key, 0))
    for key in sorted(set(promised) - seen):
        oversold += promised[key]
        _note(problems, f"{promised[key]} unit(s) promised at {key}, where no stock is recorded")
    return AuditReport(
        orders=len(orders),
        oversold_units=oversold,
        reservation_mismatch_units=mismatch,
        leaked_units=leaked,
        negative_available=negative,
        lost_orders=lost,
        duplicate_orders=duplicates,
        quantity_drift_units=quantity_drift,
        gift_quota_drift_units=gift_drift,
        money_drift_minor=money_drift,
        problems=tuple(problems),
    )


#: Statuses of an order that carries the gifts it was given, and holds their quota.
_GIFTED = frozenset(
    {
        OrderStatus.ALLOCATED,
        OrderStatus.RELEASED,
        OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
    }
)


def _gift_drift(uow: UnitOfWork, order: Order, problems: list[str]) -> int:
    """How far the gift units ``order`` holds in the quotas are from the gifts it carries while routed."""
    held = sum(uow.gift_quotas.held_by(order.id).values())
    carried = sum(line.quantity for line in order.given_gifts)
    drift = abs(held - carried) if order.status in _GIFTED else held
    if order.status not in _GIFTED and order.status is not OrderStatus.CANCELLED:
        drift += carried
    if drift:
        _note(problems, f"order {order.id} ({order.status}): holds {held} gift unit(s), carries {carried}")
    return drift


def _conservation(
    order: Order, orders: Mapping[OrderId, Order], shipments: list[Shipment], problems: list[str]
) -> tuple[int, int]:
    """Quantity and money drift of one order against its shipments (or, for a merge, its sources).

    Gross and discount totals are compared with the shipments' only when every counted shipment line carries
    its own gross and discount (shipments recorded before they did cannot be checked this way).
    """
    quantity_drift, money_drift = 0, 0
    if order.status is not OrderStatus.MERGED:
        for line in order.lines:
            if not line.balanced:
                gap = line.gross_amount - line.discount_amount - line.amount
                money_drift += abs(gap.minor)
                _note(problems, f"order {order.id} line {line.id}: gross − discount differs from the amount by {gap}")
    if order.merged_from:
        sources = [orders[s] for s in order.merged_from if s in orders]
        still_merged = [s for s in sources if s.status is OrderStatus.MERGED and s.merged_into == order.id]
        if order.status is OrderStatus.CANCELLED:
            if still_merged:
                units = sum(s.units for s in still_merged)
                quantity_drift += units
                _note(problems, f"merge {order.id} cancelled but {units} unit(s) of its sources are still in it")
        else:
            units = sum(s.bought_units for s in sources)
            money = sum(s.total.minor for s in sources)
            mine = order.bought_units
            if len(still_merged) != len(order.merged_from) or units != mine or money != order.total.minor:
                quantity_drift += abs(units - mine) or len(order.merged_from) - len(still_merged)
                money_drift += abs(money - order.total.minor)
                _note(problems, f"merge {order.id}: sources {units} units/{money} vs {mine}/{order.total.minor}")
            gross = sum(s.gross_total.minor for s in sources)
            discount = sum(s.discount_total.minor for s in sources)
            if (gross, discount) != (order.gross_total.minor, order.discount_total.minor):
                money_drift += abs(gross - order.gross_total.minor) + abs(discount - order.discount_total.minor)
                _note(
                    problems,
                    f"merge {order.id}: sources gross/discount {gross}/{discount} "
                    f"vs {order.gross_total.minor}/{order.discount_total.minor}",
                )
    if order.status is OrderStatus.MERGED:
        parent = orders.get(order.merged_into) if order.merged_into else None
        if parent is None or order.id not in parent.merged_from or parent.status is OrderStatus.CANCELLED:
            quantity_drift += order.units
            _note(problems, f"order {order.id} is merged into {order.merged_into}, which does not carry it")
    if order.status in {OrderStatus.MERGED, *_PRE} or (
        order.status is OrderStatus.CANCELLED and not _counted(shipments)
    ):
        return quantity_drift, money_drift
    counted = _counted(shipments)
    by_line: dict[str, int] = {}
    amount = 0
    for shipment in counted:
        amount += shipment.amount.minor
        for part in shipment.lines:
            by_line[part.line_id] = by_line.get(part.line_id, 0) + part.quantity
    for line in order.lines:
        drift = abs(by_line.pop(line.id, 0) - line.quantity)
        if drift:
            quantity_drift += drift
            _note(problems, f"order {order.id} line {line.id}: shipments carry a different quantity")
    quantity_drift += sum(by_line.values())
    if amount != order.total.minor:
        money_drift += abs(amount - order.total.minor)
        _note(problems, f"order {order.id}: shipments sum to {amount}, order total {order.total.minor}")
    parts = [part for shipment in counted for part in shipment.lines]
    if parts and all(part.gross is not None and part.discount is not None for part in parts):
        gross = sum(part.gross_amount.minor for part in parts)
        discount = sum(part.discount_amount.minor for part in parts)
        if (gross, discount) != (order.gross_total.minor, order.discount_total.minor):
            money_drift += abs(gross - order.gross_total.minor) + abs(discount - order.discount_total.minor)
            _note(
                problems,
                f"order {order.id}: shipments' gross/discount {gross}/{discount} "
                f"vs the order's {order.gross_total.minor}/{order.discount_total.minor}",
            )
    return quantity_drift, money_drift


_PRE = frozenset({OrderStatus.RECEIVED, OrderStatus.HELD, OrderStatus.APPROVED})


def _counted(shipments: list[Shipment]) -> list[Shipment]:
    """The shipments that account for the order's units: every one but those superseded by a re-plan. A
    shipment withdrawn with its units (cancelled before release or intercepted after it, the order or part of
    it being cancelled) still counts: its units are accounted for as cancelled, back in stock."""
    return [s for s in shipments if not s.superseded]


def _note(problems: list[str], text: str) -> None:
    if len(problems) < _LIMIT:
        problems.append(text)
