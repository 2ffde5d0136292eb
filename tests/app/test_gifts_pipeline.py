"""Gifts (赠品) through the pipeline, as a merchant sees them: an order that reaches a band gets its gift as a
zero-priced line shipped with it, within the gift's stock and the activity's quota; a merge is judged on what
it carries; cancelling, un-merging or re-addressing gives gifts and quota back; no platform hears of a gift."""

from __future__ import annotations

from datetime import timedelta

from conftest import PlatformOrderFactory

from merchant_world import START, STOCK, catalog, network
from omscore.adapters.system import ManualClock
from omscore.bootstrap import InMemorySystem, in_memory
from omscore.domain import Address, CarrierId, LocationId, Money, Order, OrderId, OrderStatus, Recipient, SkuCode
from omscore.policies.gifts import AmountBand, Gift, GiftRule, GiftSettings, SkuPurchase
from omscore.policies.settings import PipelineSettings

EAST = LocationId("WH-EAST")
NORTH = LocationId("WH-NORTH")
CUP, POT, TEA = SkuCode("CUP"), SkuCode("POT"), SkuCode("TEA")
BEIJING = Recipient("Han Meimei", "13900139000", Address("CN", "Beijing", "Beijing", "Chaoyang", "1 Guanghua Road"))


def band(minimum: int = 10_000, *, quota: int | None = None, per_buyer: int | None = None, **extra: object) -> GiftRule:
    """Spend ``minimum`` minor CNY on the goods, get a cup (falling back to tea when cups run out)."""
    return GiftRule(
        "d11",
        AmountBand(Money(minimum, "CNY")),
        (Gift(CUP, 1, (Gift(TEA, 1),)),),
        quota=quota,
        per_buyer=per_buyer,
        **extra,  # type: ignore[arg-type]
    )


def _system(*rules: GiftRule, stock: bool = True) -> InMemorySystem:
    system = in_memory(clock=ManualClock(START), settings=PipelineSettings(gifts=GiftSettings(rules=rules)))
    system.oms.load_master_data(catalog(), network(), STOCK if stock else [])
    return system


def _order(system: InMemorySystem, order_id: OrderId) -> Order:
    order = system.oms.order(order_id)
    assert order is not None
    return order


def _root(system: InMemorySystem, order_id: OrderId) -> Order:
    order = _order(system, order_id)
    while order.merged_into is not None:
        order = _order(system, order.merged_into)
    return order


def _gifts(order: Order) -> list[tuple[str, int]]:
    return sorted((line.sku, line.quantity) for line in order.given_gifts)


def _clean(system: InMemorySystem) -> None:
    report = system.oms.audit()
    assert report.ok, report.problems


def test_an_order_reaching_the_band_ships_its_gift_at_no_charge(platform_order: PlatformOrderFactory) -> None:
    system = _system(band())
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 4, 12_000)))
    system.oms.process()

    order = _order(system, taken.order_id)
    assert order.status is OrderStatus.RELEASED
    assert _gifts(order) == [("CUP", 1)]
    [gift] = order.given_gifts
    assert (gift.amount, gift.is_gift, gift.gift_rule) == (Money(0, "CNY"), True, "d11")
    assert order.total == Money(12_800, "CNY")
    shipped = {(line.sku, line.quantity, line.amount.minor) for s in system.oms.shipments(order.id) for line in s.lines}
    assert shipped == {("TEA", 4, 12_000), ("CUP", 1, 0)}
    assert system.oms.stock(EAST, CUP).reserved == 1
    assert system.oms.gift_units_given("d11") == 1
    assert any(d.policy == "gifts" and "CUP ×1" in d.summary for d in order.decisions)
    _clean(system)


def test_an_order_below_the_band_gets_no_gift_and_says_why(platform_order: PlatformOrderFactory) -> None:
    system = _system(band())
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3_000)))
    system.oms.process()

    order = _order(system, taken.order_id)
    assert order.status is OrderStatus.RELEASED
    assert _gifts(order) == []
    [decision] = [d for d in order.decisions if d.policy == "gifts"]
    assert "no gift" in decision.summary
    assert system.oms.gift_units_given("d11") == 0


def test_the_quota_is_never_exceeded_and_a_cancellation_gives_its_unit_back(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system(band(quota=1))
    first = system.oms.ingest(platform_order("E1", ("L-TEA", 4, 12_000), buyer_id="b1")).order_id
    second = system.oms.ingest(platform_order("E2", ("L-TEA", 4, 12_000), buyer_id="b2", recipient=BEIJING))
    system.oms.process(release=False)

    assert (_gifts(_order(system, first)), _gifts(_order(system, second.order_id))) == ([("CUP", 1)], [])
    assert system.oms.gift_units_given("d11") == 1

    assert system.oms.cancel(first).cancelled
    assert system.oms.gift_units_given("d11") == 0
    third = system.oms.ingest(platform_order("E3", ("L-TEA", 4, 12_000), buyer_id="b3", minutes=5)).order_id
    system.oms.process()
    assert _gifts(_order(system, third)) == [("CUP", 1)]
    assert system.oms.gift_units_given("d11") == 1
    _clean(system)


def test_a_buyer_gets_no_more_than_the_per_buyer_limit(platform_order: PlatformOrderFactory) -> None:
    system = _system(band(per_buyer=1))
    first = system.oms.ingest(platform_order("E1", ("L-TEA", 4, 12_000))).order_id
    system.oms.process()
    again = system.oms.ingest(platform_order("E2", ("L-TEA", 4, 12_000), minutes=600)).order_id
    system.oms.process()

    assert (_gifts(_order(system, first)), _gifts(_order(system, again))) == ([("CUP", 1)], [])
    _clean(system)


def test_two_orders_below_the_band_merge_and_the_merge_gets_the_gift_once(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system(band())
    first = system.oms.ingest(platform_order("E1", ("L-TEA", 2, 6_000))).order_id
    second = system.oms.ingest(platform_order("E2", ("L-TEA", 2, 6_000), minutes=1)).order_id
    system.oms.process()

    merged = _root(system, first)
    assert merged.id == _root(system, second).id != first
    assert merged.merged_from == (first, second)
    assert _gifts(merged) == [("CUP", 1)]
    assert system.oms.gift_units_given("d11") == 1
    _clean(system)


def test_unmerging_takes_the_gift_back_and_each_order_is_judged_alone(platform_order: PlatformOrderFactory) -> None:
    system = _system(band())
    first = system.oms.ingest(platform_order("E1", ("L-TEA", 2, 6_000))).order_id
    system.oms.ingest(platform_order("E2", ("L-TEA", 2, 6_000), minutes=1))
    system.oms.process(release=False)
    merged = _root(system, first)
    assert merged.status is OrderStatus.ALLOCATED
    assert _gifts(merged) == [("CUP", 1)]

    assert system.oms.unmerge(merged.id)

    assert system.oms.gift_units_given("d11") == 0
    assert system.oms.stock(EAST, CUP).reserved == 0
    _clean(system)


def test_a_gift_short_of_stock_gives_way_to_its_fallback_and_then_to_nothing(
    platform_order: PlatformOrderFactory,
) -> None:
    system = _system(band())
    for location in (EAST, NORTH):
        level = system.oms.stock(location, CUP)
        system.oms.adjust_stock(location, CUP, -level.on_hand)
    fallback = system.oms.ingest(platform_order("E1", ("L-TEA", 4, 12_000), buyer_id="b1")).order_id
    system.oms.process()
    assert _gifts(_order(system, fallback)) == [("TEA", 1)]

    # Beijing is served from the East DC only: an order for all the tea left there leaves none for the fallback.
    wanted = system.oms.stock(EAST, TEA).available
    none = system.oms.ingest(platform_order("E2", ("L-TEA", wanted, 40_000), buyer_id="b2", recipient=BEIJING))
    system.oms.process()
    order = _order(system, none.order_id)
    assert order.status is OrderStatus.RELEASED
    assert _gifts(order) == []
    _clean(system)


def test_no_platform_hears_of_a_gift(platform_order: PlatformOrderFactory) -> None:
    pot = GiftRule("pot", SkuPurchase({TEA}), (Gift(POT, 1),))  # the teapot is at the North DC, the tea in the East
    system = _system(pot)
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 1, 3_000)))
    system.oms.process()
    order = _order(system, taken.order_id)
    assert _gifts(order) == [("POT", 1)]
    shipments = system.oms.shipments(order.id)
    assert sorted(s.location for s in shipments) == [EAST, NORTH]

    for number, shipment in enumerate(shipments):
        system.oms.confirm_shipment(shipment.id, CarrierId("SF"), f"SF{number}")

    pushes = system.channels.tracking_pushes
    assert [(p.ref.external_id, p.line_ids) for p in pushes] == [("E1", ("1",))]
    assert _order(system, order.id).status is OrderStatus.SHIPPED
    _clean(system)


def test_a_new_address_before_release_decides_the_gift_again(platform_order: PlatformOrderFactory) -> None:
    system = _system(band(quota=5))
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 4, 12_000)))
    system.oms.process(release=False)

    result = system.oms.change_address(taken.order_id, BEIJING)

    order = _order(system, taken.order_id)
    assert result.applied
    assert order.status is OrderStatus.ALLOCATED
    assert _gifts(order) == [("CUP", 1)]
    assert system.oms.gift_units_given("d11") == 1
    _clean(system)


def test_a_rule_outside_its_window_gives_nothing(platform_order: PlatformOrderFactory) -> None:
    system = _system(band(starts_at=START + timedelta(days=1)))
    taken = system.oms.ingest(platform_order("E1", ("L-TEA", 4, 12_000)))
    system.oms.process()
    assert _gifts(_order(system, taken.order_id)) == []
