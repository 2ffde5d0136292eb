"""合单 as a use case: merge an approved order with its partners, and undo a merge."""

from __future__ import annotations

import attrs

from omscore.app.allocation import deallocate_in
from omscore.app.context import Context
from omscore.app.retry import in_unit_of_work
from omscore.domain.identity import OrderId
from omscore.domain.order import Order, OrderStatus
from omscore.policies.explain import Explanation
from omscore.policies.merge import choose_partners
from omscore.ports.unit_of_work import UnitOfWork

#: Statuses of a merged order that can still be taken apart.
UNRELEASED = frozenset({OrderStatus.APPROVED, OrderStatus.ALLOCATED, OrderStatus.HELD})


@attrs.frozen
class MergeResult:
    """``merged_into`` is the new order when a merge happened, else ``None``."""

    order_id: OrderId
    merged_into: OrderId | None
    explanation: Explanation | None = None


def merge_order(ctx: Context, order_id: OrderId) -> MergeResult:
    """Merge an approved order with every approved or allocated order sharing its merge key within the
    window. Allocated partners are un-routed first; the merged order is approved and waits for routing."""

    def work(uow: UnitOfWork) -> MergeResult:
        order = uow.orders.get(order_id)
        if order is None:
            return MergeResult(order_id, None)
        result, merged = merge_in(ctx, uow, order)
        if merged is not None:
            uow.orders.save(order)
        return result

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def merge_in(ctx: Context, uow: UnitOfWork, order: Order) -> tuple[MergeResult, Order | None]:
    """Merge an approved ``order`` with its partners, if any. Partners are saved and the merged order is
    added here; ``order`` itself (now merged) is left for the caller to save. Returns the merged order."""
    if order.status is not OrderStatus.APPROVED or order.merge_key is None:
        return MergeResult(order.id, None), None
    settings = ctx.settings.merge_for(order.channel)
    decision = choose_partners(order, uow.orders.with_merge_key(order.merge_key), settings)
    if not decision.partners:
        return MergeResult(order.id, None, decision.explanation), None
    partners: list[Order] = []
    for partner in decision.partners:
        if partner.status is OrderStatus.ALLOCATED:
            deallocate_in(uow, partner, f"merging with {order.id}")
        partners.append(partner)
    merged = Order.merge(OrderId(ctx.ids.next_id("O")), [order, *partners])
    merged.record_decision("merge", decision.explanation.summary, decision.explanation.steps)
    for partner in partners:
        uow.orders.save(partner)
    uow.orders.add(merged)
    return MergeResult(order.id, merged.id, decision.explanation), merged


def unmerge(ctx: Context, merged_id: OrderId, reason: str) -> bool:
    """Undo a merge that is not yet released: the merged order is cancelled and its sources are approved
    again, exactly as they were. Returns ``False`` when the order is not an unreleased merge."""

    def work(uow: UnitOfWork) -> bool:
        merged = uow.orders.get(merged_id)
        if merged is None or not merged.merged_from:
            return False
        if merged.status not in UNRELEASED:
            return False
        unmerge_in(uow, merged, reason)
        return True

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def unmerge_in(uow: UnitOfWork, merged: Order, reason: str) -> None:
    if merged.status is OrderStatus.ALLOCATED:
        deallocate_in(uow, merged, f"unmerging: {reason}")
    merged.cancel(f"unmerged: {reason}")
    uow.orders.save(merged)
    for source_id in merged.merged_from:
        source = uow.orders.get(source_id)
        if source is not None and source.status is OrderStatus.MERGED:
            source.unmerge_source()
            uow.orders.save(source)
