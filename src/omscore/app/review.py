"""审单 as a use case: review received orders, and release holds."""

from __future__ import annotations

import attrs

from omscore.app.context import Context
from omscore.app.intake import remap_lines
from omscore.app.retry import in_unit_of_work
from omscore.domain.identity import OrderId
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.policies.explain import Explanation
from omscore.policies.merge import merge_key
from omscore.policies.review import review
from omscore.ports.unit_of_work import UnitOfWork


@attrs.frozen
class ReviewResult:
    order_id: OrderId
    status: OrderStatus
    explanation: Explanation | None = None


def review_order(ctx: Context, order_id: OrderId) -> ReviewResult:
    """Run the shop's review rules over a received order: approve it or hold it with every reason."""

    def work(uow: UnitOfWork) -> ReviewResult:
        order = uow.orders.get(order_id)
        if order is None or order.status is not OrderStatus.RECEIVED:
            return ReviewResult(order_id, order.status if order else OrderStatus.CANCELLED)
        result = review_in(ctx, uow, order)
        uow.orders.save(order)
        return result

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def review_in(ctx: Context, uow: UnitOfWork, order: Order) -> ReviewResult:
    """Review a received ``order`` in place (the caller saves it)."""
    catalog = uow.catalog.load()
    remapped = remap_lines(order, catalog)
    if remapped is not None:
        order.remap_lines(remapped)
    rules = ctx.policies.review_rules(ctx.settings.review_for(order.channel))
    decision = review(order, catalog, rules)
    order.record_decision("review", decision.explanation.summary, decision.explanation.steps)
    if decision.approved:
        approve_in(ctx, order, decision.explanation.summary)
    else:
        for hold in decision.holds:
            order.hold(hold)
    return ReviewResult(order.id, order.status, decision.explanation)


def approve_in(ctx: Context, order: Order, reason: str) -> None:
    """Approve ``order`` and give it its merge key."""
    order.approve(reason)
    decision = merge_key(order, ctx.settings.merge_for(order.channel))
    order.set_merge_key(decision.key)
