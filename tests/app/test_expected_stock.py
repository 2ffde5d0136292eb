"""预计到货, as a merchant sees it: a presale line short of stock is promised from goods on their way (a purchase
order or an ASN), so the order's in-stock lines ship now and the presale units wait for the receipt, which never
promises more than it brings; when it arrives the promised orders are served first."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs
from conftest import PlatformOrderFactory

from merchant_world import JD, START, STOCK, catalog, network
from omscore.adapters.system import ManualClock
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.domain import (
    ExpectedReceipt,
    HoldKind,
    InboundKind,
    LocationId,
    Order,
    OrderId,
    OrderStatus,
    SkuCode,
)
from omscore.domain.platform_order import PlatformOrder, PlatformStatus

NORTH = LocationId("WH-NORTH")
POT = SkuCode("POT")
PRESALE = date(2026, 11, 20)
ASN = ExpectedReceipt("ASN-1", NORTH, POT, 3, date(2026, 11, 18), InboundKind.ASN)


def _system() -> InMemorySystem:
    """The test merchant (4 teapots can be sold now), three more on their way in ASN-1; no shop backorders."""
    system = in_memory(clock=ManualClock(START))
    system.oms.load_master_data(catalog(), network(), STOCK)
    system.oms.expect_stock(ASN)
    return system


def _presale(po: PlatformOrder, line_index: int) -> PlatformOrder:
    lines = list(po.lines)
    lines[line_index] = attrs.evolve(lines[line_index], presale_ship_date=PRESALE)
    return attrs.evolve(po, lines=tuple(lines))


def _order(system: InMemorySystem, order_id: OrderId) -> Order:
    order = system.oms.order(order_id)
    assert order is not None
    return order


def _clean(system: InMemorySystem) -> None:
    report = system.oms.audit()
    assert report.ok, report.problems


def _tea_and_presale_pots(platform_order: PlatformOrderFactory, pots: int = 6, **given: Any) -> PlatformOrder:
    return _presale(platform_order("E1", ("L-TEA", 1, 3_000), ("L-POT", pots, pots * 8_000), channel=JD, **given), 1)


def test_presale_units_short_of_stock_are_promised_from_the_goods_on_their_way(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system()
    taken = system.oms.ingest(_tea_and_presale_pots(platform_order))
    system.oms.process(release=False)

    order = _order(system, taken.order_id)
    [part_id] = order.backorders
    part = _order(system, part_id)
    assert order.status is OrderStatus.ALLOCATED
    assert sorted((line.sku, line.quantity) for line in order.lines) == [("POT", 4), ("TEA", 1)]
    assert [(line.sku, line.quantity) for line in part.lines] == [("POT", 2)]
    assert part.has_hold(HoldKind.OUT_OF_STOCK)
    [hold] = part.holds
    assert "ASN-1" in hold.detail
    assert "2026-11-18" in hold.detail
    assert system.oms.expected("ASN-1") == (ASN, 2)
    _clean(system)


def test_a_receipt_never_promises_more_than_it_brings(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    system.oms.ingest(_tea_and_presale_pots(platform_order))  # 2 of the 3 expected are promised
    system.oms.process(release=False)
    later = system.oms.ingest(_presale(platform_order("E2", ("L-TEA", 1, 3_000), ("L-POT", 2, 16_000), channel=JD), 1))
    system.oms.process(release=False)

    waiting = _order(system, later.order_id)
    assert waiting.status is OrderStatus.HELD
    assert waiting.backorders == ()
    assert "promised" not in waiting.holds[0].detail
    assert system.oms.expected("ASN-1")[1] == 2
    _clean(system)


def test_when_the_goods_arrive_the_promised_order_is_served_first(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    taken = system.oms.ingest(_tea_and_presale_pots(platform_order, minutes=30))
    system.oms.process(release=False)
    [part_id] = _order(system, taken.order_id).backorders
    # An order placed earlier, waiting for one teapot with nothing promised, comes first in fill order ...
    earlier = system.oms.ingest(platform_order("E0", ("L-POT", 1, 8_000), channel=JD, minutes=0))
    system.oms.process(release=False)
    assert _order(system, earlier.order_id).status is OrderStatus.HELD

    arrival = system.oms.receive_expected("ASN-1", quantity=2)

    # ... but the two that arrived were promised to the part.
    assert arrival.promised == (part_id,)
    assert arrival.routed == (part_id,)
    assert _order(system, part_id).status is OrderStatus.ALLOCATED
    assert system.oms.stock(NORTH, POT).available == 0
    assert system.oms.expected("ASN-1")[1] == 0
    system.oms.process()
    assert _order(system, earlier.order_id).status is OrderStatus.HELD
    _clean(system)


def test_cancelling_the_order_ends_its_promise(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    system.oms.ingest(_tea_and_presale_pots(platform_order))
    system.oms.process(release=False)
    cancelled = attrs.evolve(_tea_and_presale_pots(platform_order), revision=2, status=PlatformStatus.CANCELLED)

    system.oms.ingest(cancelled)

    assert system.oms.expected("ASN-1")[1] == 0
    _clean(system)


def test_lines_that_are_not_presale_are_not_promised(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3_000), ("L-POT", 6, 48_000), channel=JD))
    system.oms.process(release=False)

    order = _order(system, taken.order_id)
    assert order.status is OrderStatus.HELD
    assert order.backorders == ()
    assert system.oms.expected("ASN-1")[1] == 0


def test_an_expected_receipt_that_moves_its_date_keeps_its_promises(platform_order: PlatformOrderFactory) -> None:
    system = _system()
    system.oms.ingest(_tea_and_presale_pots(platform_order))
    system.oms.process(release=False)

    later = attrs.evolve(ASN, expected_on=ASN.expected_on + timedelta(days=3))
    system.oms.expect_stock(later)

    assert system.oms.expected("ASN-1") == (later, 2)
