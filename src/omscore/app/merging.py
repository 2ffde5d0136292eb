"""合单 as a use case: merge an approved order with its partners, and undo a merge."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from omscore.app.allocation import deallocate_in, router_for
from omscore.app.context import Context
from omscore.app.gifts import return_gift_quota_in
from omscore.app.retry import in_unit_of_work
from omscore.domain.identity import OrderId, ShipmentId
from omscore.domain.inventory import StockKey, demand_by_key
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.domain.shipment import Shipment, ShipmentStatus
from omscore.policies.explain import Explanation
from omscore.policies.merge import MergeStock, check_serving, choose_partners
from omscore.ports.fulfilment import InterceptResult
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
    added here; ``order`` itself (now merged) is left for the caller to save. Returns the merged order.

    The merge is first weighed against the stock (:func:`omscore.policies.merge.check_serving`, with the
    pipeline's router as the judge of what can be served): when it would strip an allocated partner or hold
    back an order that can ship, the orders stay apart, and ``order`` is saved here with that decision."""
    if order.status is not OrderStatus.APPROVED or order.merge_key is None:
        return MergeResult(order.id, None), None
    settings = ctx.settings.merge_for(order.channel)
    chosen = choose_partners(order, uow.orders.with_merge_key(order.merge_key), settings)
    if not chosen.partners:
        return MergeResult(order.id, None, chosen.explanation), None
    network = uow.network.load()
    skus = sorted({line.sku for part in (order, *chosen.partners) for line in part.lines})
    levels = uow.inventory.levels([(loc, sku) for loc in sorted(network.locations) for sku in skus])
    held: dict[OrderId, dict[StockKey, int]] = {}
    for partner in chosen.partners:
        reservation = uow.inventory.reservation(partner.id) if partner.status is OrderStatus.ALLOCATED else None
        if reservation is not None and reservation.lines:
            held[partner.id] = demand_by_key(reservation.lines)
    stock = MergeStock({key: level.available for key, level in levels.items()}, held)
    router = router_for(ctx, uow.catalog.load(), network)

    def can_serve(candidate: Order, available: Mapping[StockKey, int]) -> bool:
        routing = ctx.settings.routing_for(candidate.channel)
        return router.route(candidate, network, available, routing).complete

    decision = check_serving(order, chosen, stock, can_serve, settings)
    if not decision.partners:
        order.record_decision("merge", decision.explanation.summary, decision.explanation.steps)
        uow.orders.save(order)
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
    again, exactly as they were (a source that is itself a merge is taken apart too, down to the platform
    orders). Returns ``False`` when the order is not an unreleased merge."""

    def work(uow: UnitOfWork) -> bool:
        merged = uow.orders.get(merged_id)
        if merged is None or not merged.merged_from:
            return False
        if merged.status not in UNRELEASED:
            return False
        unmerge_in(uow, merged, reason)
        return True

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def unmerge_in(uow: UnitOfWork, merged: Order, reason: str, *, keep: OrderId | None = None) -> None:
    """Take an unreleased merge apart, at every depth: the merge (and every merge inside it) is cancelled and
    the platform orders it carried are approved again, as they were before merging. A merge inside named by
    ``keep`` comes back whole instead (approved, its own sources still merged into it)."""
    if merged.status is OrderStatus.ALLOCATED:
        deallocate_in(uow, merged, f"unmerging: {reason}")
    merged.cancel(f"unmerged: {reason}")
    uow.orders.save(merged)
    for source_id in merged.merged_from:
        source = uow.orders.get(source_id)
        if source is not None and source.status is OrderStatus.MERGED and source.merged_into == merged.id:
            source.unmerge_source()
            if source.merged_from and source.id != keep:
                unmerge_in(uow, source, reason, keep=keep)
            else:
                uow.orders.save(source)


def root_of(uow: UnitOfWork, order: Order) -> Order:
    """The order that fulfils ``order``: itself, or the outermost merge it sits in (a merge of a merge …)."""
    current = order
    seen = {order.id}
    while current.status is OrderStatus.MERGED and current.merged_into is not None:
        parent = uow.orders.get(current.merged_into)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        current = parent
    return current


@attrs.frozen
class Detached:
    """What taking one platform order out of its merge did.

    Attributes:
        order: the source order, approved again, when it could be taken out; ``None`` when too late.
        root: the outermost merge it was in.
        intercepted: released parcels of that merge stopped at their locations (the other sources are planned
            again on the next pipeline pass).
        too_late: released parcels that had already left; the merge goes on and the source stays in it.
        detail: a sentence for people.
    """

    order: Order | None
    root: OrderId
    intercepted: tuple[ShipmentId, ...] = ()
    too_late: tuple[ShipmentId, ...] = ()
    detail: str = ""


def detach_in(ctx: Context, uow: UnitOfWork, source: Order, reason: str, *, intercept: bool = True) -> Detached:
    """Take a merged ``source`` out of its merge, at any depth, so that it can be cancelled, revised or sent
    elsewhere; the rest of the merge is taken apart too and merges again on the next pipeline pass. A source
    that is itself a merge comes out whole, its own sources still in it.

    Before release the merge is simply undone. After release the merge's parcels are intercepted through the
    fulfilment gateway, as for an order that was never merged: when every one is stopped they are superseded
    (their stock is released) and the merge is undone; when one had already left, the parcels that were stopped
    are withdrawn with their units and the source stays in the merge (``order`` is ``None``). With
    ``intercept`` false a released merge is left alone (too late), as a revision of a released order is.
    """
    root = root_of(uow, source)
    if root.status is OrderStatus.RELEASED and intercept:
        stopped, left = intercept_open(ctx, uow, root)
        if left:
            for shipment in stopped:
                shipment.cancel()
                uow.shipments.save(shipment)
                uow.inventory.release(root.id, shipment.id)
            detail = f"{len(left)} parcel(s) of merged order {root.id} had left; {len(stopped)} withdrawn"
            return Detached(None, root.id, tuple(s.id for s in stopped), tuple(s.id for s in left), detail)
        for shipment in stopped:
            shipment.cancel(superseded=True)
            uow.shipments.save(shipment)
        uow.inventory.release(root.id)
        root.deallocate(f"{source.id} taken out after release: parcels intercepted")
        return_gift_quota_in(uow, root)
        unmerge_in(uow, root, reason, keep=source.id)
        restored = uow.orders.get(source.id)
        detail = f"taken out of merged order {root.id}; {len(stopped)} parcel(s) intercepted"
        return Detached(restored, root.id, tuple(s.id for s in stopped), (), detail)
    if root.status not in UNRELEASED:
        return Detached(None, root.id, detail=f"too late: merged order {root.id} is {root.status}")
    unmerge_in(uow, root, reason, keep=source.id)
    return Detached(uow.orders.get(source.id), root.id, detail=f"taken out of merged order {root.id}")


def intercept_open(ctx: Context, uow: UnitOfWork, order: Order) -> tuple[list[Shipment], list[Shipment]]:
    """Ask the locations to stop every released parcel of ``order``; planned ones are stopped without asking.
    Returns (stopped, already left); nothing is saved (the caller decides what the stopped parcels become)."""
    stopped: list[Shipment] = []
    left: list[Shipment] = []
    for shipment in uow.shipments.for_order(order.id):
        if shipment.status is ShipmentStatus.PLANNED:
            stopped.append(shipment)
        elif shipment.status is ShipmentStatus.RELEASED:
            if ctx.fulfilment.intercept(shipment) is InterceptResult.INTERCEPTED:
                stopped.append(shipment)
            else:
                left.append(shipment)
    return stopped, left
