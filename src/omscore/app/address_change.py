"""Address changes: re-plan before release, intercept and re-plan after release, refuse after shipping.

Before routing the new address simply replaces the old one (and the order's merge key is recomputed). An
allocated order is un-routed and routed again. A released order's shipments are intercepted through the
fulfilment gateway and, when every one of them was stopped, the order is routed again to the new address; a
shipment that had already left keeps going to the old address, and the result says so. A platform order
inside a merge, at any depth, is taken out of it first (after release, by intercepting the merge's parcels).
The new recipient is reviewed again: an incomplete one holds the order. An order that shipped refuses the change with
:class:`~omscore.domain.errors.ChangeRefused`. Every outcome returns the decision diff: which location and
carrier shipped what before, and after.
"""

from __future__ import annotations

import attrs

from omscore.app.allocation import RoutingResult, deallocate_in, route_in
from omscore.app.backorders import parts_of
from omscore.app.context import Context
from omscore.app.gifts import return_gift_quota_in
from omscore.app.merging import detach_in, intercept_open, root_of
from omscore.app.retry import in_unit_of_work
from omscore.app.review import approve_in
from omscore.domain.address import Recipient
from omscore.domain.errors import ChangeRefused, NotFound
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.identity import CarrierId, LocationId, OrderId, ShipmentId
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.domain.shipment import ShipmentStatus
from omscore.policies.merge import merge_key
from omscore.ports.unit_of_work import UnitOfWork


@attrs.frozen(order=True)
class PlannedParcel:
    """One open shipment as the diff shows it."""

    location: LocationId
    carrier: CarrierId | None
    units: int


@attrs.frozen
class AddressChangeResult:
    """What an address change did.

    Attributes:
        order_id: the order whose address changed (a merge source is taken out of its merge first).
        applied: whether every open part of the order now goes to the new address.
        before, after: the open shipments before and after, sorted.
        intercepted: released shipments stopped at their location and re-planned.
        too_late: released shipments that had already left; they go to the old address.
        routing: the new routing decision, when the order was routed again.
        detail: a sentence for people.
    """

    order_id: OrderId
    applied: bool
    before: tuple[PlannedParcel, ...]
    after: tuple[PlannedParcel, ...]
    intercepted: tuple[ShipmentId, ...] = ()
    too_late: tuple[ShipmentId, ...] = ()
    routing: RoutingResult | None = None
    detail: str = ""

    @property
    def changed_plan(self) -> bool:
        return self.before != self.after


_SHIPPED = frozenset({OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.COMPLETED})


def change_address(ctx: Context, order_id: OrderId, recipient: Recipient) -> AddressChangeResult:
    """Send an order to a new recipient address.

    Raises:
        NotFound: no such order.
        ChangeRefused: the order has shipped (wholly or partly), is cancelled, or is merged into an order that
            has shipped.

    The new recipient is reviewed again: when it is incomplete the order is held
    (:attr:`~omscore.domain.holds.HoldKind.INCOMPLETE_ADDRESS`) and nothing is planned or released to it;
    completing the recipient of an order held for its address lifts that hold. A platform order inside a merge
    (at any depth) is taken out of it first; after release, the merge's parcels are intercepted.
    """
    return in_unit_of_work(ctx.uow, lambda uow: _change(ctx, uow, order_id, recipient), ctx.max_attempts)


def _open_parcels(uow: UnitOfWork, order_id: OrderId) -> tuple[PlannedParcel, ...]:
    return tuple(
        sorted(PlannedParcel(s.location, s.carrier, s.units) for s in uow.shipments.for_order(order_id) if s.is_open)
    )


def _change(ctx: Context, uow: UnitOfWork, order_id: OrderId, recipient: Recipient) -> AddressChangeResult:
    """Change the address of the order, then of its backorder parts (有货先发) that have not shipped."""
    result = _change_one(ctx, uow, order_id, recipient)
    order = uow.orders.get(order_id)
    moved = []
    for part in list(parts_of(uow, order)) if order is not None else []:
        if part.status not in _SHIPPED and part.status is not OrderStatus.CANCELLED and part.recipient != recipient:
            _change_one(ctx, uow, part.id, recipient)
            moved.append(part.id)
    if moved:
        return attrs.evolve(result, detail=f"{result.detail}; backorder part(s) {', '.join(moved)} follow")
    return result


def _change_one(ctx: Context, uow: UnitOfWork, order_id: OrderId, recipient: Recipient) -> AddressChangeResult:
    order = uow.orders.get(order_id)
    if order is None:
        raise NotFound("order", order_id)
    if order.status in _SHIPPED or order.status is OrderStatus.CANCELLED:
        raise ChangeRefused("order", order.id, order.status, "address change")
    intercepted: list[ShipmentId] = []
    if order.status is OrderStatus.MERGED:
        root = root_of(uow, order)
        if root.status in _SHIPPED or root.status is OrderStatus.CANCELLED:
            raise ChangeRefused("order", order.id, f"merged into {root.status} {root.id}", "address change")
        before = _open_parcels(uow, root.id)
        detached = detach_in(ctx, uow, order, f"address of {order.id} changed")
        if detached.order is None:
            order.record_decision("address", "address change came too late for the merged order", (detached.detail,))
            uow.orders.save(order)
            after = _open_parcels(uow, root.id)
            return AddressChangeResult(
                order.id, False, before, after, detached.intercepted, detached.too_late, None, detached.detail
            )
        order = detached.order
        intercepted.extend(detached.intercepted)
    else:
        before = _open_parcels(uow, order.id)
    if order.status is OrderStatus.ALLOCATED:
        deallocate_in(uow, order, "address changed before release")
    elif order.status is OrderStatus.RELEASED:
        stopped, left = intercept_open(ctx, uow, order)
        if left:
            stopped_ids = [s.id for s in stopped if s.status is ShipmentStatus.RELEASED]
            return _partly_too_late(uow, order, before, stopped_ids, [s.id for s in left])
        for shipment in stopped:
            if shipment.status is ShipmentStatus.RELEASED:
                intercepted.append(shipment.id)
            shipment.cancel(superseded=True)
            uow.shipments.save(shipment)
        uow.inventory.release(order.id)
        order.deallocate("address changed after release: shipments intercepted")
        return_gift_quota_in(uow, order)
    order.change_recipient(recipient)
    held = _review_recipient(ctx, order)
    if order.status is OrderStatus.APPROVED:
        order.set_merge_key(merge_key(order, ctx.settings.merge_for(order.channel)).key)
    routing = route_in(ctx, uow, order) if order.status is OrderStatus.APPROVED and before else None
    uow.orders.save(order)
    after = _open_parcels(uow, order.id)
    if held:
        detail = "address changed; held: the new recipient is missing " + ", ".join(order.recipient.missing_fields())
    else:
        detail = "address changed" + (f"; re-routed from {len(before)} to {len(after)} shipment(s)" if before else "")
    return AddressChangeResult(order.id, True, before, after, tuple(intercepted), (), routing, detail)


def _review_recipient(ctx: Context, order: Order) -> bool:
    """Review the changed recipient again: an incomplete one holds the order (its parcels are not planned or
    released again); a completed one lifts the incomplete-address hold. Returns whether the order is held for
    its address. An order not yet reviewed is left to review."""
    if order.status is OrderStatus.RECEIVED:
        return False
    missing = order.recipient.missing_fields()
    if missing:
        order.hold(Hold(HoldKind.INCOMPLETE_ADDRESS, f"recipient is missing {', '.join(missing)}"))
        order.record_decision("address", "held: the new recipient is incomplete", (f"missing {', '.join(missing)}",))
        return True
    if order.has_hold(HoldKind.INCOMPLETE_ADDRESS):
        order.release_hold(HoldKind.INCOMPLETE_ADDRESS)
        if not order.holds:
            approve_in(ctx, order, "the recipient was completed")
    return False


def _partly_too_late(
    uow: UnitOfWork,
    order: Order,
    before: tuple[PlannedParcel, ...],
    intercepted: list[ShipmentId],
    too_late: list[ShipmentId],
) -> AddressChangeResult:
    """Some parcels had left: they go to the old address. The stopped ones cannot follow the order's new
    address without a reship, so they are withdrawn (their units are cancelled) and the result says so."""
    for shipment in uow.shipments.for_order(order.id):
        if shipment.id in intercepted:
            shipment.cancel()
            uow.shipments.save(shipment)
            uow.inventory.release(order.id, shipment.id)
    order.record_decision(
        "address",
        "address change came too late for part of the order",
        (f"left already: {', '.join(too_late)}", f"stopped and withdrawn: {', '.join(intercepted) or 'none'}"),
    )
    uow.orders.save(order)
    detail = (
        f"{len(too_late)} shipment(s) had left and go to the old address; "
        f"{len(intercepted)} stopped shipment(s) were withdrawn and need a reship to the new address"
    )
    return AddressChangeResult(
        order.id, False, before, _open_parcels(uow, order.id), tuple(intercepted), tuple(too_late), None, detail
    )
