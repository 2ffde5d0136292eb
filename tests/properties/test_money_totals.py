"""Money conservation (DESIGN.md §5, invariant 3) for gross, discount, paid and shipping totals.

For any catalog of kits and any platform order — unit prices and discounts given, or left for omscore to
complete — the orders omscore keeps, and the shipments it plans for them after merging and splitting, add up to
the platform orders' totals to the minor unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omscore import MergeSettings, PipelineSettings
from omscore.adapters.system import ManualClock
from omscore.app.intake import order_lines
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.domain import Catalog, Channel, Network, Order, OrderStatus, Shipment, StockLevel
from omscore.domain.platform_order import PlatformLine, PlatformOrder
from omscore.testing import strategies as oms

START = datetime(2026, 11, 11, tzinfo=UTC)
SHOPS = (Channel("tmall", "flagship"), Channel("jd", "outlet"))
Totals = tuple[int, int, int, int]
PIPELINE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

kit_catalogs = oms.catalogs(SHOPS, min_skus=2, max_skus=6, max_kits=3).filter(lambda catalog: bool(catalog.kits))


@st.composite
def _told(draw: st.DrawFn, line: PlatformLine) -> PlatformLine:
    """The line as a platform might send it: with unit price and discount, with only one of them, or neither
    (then the amount is all that is known, and the discount taken as none)."""
    told = draw(st.sampled_from(("both", "price", "discount", "neither")))
    if told == "price":
        return attrs.evolve(line, discount=None)
    if told == "discount":
        return attrs.evolve(line, unit_price=None)
    if told == "neither":
        return attrs.evolve(line, unit_price=None, discount=None)
    return line


@st.composite
def _platform_orders(draw: st.DrawFn, catalog: Catalog, max_size: int) -> list[PlatformOrder]:
    drawn = draw(st.lists(oms.platform_orders(catalog, max_lines=3), min_size=1, max_size=max_size, unique_by=_ref))
    orders: list[PlatformOrder] = []
    for po in drawn:
        # Without memos review lets the orders through; an order from a partner's buyer to the partner's
        # recipient soon after it is merged with it.
        told = attrs.evolve(po, lines=tuple(draw(_told(line)) for line in po.lines), buyer_memo="", seller_memo="")
        partner = draw(st.none() | st.sampled_from(orders)) if orders else None
        if partner is not None and partner.ref.channel == po.ref.channel:
            told = attrs.evolve(
                told,
                buyer_id=partner.buyer_id,
                recipient=partner.recipient,
                payment=partner.payment,
                pickup_location=partner.pickup_location,
                placed_at=partner.placed_at + timedelta(minutes=draw(st.integers(0, 30))),
            )
        orders.append(told)
    return orders


def _ref(po: PlatformOrder) -> object:
    return po.ref


def _platform(orders: Iterable[PlatformOrder]) -> Totals:
    chosen = list(orders)
    return (
        sum(po.gross_total.minor for po in chosen),
        sum(po.discount_total.minor for po in chosen),
        sum(po.paid_total.minor for po in chosen),
        sum(po.shipping_fee.minor for po in chosen),
    )


def _order(order: Order) -> Totals:
    return order.gross_total.minor, order.discount_total.minor, order.paid_total.minor, order.shipping_fee.minor


def _shipments(shipments: Iterable[Shipment]) -> Totals:
    chosen = list(shipments)
    return (
        sum(s.gross_total.minor for s in chosen),
        sum(s.discount_total.minor for s in chosen),
        sum(s.paid_total.minor for s in chosen),
        sum(s.shipping_fee.minor for s in chosen),
    )


@given(st.data())
def test_exploding_kits_keeps_every_line_total_of_the_platform_order(data: st.DataObject) -> None:
    catalog = data.draw(kit_catalogs)
    [po] = data.draw(_platform_orders(catalog, max_size=1))

    lines = order_lines(po, catalog)

    for platform_line in po.lines:
        parts = [line for line in lines if line.origin_line_id == platform_line.line_id]
        assert sum(p.gross_amount.minor for p in parts) == platform_line.gross_amount.minor
        assert sum(p.discount_amount.minor for p in parts) == platform_line.discount_amount.minor
        assert sum(p.amount.minor for p in parts) == platform_line.amount.minor
    for line in lines:
        assert line.gross is not None
        assert line.amount == line.gross - line.discount_amount
        assert line.unit_price is None or line.unit_price * line.quantity == line.gross


@PIPELINE
@given(st.data())
def test_orders_and_their_shipments_keep_the_platform_totals_through_merge_and_split(data: st.DataObject) -> None:
    catalog = data.draw(kit_catalogs)
    network: Network = data.draw(oms.networks(min_locations=2, max_locations=4))
    stock: list[StockLevel] = data.draw(oms.stock_levels(network, catalog, max_on_hand=40))
    orders = data.draw(_platform_orders(catalog, max_size=12))
    system = _system(catalog, network, stock)
    for po in orders:
        system.oms.ingest(po)

    system.oms.process()

    by_ref = {po.ref: po for po in orders}
    kept = [order for status in OrderStatus if status is not OrderStatus.MERGED for order in _orders(system, status)]
    assert sorted(ref for order in kept for ref in order.refs) == sorted(by_ref)
    for order in kept:
        assert _order(order) == _platform(by_ref[ref] for ref in order.refs)
        shipments = [s for s in system.oms.shipments(order.id) if not s.superseded]
        if order.status in {OrderStatus.ALLOCATED, OrderStatus.RELEASED}:
            assert _shipments(shipments) == _order(order)
    report = system.oms.audit(by_ref)
    assert report.money_drift_minor == 0, report.problems


def _system(catalog: Catalog, network: Network, stock: list[StockLevel]) -> InMemorySystem:
    merging = PipelineSettings(merge=MergeSettings(include_presale=True))
    system = in_memory(clock=ManualClock(START), settings=merging)
    system.oms.load_master_data(catalog, network, [((s.location, s.sku), s.on_hand, s.safety) for s in stock])
    return system


def _orders(system: InMemorySystem, status: OrderStatus) -> list[Order]:
    found = (system.oms.order(order_id) for order_id in system.oms.orders_with_status(status))
    return [order for order in found if order is not None]
