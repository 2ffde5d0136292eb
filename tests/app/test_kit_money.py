"""Kits keep their money: gross, discount, paid and shipping totals stay the platform order's, through kit
explosion, merge and a split over locations."""

from __future__ import annotations

import attrs
from conftest import PlatformOrderFactory

from omscore.bootstrap import InMemorySystem
from omscore.domain import Money, Order, OrderId, OrderStatus, Shipment
from omscore.domain.money import total
from omscore.domain.platform_order import PlatformLine, PlatformOrder

Totals = tuple[int, int, int, int]


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def _with_discounted_kit(order: PlatformOrder, quantity: int = 2, unit_price: int = 35_000) -> PlatformOrder:
    """``order`` with a GIFTSET line in front: two sets at 350.00 each unless told otherwise, 70.01 off the line."""
    gross, discount = unit_price * quantity, 7_001
    kit = PlatformLine(
        "K", "L-GIFTSET", quantity, cny(gross - discount), unit_price=cny(unit_price), discount=cny(discount)
    )
    return attrs.evolve(order, lines=(kit, *order.lines))


def _platform(*orders: PlatformOrder) -> Totals:
    return (
        sum(o.gross_total.minor for o in orders),
        sum(o.discount_total.minor for o in orders),
        sum(o.paid_total.minor for o in orders),
        sum(o.shipping_fee.minor for o in orders),
    )


def _order(order: Order) -> Totals:
    return order.gross_total.minor, order.discount_total.minor, order.paid_total.minor, order.shipping_fee.minor


def _shipments(shipments: list[Shipment]) -> Totals:
    def summed(values: list[Money]) -> int:
        return total(values, "CNY").minor

    return (
        summed([s.gross_total for s in shipments]),
        summed([s.discount_total for s in shipments]),
        summed([s.paid_total for s in shipments]),
        summed([s.shipping_fee for s in shipments]),
    )


def _stored(system: InMemorySystem, order_id: OrderId) -> Order:
    order = system.oms.order(order_id)
    assert order is not None
    return order


def test_an_exploded_kit_keeps_the_platform_orders_gross_discount_and_paid_totals(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    po = _with_discounted_kit(platform_order("E1", ("L-TEA", 1, 3000)))

    created = system.oms.ingest(po)

    order = _stored(system, created.order_id)
    assert _platform(po) == (73_000, 7_001, 65_999, 800)
    assert _order(order) == _platform(po)
    components = [line for line in order.lines if line.kit == "GIFTSET"]
    assert {line.sku for line in components} == {"POT", "CUP"}
    assert all(line.amount == line.gross_amount - line.discount_amount for line in order.lines)
    assert sum(line.discount_amount.minor for line in components) == 7_001


def test_a_kit_component_has_a_unit_price_only_when_its_gross_divides_exactly(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    po = _with_discounted_kit(platform_order("E1", ("L-TEA", 1, 3000)), quantity=3, unit_price=35_002)
    created = system.oms.ingest(po)

    components = [line for line in _stored(system, created.order_id).lines if line.kit == "GIFTSET"]
    assert sum(line.gross_amount.minor for line in components) == 105_006
    assert any(line.unit_price is None for line in components)
    for line in components:
        if line.unit_price is not None:
            assert line.unit_price * line.quantity == line.gross_amount
        else:
            assert line.gross_amount.minor % line.quantity


def test_a_kit_split_over_two_locations_keeps_every_total_in_its_shipments(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    po = _with_discounted_kit(platform_order("E1", ("L-TEA", 1, 3000)))
    created = system.oms.ingest(po)

    system.oms.process()

    shipments = system.oms.shipments(created.order_id)
    assert len({s.location for s in shipments}) == 2
    assert _order(_stored(system, created.order_id)) == _platform(po)
    assert _shipments(shipments) == _platform(po)
    report = system.oms.audit([po.ref])
    assert report.ok, report.problems


def test_a_kit_merged_with_another_order_keeps_both_platform_orders_totals(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    first = _with_discounted_kit(platform_order("E1", ("L-CUP", 1, 1000)))
    second = attrs.evolve(
        platform_order("E2", ("L-TEA", 2, 5400), minutes=20, shipping_fee=1000),
        lines=(PlatformLine("1", "L-TEA", 2, cny(5_400), unit_price=cny(3_000)),),
    )
    system.oms.ingest(first)
    system.oms.ingest(second)

    assert system.oms.process().merged == 1

    [merged_id] = system.oms.orders_with_status(OrderStatus.RELEASED)
    merged = _stored(system, merged_id)
    assert len(merged.merged_from) == 2
    assert _order(merged) == _platform(first, second) == (77_000, 7_601, 69_399, 1_800)
    shipments = system.oms.shipments(merged_id)
    assert len({s.location for s in shipments}) == 2
    assert _shipments(shipments) == _platform(first, second)
    report = system.oms.audit([first.ref, second.ref])
    assert report.ok, report.problems


def test_the_audit_finds_shipments_whose_gross_and_discount_drift_from_the_order(
    system: InMemorySystem, platform_order: PlatformOrderFactory
) -> None:
    po = _with_discounted_kit(platform_order("E1", ("L-TEA", 1, 3000)))
    created = system.oms.ingest(po)
    system.oms.process()
    assert system.oms.audit([po.ref]).ok

    with system.oms.ctx.uow() as uow:  # damage one stored shipment line, keeping amount = gross − discount
        shipment = uow.shipments.for_order(created.order_id)[0]
        first, *rest = shipment.lines
        assert first.gross is not None
        assert first.discount is not None
        shifted = attrs.evolve(first, gross=first.gross + cny(5), discount=first.discount + cny(5))
        shipment.lines = (shifted, *rest)
        uow.shipments.save(shipment)
        uow.commit()

    report = system.oms.audit([po.ref])
    assert report.money_drift_minor == 10
    assert any("gross/discount" in problem for problem in report.problems)
