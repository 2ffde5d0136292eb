"""审单 as a use case: review received orders, and release holds."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from omscore.app.context import Context
from omscore.app.intake import remap_lines
from omscore.app.retry import in_unit_of_work
from omscore.domain.holds import Hold, HoldKind
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


def review_in(ctx: Context, uow: UnitOfWork, order: Order, *, wait: bool = True) -> ReviewResult:
    """Review ``order`` in place (the caller saves it): a received order, or a held one whose wait window just
    ended.

    With the shop's wait window (:attr:`~omscore.policies.review.ReviewSettings.wait_minutes`) and ``wait``,
    an order placed less than the window ago — or whose buyer has another order to the same recipient still in
    its window — is held until then (:attr:`~omscore.domain.holds.HoldKind.WAIT`) without running the rules.
    Otherwise the rules run; an order left with no hold is approved, or held for a person when the shop
    reviews every order by hand and no rule approved it.
    """
    catalog = uow.catalog.load()
    remapped = remap_lines(order, catalog)
    if remapped is not None:
        order.remap_lines(remapped)
    settings = ctx.settings.review_for(order.channel)
    if wait and settings.wait_minutes:
        waiting = _wait(ctx, uow, order, settings.wait_minutes)
        if waiting is not None:
            return waiting
    decision = review(order, catalog, ctx.policies.review_rules(settings))
    order.record_decision("review", decision.explanation.summary, decision.explanation.steps)
    for hold in decision.holds:
        order.hold(hold)
    if not order.holds:
        if settings.manual and decision.approved_by is None:
            order.hold(Hold(HoldKind.MANUAL, "the shop reviews every order by hand"))
        else:
            approve_in(ctx, order, decision.explanation.summary)
    return ReviewResult(order.id, order.status, decision.explanation)


def _wait(ctx: Context, uow: UnitOfWork, order: Order, minutes: int) -> ReviewResult | None:
    """Hold ``order`` in its wait window, or for a sibling's (same buyer, same recipient) still open; ``None``
    when it need not wait."""
    now = ctx.clock.now()
    own = order.placed_at + timedelta(minutes=minutes)
    key = merge_key(order, ctx.settings.merge_for(order.channel)).key
    if own > now:
        until, why = own, f"wait window of {minutes} min after payment, until {own.isoformat()}"
    else:
        ends = ((_window_end(ctx, other), other.id) for other in (uow.orders.with_merge_key(key) if key else []))
        siblings = [(end, other) for end, other in ends if end is not None and end > now and other != order.id]
        if not siblings:
            return None
        until, sibling = max(siblings)
        why = f"{sibling} of the same buyer and recipient is in its wait window until {until.isoformat()}"
    order.set_merge_key(key)
    order.release_hold(HoldKind.WAIT)
    order.hold(Hold(HoldKind.WAIT, why, until=until))
    order.record_decision("review", f"waits until {until.isoformat()}", (why,))
    return ReviewResult(order.id, order.status, Explanation("review", f"waits until {until.isoformat()}", (why,)))


def approve_in(ctx: Context, order: Order, reason: str) -> None:
    """Approve ``order`` and give it its merge key."""
    order.approve(reason)
    decision = merge_key(order, ctx.settings.merge_for(order.channel))
    order.set_merge_key(decision.key)


def _window_end(ctx: Context, order: Order) -> datetime | None:
    """When the wait window of ``order`` ends: its wait hold's time, or — for an order not reviewed yet — its
    shop's window after its placement; ``None`` when it is past waiting."""
    for hold in order.holds:
        if hold.kind is HoldKind.WAIT:
            return hold.until
    if order.status is OrderStatus.RECEIVED:
        minutes = ctx.settings.review_for(order.channel).wait_minutes
        return order.placed_at + timedelta(minutes=minutes) if minutes else None
    return None
