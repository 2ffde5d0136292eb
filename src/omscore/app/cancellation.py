"""Cancellation: release what the order holds, intercept what was released, or say it is too late."""

from __future__ import annotations

import attrs

from omscore.app.allocation import deallocate_in
from omscore.app.context import Context
from omscore.app.gifts import return_gift_quota_in
from omscore.app.inbound import end_promises_in
from omscore.app.merging import detach_in
from omscore.app.retry import in_unit_of_work
from omscore.domain.identity import OrderId, ShipmentId
from omscore.domain.order import Order
from omscore.domain.order_status import PRE_ROUTING, OrderStatus
from omscore.domain.shipment import ShipmentStatus
from omscore.ports.fulfilment import InterceptResult
from omscore.ports.unit_of_work import UnitOfWork


@attrs.frozen
class CancelResult:
    """``cancelled`` when the whole order is cancelled; otherwise ``detail`` says why not.

    Attributes:
        intercepted: released shipments stopped at their location.
        too_late: released shipments that had already left (after-sales takes over).
    """

    order_id: OrderId
    cancelled: bool
    detail: str
    intercepted: tuple[ShipmentId, ...] = ()
    too_late: tuple[ShipmentId, ...] = ()


def cancel_order(ctx: Context, order_id: OrderId, reason: str) -> CancelResult:
    """Cancel an order wherever it is in the pipeline, as far as that is still possible. Idempotent."""

    def work(uow: UnitOfWork) -> CancelResult:
        order = uow.orders.get(order_id)
        if order is None:
            return CancelResult(order_id, False, "no such order")
        return cancel_in(ctx, uow, order, reason)

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def cancel_in(ctx: Context, uow: UnitOfWork, order: Order, reason: str) -> CancelResult:
    """Cancel ``order`` as far as it can still be, and with it its backorder parts (有货先发)."""
    late = _cancel_parts(ctx, uow, order, reason)
    result = _cancel_one(ctx, uow, order, reason)
    if result.cancelled:
        end_promises_in(uow, order)
    if late:
        return attrs.evolve(result, detail=f"{result.detail}; backorder part(s) too late: {', '.join(late)}")
    return result


def _cancel_parts(ctx: Context, uow: UnitOfWork, order: Order, reason: str) -> list[OrderId]:
    """Cancel the backorder parts of ``order``; returns those too far on to cancel."""
    late: list[OrderId] = []
    for part_id in order.backorders:
        part = uow.orders.get(part_id)
        if part is not None and not cancel_in(ctx, uow, part, f"{order.id} cancelled: {reason}").cancelled:
            late.append(part.id)
    return late


def _cancel_one(ctx: Context, uow: UnitOfWork, order: Order, reason: str) -> CancelResult:
    if order.status is OrderStatus.CANCELLED:
        return CancelResult(order.id, True, "already cancelled")
    if order.status in PRE_ROUTING:
        order.cancel(reason)
        uow.orders.save(order)
        _cancel_sources(uow, order, reason)
        return CancelResult(order.id, True, f"cancelled before routing: {reason}")
    if order.status is OrderStatus.ALLOCATED:
        deallocate_in(uow, order, f"cancelling: {reason}")
        order.cancel(reason)
        uow.orders.save(order)
        _cancel_sources(uow, order, reason)
        return CancelResult(order.id, True, f"reservation released: {reason}")
    if order.status is OrderStatus.MERGED:
        return _cancel_merged_source(ctx, uow, order, reason)
    if order.status is OrderStatus.RELEASED:
        return _intercept(ctx, uow, order, reason)
    return CancelResult(order.id, False, f"too late: the order is {order.status}")


def _intercept(ctx: Context, uow: UnitOfWork, order: Order, reason: str) -> CancelResult:
    intercepted: list[ShipmentId] = []
    too_late: list[ShipmentId] = []
    for shipment in uow.shipments.for_order(order.id):
        if shipment.status is ShipmentStatus.RELEASED:
            if ctx.fulfilment.intercept(shipment) is InterceptResult.INTERCEPTED:
                shipment.cancel()
                uow.shipments.save(shipment)
                uow.inventory.release(order.id, shipment.id)
                intercepted.append(shipment.id)
            else:
                too_late.append(shipment.id)
        elif shipment.status is ShipmentStatus.PLANNED:
            shipment.cancel()
            uow.shipments.save(shipment)
            uow.inventory.release(order.id, shipment.id)
            intercepted.append(shipment.id)
    if too_late:
        return CancelResult(
            order.id,
            False,
            f"{len(too_late)} shipment(s) already left; {len(intercepted)} intercepted",
            tuple(intercepted),
            tuple(too_late),
        )
    order.cancel(reason)
    return_gift_quota_in(uow, order)
    uow.orders.save(order)
    _cancel_sources(uow, order, reason)
    return CancelResult(order.id, True, f"intercepted {len(intercepted)} shipment(s): {reason}", tuple(intercepted))


def _cancel_sources(uow: UnitOfWork, merged: Order, reason: str) -> None:
    """A cancelled merge takes its source orders with it: each is cancelled too (and, for a source that is
    itself a merge, its own sources)."""
    for source_id in merged.merged_from:
        source = uow.orders.get(source_id)
        if source is not None and source.status is OrderStatus.MERGED and source.merged_into == merged.id:
            source.cancel(f"merged order {merged.id} cancelled: {reason}")
            uow.orders.save(source)
            _cancel_sources(uow, source, reason)


def _cancel_merged_source(ctx: Context, uow: UnitOfWork, source: Order, reason: str) -> CancelResult:
    """A platform order inside a merge (at any depth) is taken out of it and cancelled; the other orders of the
    merge merge again and are planned again on the next pipeline pass (see :func:`detach_in`). A merge inside a
    merge is taken out whole and cancelled with its sources."""
    detached = detach_in(ctx, uow, source, f"source {source.id} cancelled")
    if detached.order is None:
        return CancelResult(source.id, False, detached.detail, detached.intercepted, detached.too_late)
    detached.order.cancel(reason)
    uow.orders.save(detached.order)
    _cancel_sources(uow, detached.order, reason)
    return CancelResult(
        source.id, True, f"{detached.detail}; cancelled: {reason}", detached.intercepted, detached.too_late
    )
