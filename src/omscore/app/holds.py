"""Holds: lifting those whose cause has cleared, releasing those a person decided, and containing failures.

Every :class:`~omscore.domain.holds.HoldKind` says how its hold ends (:attr:`~omscore.domain.holds.HoldKind.
ends_by`). Holds that end on a condition are re-checked here against the data they depend on — an unmapped
listing against the catalog (the lines are mapped again), an incomplete recipient against the order's
recipient, an out-of-stock order against the stock it saw when routing gave up — and lifted when the cause
has gone, without the host calling anything but the normal pipeline. Holds for a person end only by
:func:`release_hold`. When a step raises on one order, :func:`hold_failed` holds that order with the error so
that the others go on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from omscore.app.context import Context
from omscore.app.intake import remap_lines
from omscore.app.retry import in_unit_of_work
from omscore.app.review import approve_in, review_in
from omscore.domain.catalog import Catalog
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.identity import OrderId
from omscore.domain.inventory import StockKey
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.policies.fill import in_fill_order
from omscore.policies.review import UnmappedSku
from omscore.ports.unit_of_work import UnitOfWork

#: Holds re-checked on every pipeline pass: the condition holds (``NO_CARRIER`` is re-checked when master data is
#: stored) and the wait window, which ends by time.
_RECHECKED = frozenset({HoldKind.UNMAPPED_SKU, HoldKind.INCOMPLETE_ADDRESS, HoldKind.OUT_OF_STOCK, HoldKind.WAIT})


def release_hold(ctx: Context, order_id: OrderId, kind: HoldKind, note: str = "") -> OrderStatus:
    """Clear one hold (a person checked it). When none is left the order is approved. Returns the order's
    status afterwards.

    Holds whose cause omscore can see cannot be waved through while it lasts: an unmapped-SKU hold stays
    while a line maps to no SKU (the lines are mapped again against the catalog first), an incomplete-address
    hold while the recipient lacks a name, phone or address part; a decision says why the hold was kept.
    """

    def work(uow: UnitOfWork) -> OrderStatus:
        order = uow.orders.get(order_id)
        if order is None:
            return OrderStatus.CANCELLED
        if order.status is not OrderStatus.HELD or not order.has_hold(kind):
            return order.status
        still = _still(uow, order, kind)
        if still is not None:
            order.record_decision("hold", f"{kind} hold kept: {still}", (f"release asked: {note}",))
            uow.orders.save(order)
            return order.status
        if kind is HoldKind.WAIT:
            order.release_hold(kind)
            order.record_decision("hold", f"wait ended by a person{': ' + note if note else ''}", ())
            review_in(ctx, uow, order, wait=False)
        else:
            _lift(ctx, order, kind, f"hold {kind} released{': ' + note if note else ''}")
        uow.orders.save(order)
        return order.status

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def recheck_holds(ctx: Context) -> list[OrderId]:
    """Lift every hold whose cause has cleared (see the module docstring). Orders left with no hold are
    approved, ready for routing. Returns the orders whose holds were lifted, in fill order."""

    def work(uow: UnitOfWork) -> list[OrderId]:
        waiting = [order for order in _held(uow) if any(h.kind in _RECHECKED for h in order.holds)]
        now = ctx.clock.now()
        if not waiting:
            return []
        catalog = uow.catalog.load()
        network = uow.network.load()
        keys = sorted(
            {
                (loc, line.sku)
                for order in waiting
                if order.has_hold(HoldKind.OUT_OF_STOCK)
                for line in order.lines
                for loc in network.locations
            }
        )
        available = {key: level.available for key, level in uow.inventory.levels(keys).items()} if keys else {}
        lifted: list[OrderId] = []
        for order in in_fill_order(waiting, ctx.settings.fill):
            changed = recheck_in(ctx, order, catalog, available)
            if _wait_over_in(ctx, uow, order, now):
                changed = True
            if changed:
                uow.orders.save(order)
                lifted.append(order.id)
        return lifted

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def recheck_in(ctx: Context, order: Order, catalog: Catalog, available: Mapping[StockKey, int]) -> bool:
    """Lift the condition holds of a held ``order`` whose cause has cleared (the caller saves it). Returns
    whether anything changed."""
    changed = False
    if order.has_hold(HoldKind.UNMAPPED_SKU):
        changed = _remap(order, catalog)
        if UnmappedSku().check(order, catalog) is None:
            _lift(ctx, order, HoldKind.UNMAPPED_SKU, "every listing maps to a SKU now")
            changed = True
    if order.has_hold(HoldKind.INCOMPLETE_ADDRESS) and not order.recipient.missing_fields():
        _lift(ctx, order, HoldKind.INCOMPLETE_ADDRESS, "the recipient is complete now")
        changed = True
    for hold in order.holds:
        if hold.kind is HoldKind.OUT_OF_STOCK and _stock_grew(hold, available):
            _lift(ctx, order, HoldKind.OUT_OF_STOCK, "stock the order needs has grown")
            changed = True
    return changed


def lift_after_master_data_in(ctx: Context, uow: UnitOfWork) -> list[OrderId]:
    """After the catalog and network were stored: map waiting orders' lines again and lift the holds the new
    master data may have cleared (unmapped SKU, no carrier: routing tries again). Returns those orders."""
    catalog = uow.catalog.load()
    lifted: list[OrderId] = []
    for order in in_fill_order(_held(uow), ctx.settings.fill):
        changed = recheck_in(ctx, order, catalog, {}) if order.has_hold(HoldKind.UNMAPPED_SKU) else False
        if order.has_hold(HoldKind.NO_CARRIER):
            _lift(ctx, order, HoldKind.NO_CARRIER, "the catalog and network were stored again")
            changed = True
        if changed:
            uow.orders.save(order)
            lifted.append(order.id)
    return lifted


def hold_failed(ctx: Context, order_id: OrderId, stage: str, error: BaseException) -> OrderStatus | None:
    """Hold ``order_id`` because ``stage`` raised ``error`` on it, keeping the error with the order (a hold of
    kind :attr:`~omscore.domain.holds.HoldKind.FAILED` and a decision). An order already past routing keeps
    its status; the error is still recorded. Returns the order's status, or ``None`` when it is gone."""
    text = f"{stage} failed: {type(error).__name__}: {error}"

    def work(uow: UnitOfWork) -> OrderStatus | None:
        order = uow.orders.get(order_id)
        if order is None:
            return None
        order.record_decision("error", text, ())
        if order.status in {OrderStatus.RECEIVED, OrderStatus.APPROVED, OrderStatus.HELD}:
            order.hold(Hold(HoldKind.FAILED, text))
        uow.orders.save(order)
        return order.status

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def _still(uow: UnitOfWork, order: Order, kind: HoldKind) -> str | None:
    """Why a hold of ``kind`` must stay on ``order`` although a person released it, or ``None``."""
    if kind is HoldKind.UNMAPPED_SKU:
        catalog = uow.catalog.load()
        _remap(order, catalog)
        unmapped = UnmappedSku().check(order, catalog)
        return None if unmapped is None else unmapped.detail
    if kind is HoldKind.INCOMPLETE_ADDRESS:
        missing = order.recipient.missing_fields()
        return f"recipient is missing {', '.join(missing)}" if missing else None
    return None


def _held(uow: UnitOfWork) -> list[Order]:
    orders = (uow.orders.get(order_id) for order_id in uow.orders.ids_with_status(OrderStatus.HELD))
    return [order for order in orders if order is not None and order.status is OrderStatus.HELD]


def _remap(order: Order, catalog: Catalog) -> bool:
    lines = remap_lines(order, catalog)
    if lines is None:
        return False
    order.remap_lines(lines)
    return True


def _wait_over_in(ctx: Context, uow: UnitOfWork, order: Order, now: datetime) -> bool:
    """End ``order``'s wait window when its time has come and review it (it may wait again for a sibling still
    in its window). Returns whether the order changed."""
    ended = [
        hold for hold in order.holds if hold.kind is HoldKind.WAIT and hold.until is not None and hold.until <= now
    ]
    if not ended:
        return False
    order.release_hold(HoldKind.WAIT)
    review_in(ctx, uow, order)
    return True


def _lift(ctx: Context, order: Order, kind: HoldKind, reason: str) -> None:
    order.release_hold(kind)
    if not order.holds:
        approve_in(ctx, order, reason)


def _stock_grew(hold: Hold, available: Mapping[StockKey, int]) -> bool:
    if not hold.seen:
        return False
    seen = {(loc, sku): n for loc, sku, n in hold.seen}
    skus = {sku for _, sku, _ in hold.seen}
    grown = any(available.get(key, 0) > n for key, n in seen.items())
    new_places = any(n > 0 and key not in seen and key[1] in skus for key, n in available.items())
    return grown or new_places
