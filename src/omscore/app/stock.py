"""Stock receipts and adjustments, expected receipts arriving, and re-trying orders held for stock when stock
arrives."""

from __future__ import annotations

import attrs

from omscore.app.allocation import RoutingStatus, route_in
from omscore.app.context import Context
from omscore.app.retry import in_unit_of_work
from omscore.app.review import approve_in
from omscore.domain.errors import NotFound
from omscore.domain.holds import HoldKind
from omscore.domain.identity import LocationId, OrderId, SkuCode
from omscore.domain.inbound import ExpectedReceipt
from omscore.domain.inventory import StockLevel
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.policies.fill import in_fill_order
from omscore.ports.unit_of_work import UnitOfWork


def receive_stock(ctx: Context, location: LocationId, sku: SkuCode, quantity: int) -> StockLevel:
    """Book a goods receipt.

    Raises:
        InvalidQuantity: ``quantity`` is not positive.
    """
    return in_unit_of_work(ctx.uow, lambda uow: uow.inventory.receive(location, sku, quantity), ctx.max_attempts)


def adjust_stock(ctx: Context, location: LocationId, sku: SkuCode, delta: int) -> StockLevel:
    """Correct on hand after a count.

    Raises:
        InvalidQuantity: the correction would take on hand below what is reserved plus safety stock.
    """
    return in_unit_of_work(ctx.uow, lambda uow: uow.inventory.adjust(location, sku, delta), ctx.max_attempts)


def set_safety_stock(ctx: Context, location: LocationId, sku: SkuCode, safety: int) -> StockLevel:
    return in_unit_of_work(ctx.uow, lambda uow: uow.inventory.set_safety(location, sku, safety), ctx.max_attempts)


def retry_out_of_stock(ctx: Context) -> list[OrderId]:
    """Clear the out-of-stock hold of every held order so routing tries it again; orders with no other hold
    are approved. Returns the orders released, in the merchant's fill order
    (:attr:`~omscore.policies.settings.PipelineSettings.fill`).

    Out-of-stock holds also lift by themselves on the next :meth:`~omscore.app.pipeline.OrderManagement.process`
    once stock an order waits for has grown; this forces a retry of all of them."""

    def work(uow: UnitOfWork) -> list[OrderId]:
        released: list[Order] = []
        for order_id in uow.orders.ids_with_status(OrderStatus.HELD):
            order = uow.orders.get(order_id)
            if order is None or not order.has_hold(HoldKind.OUT_OF_STOCK):
                continue
            order.release_hold(HoldKind.OUT_OF_STOCK)
            if not order.holds:
                approve_in(ctx, order, "stock may have arrived")
            uow.orders.save(order)
            released.append(order)
        return [order.id for order in in_fill_order(released, ctx.settings.fill)]

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


@attrs.frozen
class ArrivalResult:
    """What the arrival of an expected receipt did.

    Attributes:
        receipt: the receipt.
        level: the stock level after the goods were booked in.
        promised: the orders that were promised units of it, in fill order.
        routed: those of them routed now (the others wait on: another line is still short, or another hold).
    """

    receipt: ExpectedReceipt
    level: StockLevel
    promised: tuple[OrderId, ...]
    routed: tuple[OrderId, ...]


def receive_expected(ctx: Context, receipt_id: str, quantity: int | None = None) -> ArrivalResult:
    """The goods of an expected receipt arrived: book ``quantity`` (all it was expected to bring when ``None``)
    in at its location, end the receipt, and route the orders promised from it first, in fill order.

    Raises:
        NotFound: no receipt ``receipt_id`` was expected.
        InvalidQuantity: ``quantity`` is not positive.
    """

    def work(uow: UnitOfWork) -> ArrivalResult:
        receipt = uow.inbound.get(receipt_id)
        if receipt is None:
            raise NotFound("expected receipt", receipt_id)
        keys = uow.inbound.arrive(receipt_id)
        level = uow.inventory.receive(receipt.location, receipt.sku, receipt.quantity if quantity is None else quantity)
        waiting = [order for key in keys if (order := uow.orders.get(OrderId(key))) is not None]
        promised = in_fill_order(waiting, ctx.settings.fill)
        routed: list[OrderId] = []
        for order in promised:
            if order.status is not OrderStatus.HELD or not order.has_hold(HoldKind.OUT_OF_STOCK):
                continue
            order.release_hold(HoldKind.OUT_OF_STOCK)
            if order.holds:
                uow.orders.save(order)
                continue
            approve_in(ctx, order, f"expected stock {receipt_id} arrived")
            if route_in(ctx, uow, order).status is RoutingStatus.ALLOCATED:
                routed.append(order.id)
            uow.orders.save(order)
        return ArrivalResult(receipt, level, tuple(order.id for order in promised), tuple(routed))

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)
