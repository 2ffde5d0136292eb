"""Routing with atomic reservation: plan, draft shipments, pick carriers, reserve all or nothing."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from zoneinfo import ZoneInfo

import attrs

from omscore.app.backorders import split_backorder_in
from omscore.app.context import Context
from omscore.app.gifts import give_gifts_in, return_gift_quota_in, take_back_gifts_in
from omscore.app.inbound import end_promises_in, expected_cover, promise_in
from omscore.app.retry import in_unit_of_work
from omscore.domain.catalog import Catalog
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.identity import LocationId, OrderId, ShipmentId, SkuCode
from omscore.domain.inventory import ReservationLine, StockKey, StockLevel
from omscore.domain.network import Network
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.domain.shipment import Shipment, ShipmentStatus
from omscore.policies.explain import Explanation
from omscore.policies.promise import DEFAULT_TIMEZONE, promise_shipment
from omscore.policies.routing import Router, RoutingInputs, StrategyRouter
from omscore.policies.split import decide_split
from omscore.ports.unit_of_work import UnitOfWork


class RoutingStatus(enum.StrEnum):
    ALLOCATED = "allocated"
    OUT_OF_STOCK = "out_of_stock"
    NO_CARRIER = "no_carrier"
    SPLIT_REFUSED = "split_refused"
    """No split satisfies the shop's rules (e.g. more packages than allowed); held for a person."""
    SKIPPED = "skipped"
    """The order was not waiting for routing."""


@attrs.frozen
class RoutingResult:
    """What routing did.

    Attributes:
        backorder: the backorder part the missing units moved to (有货先发), when the order did not ship complete.
    """

    status: RoutingStatus
    order_id: OrderId
    shipment_ids: tuple[ShipmentId, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    backorder: OrderId | None = None


def route_order(ctx: Context, order_id: OrderId) -> RoutingResult:
    """Route an approved order: reserve its stock and plan its shipments, or hold it with the reason."""

    def work(uow: UnitOfWork) -> RoutingResult:
        order = uow.orders.get(order_id)
        if order is None or order.status is not OrderStatus.APPROVED:
            return RoutingResult(RoutingStatus.SKIPPED, order_id)
        result = route_in(ctx, uow, order)
        uow.orders.save(order)
        return result

    return in_unit_of_work(ctx.uow, work, ctx.max_attempts)


def route_in(ctx: Context, uow: UnitOfWork, order: Order, *, backorder: bool = True) -> RoutingResult:
    """Route an approved ``order`` in place: reserve and add its shipments, or hold it (the caller saves it).

    When it cannot ship complete and its shop ships what is in stock (``backorder`` and the shop's
    :attr:`~omscore.policies.routing.RoutingSettings.backorder`), the missing units move to a backorder part
    held for stock (:mod:`omscore.app.backorders`) and the rest is routed now."""
    network = uow.network.load()
    catalog = uow.catalog.load()
    locations = sorted(network.locations)
    gifts = give_gifts_in(ctx, uow, order, catalog, locations)
    explanations = [] if gifts is None else [gifts]
    skus = sorted({line.sku for line in order.lines})
    levels = uow.inventory.levels([(loc, sku) for loc in locations for sku in skus])
    available = {key: level.available for key, level in levels.items() if level.available > 0}
    today = merchant_today(ctx)
    router = router_for(ctx, catalog, network)
    decision = router.route(order, network, available, ctx.settings.routing_for(order.channel))
    if not decision.complete and order.given_gifts:
        take_back_gifts_in(uow, order, "the order cannot be routed complete with them")
        decision = router.route(order, network, available, ctx.settings.routing_for(order.channel))
    explanations.append(decision.explanation)
    order.record_decision("routing", decision.explanation.summary, decision.explanation.steps)
    if not decision.complete:
        cover = expected_cover(uow, order, decision.shortfall, locations, today) if backorder else None
        part = (
            split_backorder_in(ctx, uow, order, decision.shortfall, expected=cover is not None) if backorder else None
        )
        if part is not None:
            routed = route_in(ctx, uow, order, backorder=False)
            # What the part waits to see grow is the stock left once the order took its share.
            seen = _seen(part, uow.inventory.levels(sorted(levels)), network.locations)
            promised = promise_in(uow, part, cover) if cover else None
            detail = f"backorder of {order.id}" + (f"; promised {promised}" if promised else "")
            part.hold(Hold(HoldKind.OUT_OF_STOCK, detail, seen))
            uow.orders.save(part)
            return attrs.evolve(routed, explanations=(*explanations, *routed.explanations), backorder=part.id)
        seen = _seen(order, levels, network.locations)
        promised = promise_in(uow, order, cover) if cover else None
        detail = decision.explanation.summary + (f"; promised {promised}" if promised else "")
        order.hold(Hold(HoldKind.OUT_OF_STOCK, detail, seen))
        return RoutingResult(RoutingStatus.OUT_OF_STOCK, order.id, (), tuple(explanations))

    split = decide_split(order, decision.allocations, catalog, ctx.policies.split, today=today)
    explanations.append(split.trace.explanation())
    order.record_decision("split", split.trace.summary(), split.trace.steps())
    if not split.ok:
        take_back_gifts_in(uow, order, "the order is held")
        order.hold(Hold(HoldKind.MANUAL, "cannot split as the rules ask: " + "; ".join(split.problems)))
        return RoutingResult(RoutingStatus.SPLIT_REFUSED, order.id, (), tuple(explanations))
    shipments: list[Shipment] = []
    for planned in split.shipments:
        draft = planned.draft
        choice = ctx.policies.carrier.select(order, draft.location, draft.lines, network, catalog)
        explanations.append(choice.explanation)
        order.record_decision("carrier", f"{draft.location}: {choice.explanation.summary}", choice.explanation.steps)
        if choice.carrier is None:
            take_back_gifts_in(uow, order, "the order is held")
            order.hold(Hold(HoldKind.NO_CARRIER, f"no carrier for the parcel from {draft.location}"))
            return RoutingResult(RoutingStatus.NO_CARRIER, order.id, (), tuple(explanations))
        shipments.append(
            Shipment.plan(
                id=ShipmentId(ctx.ids.next_id("S")),
                order_id=order.id,
                location=draft.location,
                lines=draft.lines,
                shipping_fee=draft.shipping_fee,
                carrier=choice.carrier,
                carrier_reason=choice.explanation.summary,
                ship_after=planned.ship_after,
            )
        )
    lines = [
        ReservationLine(shipment.location, line.sku, line.quantity, shipment.id)
        for shipment in shipments
        for line in shipment.lines
    ]
    stale = uow.inventory.reservation(order.id)
    if stale is not None:
        # An order waiting for routing holds nothing; lines left under its key would make the reserve below a
        # no-op "repeat" that names old shipments. Give them back first, and say so.
        uow.inventory.release(order.id)
        order.record_decision("routing", f"released {stale.units} unit(s) left under the order's key", ())
    outcome = uow.inventory.reserve(order.id, lines)
    if not outcome.ok:
        short = ", ".join(f"{s.sku}@{s.location} {s.requested}>{s.available}" for s in outcome.shortages)
        take_back_gifts_in(uow, order, "the order is held")
        seen = _seen(order, uow.inventory.levels(sorted(levels)), network.locations)
        order.hold(Hold(HoldKind.OUT_OF_STOCK, f"stock moved while planning: {short}", seen))
        return RoutingResult(RoutingStatus.OUT_OF_STOCK, order.id, (), tuple(explanations))
    order.allocate(s.id for s in shipments)
    end_promises_in(uow, order)
    now = ctx.clock.now()
    for shipment in shipments:
        if shipment.carrier is not None:
            ctx.usage.record(shipment.location, shipment.carrier)
            dates = promise_shipment(order, shipment, network, now, ctx.settings.promise)
            shipment.record_promise(dates.ship_by, dates.deliver_by)
            explanations.append(dates.explanation)
            order.record_decision("promise", f"{shipment.id}: {dates.explanation.summary}", dates.explanation.steps)
        uow.shipments.add(shipment)
    return RoutingResult(RoutingStatus.ALLOCATED, order.id, tuple(s.id for s in shipments), tuple(explanations))


def _seen(
    order: Order, levels: Mapping[StockKey, StockLevel], locations: Iterable[LocationId]
) -> tuple[tuple[LocationId, SkuCode, int], ...]:
    """What an out-of-stock hold remembers: the available quantity of every (location, SKU) the order needs,
    so that the hold lifts by itself when any of them grows."""
    skus = sorted({line.sku for line in order.lines})
    return tuple(
        (loc, sku, max(0, levels[(loc, sku)].available if (loc, sku) in levels else 0))
        for loc in sorted(locations)
        for sku in skus
    )


def router_for(ctx: Context, catalog: Catalog, network: Network) -> Router:
    """The pipeline's router, given today's inputs (catalog, parcels planned per location today, the date)
    when it is the strategy router."""
    router = ctx.policies.router
    if isinstance(router, StrategyRouter):
        return router.with_inputs(
            RoutingInputs(
                catalog=catalog,
                shipments_today={loc: sum(ctx.usage.today_at(loc).values()) for loc in network.locations},
                today=merchant_today(ctx),
            )
        )
    return router


def merchant_today(ctx: Context) -> date:
    """Today in the merchant's time zone (the promise settings' default location time zone)."""
    zone = ctx.settings.promise.default_location.timezone or DEFAULT_TIMEZONE
    return ctx.clock.now().astimezone(ZoneInfo(zone)).date()


def deallocate_in(uow: UnitOfWork, order: Order, reason: str) -> None:
    """Undo the routing of an allocated (not released) order: release its stock, withdraw its shipments,
    and store it approved again. The withdrawn shipments are superseded: the order's units live on in the
    shipments it is planned into next (or, when it is cancelled, in none)."""
    for shipment in uow.shipments.for_order(order.id):
        if shipment.status is ShipmentStatus.PLANNED:
            shipment.cancel(superseded=True)
            uow.shipments.save(shipment)
    uow.inventory.release(order.id)
    order.deallocate(reason)
    return_gift_quota_in(uow, order)
    uow.orders.save(order)
