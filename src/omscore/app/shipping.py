"""Release to the locations, shipment confirmation, delivery, and tracking write-back (回传)."""

from __future__ import annotations

import enum
import functools

import attrs

from omscore.app.allocation import merchant_today
from omscore.app.context import Context
from omscore.app.retry import in_unit_of_work
from omscore.domain.errors import TransientError
from omscore.domain.identity import CarrierId, OrderId, ShipmentId
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.domain.shipment import Shipment, ShipmentStatus
from omscore.ports.unit_of_work import UnitOfWork


def release_order(ctx: Context, order_id: OrderId) -> bool:
    """Send every planned shipment of an allocated order to its location. Returns whether it was released.

    The gateway is called inside the unit of work; its ``send`` is idempotent, so a retry after a failed
    commit re-sends harmlessly.
    """

    def work(uow: UnitOfWork) -> bool:
        order = uow.orders.get(order_id)
        if order is None or order.status is not OrderStatus.ALLOCATED:
            return False
        release_in(ctx, uow, order)
        uow.orders.save(order)
        return True

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def release_in(ctx: Context, uow: UnitOfWork, order: Order) -> None:
    """Release an allocated ``order`` in place (the caller saves it): its shipments that are due are sent and
    saved; presale parcels whose date has not come stay planned until :func:`release_due_shipments`."""
    _send_due(ctx, uow, order_id=order.id)
    order.release()


def _send_due(ctx: Context, uow: UnitOfWork, *, order_id: OrderId) -> int:
    today = merchant_today(ctx)
    sent = 0
    for shipment in uow.shipments.for_order(order_id):
        if shipment.status is ShipmentStatus.PLANNED and shipment.due(today):
            ctx.fulfilment.send(shipment)
            shipment.release()
            uow.shipments.save(shipment)
            sent += 1
    return sent


def release_due_shipments(ctx: Context) -> int:
    """Send the presale parcels of released orders whose ship-after date has come. Returns how many."""

    def work(uow: UnitOfWork) -> list[OrderId]:
        waiting: list[OrderId] = []
        for status in (OrderStatus.RELEASED, OrderStatus.PARTIALLY_SHIPPED):
            for order_id in uow.orders.ids_with_status(status):
                if any(s.status is ShipmentStatus.PLANNED for s in uow.shipments.for_order(order_id)):
                    waiting.append(order_id)
        return waiting

    sent = 0
    for order_id in in_unit_of_work(ctx.uow, work, ctx.max_attempts):
        sent += in_unit_of_work(ctx.uow, functools.partial(_send_due, ctx, order_id=order_id), ctx.max_attempts)
    return sent


class ConfirmStatus(enum.StrEnum):
    SHIPPED = "shipped"
    DUPLICATE = "duplicate"
    """The same confirmation again: nothing changed (missing write-backs were retried)."""
    IGNORED = "ignored"
    """The shipment is unknown or not in a state that can ship."""


@attrs.frozen
class ConfirmResult:
    status: ConfirmStatus
    shipment_id: ShipmentId
    written_back: int = 0
    pending_write_back: int = 0
    detail: str = ""


def confirm_shipment(ctx: Context, shipment_id: ShipmentId, carrier: CarrierId, tracking_number: str) -> ConfirmResult:
    """Record that a shipment left: stock leaves on hand, the order moves on, and the tracking number is
    written back to every platform order whose lines the shipment carries. Idempotent."""

    def work(uow: UnitOfWork) -> ConfirmResult:
        shipment = uow.shipments.get(shipment_id)
        if shipment is None:
            return ConfirmResult(ConfirmStatus.IGNORED, shipment_id, detail="no such shipment")
        if shipment.status is ShipmentStatus.SHIPPED and shipment.tracking_number == tracking_number:
            done, pending = _write_back(ctx, uow, shipment)
            return ConfirmResult(ConfirmStatus.DUPLICATE, shipment_id, done, pending)
        if shipment.status is not ShipmentStatus.RELEASED:
            return ConfirmResult(ConfirmStatus.IGNORED, shipment_id, detail=f"shipment is {shipment.status}")
        shipment.confirm_shipped(carrier, tracking_number)
        uow.inventory.consume(shipment.order_id, shipment.id)
        order = uow.orders.get(shipment.order_id)
        if order is None:
            raise AssertionError(f"shipment {shipment.id} without order {shipment.order_id}")
        still_open = any(s.is_open for s in uow.shipments.for_order(order.id) if s.id != shipment.id)
        order.record_shipped(complete=not still_open)
        uow.orders.save(order)
        done, pending = _write_back(ctx, uow, shipment, order)
        if not done and not pending:  # a parcel of gifts only: no platform to tell, the shipment is stored here
            uow.shipments.save(shipment)
        return ConfirmResult(ConfirmStatus.SHIPPED, shipment_id, done, pending)

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def _write_back(ctx: Context, uow: UnitOfWork, shipment: Shipment, order: Order | None = None) -> tuple[int, int]:
    """Push tracking to each origin platform order not yet told; returns (pushed now, still pending)."""
    if order is None:
        order = uow.orders.get(shipment.order_id)
    # Gifts of the merchant's rules are the merchant's own business: no platform hears of them.
    given = {line.id for line in order.given_gifts} if order else set()
    origins = sorted({line.origin for line in shipment.lines if line.line_id not in given})
    pending_refs = [ref for ref in origins if ref not in shipment.written_back]
    if not pending_refs:
        return 0, 0
    line_ids = {line.line_id for line in shipment.lines}
    done = 0
    if shipment.carrier is None or shipment.tracking_number is None:
        raise AssertionError(f"shipment {shipment.id} shipped without carrier or tracking number")
    for ref in pending_refs:
        origin_lines = sorted(
            {
                line.origin_line_id or line.id
                for line in (order.lines if order else ())
                if line.id in line_ids and line.origin == ref
            }
        )
        try:
            ctx.channels.push_tracking(ref, shipment.id, shipment.carrier, shipment.tracking_number, origin_lines)
        except TransientError:
            continue
        shipment.mark_written_back(ref)
        done += 1
    uow.shipments.save(shipment)
    return done, len(pending_refs) - done


def retry_write_backs(ctx: Context, shipment_id: ShipmentId) -> int:
    """Push tracking again for origins a platform did not accept before. Returns how many still wait."""

    def work(uow: UnitOfWork) -> int:
        shipment = uow.shipments.get(shipment_id)
        if shipment is None or shipment.tracking_number is None:
            return 0
        return _write_back(ctx, uow, shipment)[1]

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def confirm_delivered(ctx: Context, shipment_id: ShipmentId) -> bool:
    """Record delivery; the order completes when its last shipment is delivered. Idempotent."""

    def work(uow: UnitOfWork) -> bool:
        shipment = uow.shipments.get(shipment_id)
        if shipment is None or shipment.status is not ShipmentStatus.SHIPPED:
            return False
        shipment.confirm_delivered()
        uow.shipments.save(shipment)
        order = uow.orders.get(shipment.order_id)
        if order is not None and order.status is OrderStatus.SHIPPED:
            others = [s for s in uow.shipments.for_order(order.id) if s.id != shipment.id]
            if all(s.status is not ShipmentStatus.SHIPPED and not s.is_open for s in others):
                order.complete()
                uow.orders.save(order)
        return True

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)
