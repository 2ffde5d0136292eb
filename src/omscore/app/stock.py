"""Stock receipts and adjustments, and re-trying orders held for stock when stock arrives."""

from __future__ import annotations

from omscore.app.context import Context
from omscore.app.retry import in_unit_of_work
from omscore.app.review import approve_in
from omscore.domain.holds import HoldKind
from omscore.domain.identity import LocationId, OrderId, SkuCode
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
