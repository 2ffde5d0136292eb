"""Properties of DESIGN.md §5 through the whole pipeline, over generated merchants and order streams.

Each property builds a merchant (catalog, network, stock) and a stream of platform orders from the public
strategies in :mod:`omscore.testing.strategies`, runs the pipeline, and checks one invariant with the
independent audit or by comparing stores.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omscore.adapters.system import ManualClock
from omscore.app.intake import IntakeStatus
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.boundary import dump_platform_order
from omscore.domain import (
    Catalog,
    Channel,
    InvalidInput,
    Network,
    OrderId,
    OrderStatus,
    ShipmentStatus,
    StockLevel,
)
from omscore.domain.inventory import StockKey
from omscore.domain.platform_order import PlatformOrder
from omscore.testing import strategies as oms

START = datetime(2026, 11, 11, tzinfo=UTC)
SHOPS = (Channel("tmall", "flagship"), Channel("jd", "outlet"))
Merchant = tuple[Catalog, Network, list[StockLevel], list[PlatformOrder]]
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def merchants(draw: st.DrawFn) -> Merchant:
    catalog = draw(oms.catalogs(SHOPS, min_skus=2, max_skus=6, max_kits=2))
    network = draw(oms.networks(min_locations=2, max_locations=5))
    stock = draw(oms.stock_levels(network, catalog, max_on_hand=12))
    orders = draw(
        st.lists(
            oms.platform_orders(catalog, max_lines=3),
            min_size=1,
            max_size=25,
            unique_by=lambda o: o.ref,
        )
    )
    return catalog, network, stock, orders


def _system(catalog: Catalog, network: Network, stock: list[StockLevel]) -> InMemorySystem:
    system = in_memory(clock=ManualClock(START))
    system.oms.load_master_data(catalog, network, [((s.location, s.sku), s.on_hand, s.safety) for s in stock])
    return system


def _run_day(system: InMemorySystem, orders: list[PlatformOrder], seed: int) -> None:
    """Intake with re-sends, the pipeline, some confirmations and some cancellations."""
    rng = random.Random(seed)
    deliveries = [o for o in orders for _ in range(rng.randint(1, 3))]
    rng.shuffle(deliveries)
    for order in deliveries:
        system.oms.ingest(order)
    system.oms.process()
    for order_id in system.oms.orders_with_status(OrderStatus.RELEASED):
        for shipment in system.oms.shipments(order_id):
            if rng.random() < 0.5 and shipment.status is ShipmentStatus.RELEASED and shipment.carrier:
                system.oms.confirm_shipment(shipment.id, shipment.carrier, f"T{shipment.id}")
    for status in (OrderStatus.HELD, OrderStatus.RELEASED, OrderStatus.APPROVED):
        for order_id in system.oms.orders_with_status(status):
            if rng.random() < 0.3:
                system.oms.cancel(order_id, "property")


def _supplied(stock: list[StockLevel]) -> dict[StockKey, int]:
    return {(s.location, s.sku): s.on_hand for s in stock}


@PROPERTY
@given(merchants(), st.integers(0, 2**16))
def test_invariant_1_nothing_is_oversold(merchant: Merchant, seed: int) -> None:
    catalog, network, stock, orders = merchant
    system = _system(catalog, network, stock)
    _run_day(system, orders, seed)
    report = system.oms.audit(supplied=_supplied(stock))
    assert report.oversold_units == 0, report.problems
    assert report.negative_available == 0, report.problems
    with system.oms.ctx.uow() as uow:
        for level in uow.inventory.all_levels():
            assert level.reserved <= level.on_hand - level.safety


@PROPERTY
@given(merchants(), st.integers(0, 2**16))
def test_invariants_2_and_3_every_unit_and_every_cent_is_accounted_for(merchant: Merchant, seed: int) -> None:
    catalog, network, stock, orders = merchant
    system = _system(catalog, network, stock)
    _run_day(system, orders, seed)
    report = system.oms.audit()
    assert report.quantity_drift_units == 0, report.problems
    assert report.money_drift_minor == 0, report.problems
    assert report.reservation_mismatch_units == 0, report.problems


@PROPERTY
@given(merchants(), st.integers(0, 2**16))
def test_invariant_4_delivering_orders_many_times_in_any_order_equals_delivering_each_once(
    merchant: Merchant,
    seed: int,
) -> None:
    catalog, network, stock, orders = merchant
    once = _system(catalog, network, stock)
    many = _system(catalog, network, stock)
    for order in orders:
        assert once.oms.ingest(order).status in {IntakeStatus.CREATED, IntakeStatus.CANCELLED}
    rng = random.Random(seed)
    resent = [o for o in orders for _ in range(rng.randint(1, 4))]
    rng.shuffle(resent)
    for order in resent:
        many.oms.ingest(order)
    for system in (once, many):
        system.oms.process()
    refs = [o.ref for o in orders]
    assert many.oms.audit(refs).ok
    for ref in refs:
        a, b = once.oms.order_by_ref(ref), many.oms.order_by_ref(ref)
        assert a is not None
        assert b is not None
        assert (a.revision, a.lines, a.recipient, a.payment) == (b.revision, b.lines, b.recipient, b.payment)
    report = many.oms.audit(refs)
    assert report.lost_orders == 0
    assert report.duplicate_orders == 0


@PROPERTY
@given(merchants(), st.integers(0, 2**16))
def test_invariant_5_cancelled_and_completed_orders_hold_no_stock(merchant: Merchant, seed: int) -> None:
    catalog, network, stock, orders = merchant
    system = _system(catalog, network, stock)
    _run_day(system, orders, seed)
    for order_id in system.oms.orders_with_status(OrderStatus.RELEASED):
        for shipment in system.oms.shipments(order_id):
            if shipment.status is ShipmentStatus.RELEASED and shipment.carrier:
                system.oms.confirm_shipment(shipment.id, shipment.carrier, f"T{shipment.id}")
                system.oms.confirm_delivered(shipment.id)
    report = system.oms.audit()
    assert report.leaked_units == 0, report.problems
    with system.oms.ctx.uow() as uow:
        for key in uow.inventory.reservation_keys():
            owner = uow.orders.get(OrderId(key))
            assert owner is not None
            assert owner.status not in {OrderStatus.CANCELLED, OrderStatus.COMPLETED, OrderStatus.MERGED}


_CORRUPTIONS = (
    ("drop", "recipient"),
    ("drop", "currency"),
    ("set", "currency", "XYZ"),
    ("set", "revision", -1),
    ("set", "buyer_memo", "x" * 200_000),
    ("set", "placed_at", "2026-11-11T00:00:00"),
    ("set", "surprise", 1),
    ("line", "quantity", -2),
    ("line", "quantity", 0),
    ("line", "amount", -1),
    ("line", "listing_id", ""),
    ("set", "shipping_fee", 1.5),
)


@PROPERTY
@given(merchants(), st.sampled_from(_CORRUPTIONS), st.data())
def test_invariant_8_malformed_input_is_refused_by_field_and_nothing_is_stored(
    merchant: Merchant,
    corruption: tuple[object, ...],
    data: st.DataObject,
) -> None:
    catalog, network, stock, orders = merchant
    system = _system(catalog, network, stock)
    payload = dump_platform_order(data.draw(st.sampled_from(orders)))
    kind, field, *value = (str(corruption[0]), str(corruption[1]), *corruption[2:])
    if kind == "drop":
        del payload[field]
        expected = field
    elif kind == "set":
        payload[field] = value[0]
        expected = field
    else:
        payload["lines"][0][field] = value[0]
        expected = f"lines.0.{field}"
    before = system.oms.audit().orders
    with pytest.raises(InvalidInput) as caught:
        system.oms.ingest_payload(json.dumps(payload))
    field_named = caught.value.field
    assert field_named.startswith(expected) or expected.startswith(field_named), (field_named, expected)
    assert system.oms.audit().orders == before
