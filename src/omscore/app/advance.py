"""Moving one order as far through review → merge → routing as it can go, in one unit of work.

This is the streaming form of the pipeline: each stage is still its own use case (``review_order``,
``merge_order``, ``route_order``), but an order that arrives is taken through all of them at once, which is
what a busy merchant wants and costs one transaction instead of three. Release stays separate so that orders
arriving a little later can still merge with this one until the release wave.
"""

from __future__ import annotations

import attrs

from omscore.app.allocation import RoutingResult, route_in
from omscore.app.context import Context
from omscore.app.merging import MergeResult, merge_in
from omscore.app.retry import in_unit_of_work
from omscore.app.review import ReviewResult, review_in
from omscore.domain.identity import OrderId
from omscore.domain.order_status import OrderStatus
from omscore.ports.unit_of_work import UnitOfWork


@attrs.frozen
class AdvanceResult:
    """Where the order ended up, and what each stage it passed decided.

    Attributes:
        order_id: the order that was advanced.
        current_id: the order that now carries it (the merged order after a merge).
        status: the status of ``current_id``.
    """

    order_id: OrderId
    current_id: OrderId
    status: OrderStatus
    review: ReviewResult | None = None
    merge: MergeResult | None = None
    routing: RoutingResult | None = None


def advance_order(ctx: Context, order_id: OrderId) -> AdvanceResult:
    """Review a received order, merge an approved one, route an approved one — as far as each goes."""

    def work(uow: UnitOfWork) -> AdvanceResult:
        order = uow.orders.get(order_id)
        if order is None:
            return AdvanceResult(order_id, order_id, OrderStatus.CANCELLED)
        reviewed = merged_result = routed = None
        if order.status is OrderStatus.RECEIVED:
            reviewed = review_in(ctx, uow, order)
        current = order
        if current.status is OrderStatus.APPROVED:
            merged_result, merged = merge_in(ctx, uow, order)
            if merged is not None:
                uow.orders.save(order)
                current = merged
        if current.status is OrderStatus.APPROVED:
            routed = route_in(ctx, uow, current)
        uow.orders.save(current)
        return AdvanceResult(order_id, current.id, current.status, reviewed, merged_result, routed)

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)
