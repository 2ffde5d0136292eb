"""合单 weighed against the stock: the pure check that keeps a merge from serving any order worse."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from omscore.domain import (
    Address,
    Channel,
    ExternalOrderRef,
    LineId,
    LocationId,
    Money,
    Order,
    OrderId,
    OrderLine,
    OrderStatus,
    Recipient,
    ShipmentId,
    SkuCode,
)
from omscore.domain.inventory import StockKey
from omscore.policies.explain import Explanation
from omscore.policies.merge import MergeDecision, MergeSettings, MergeStock, WhenShort, check_serving, served_together

SHOP = Channel("tmall", "flagship")
RECIPIENT = Recipient("Li Lei", "13800138000", Address("CN", "Zhejiang", "Hangzhou", "Xihu", "12 Wensan Road"))
EAST, NORTH = LocationId("WH-EAST"), LocationId("WH-NORTH")
TEA, FISH = SkuCode("TEA"), SkuCode("FISH")


def _order(number: int, *lines: tuple[str, int], allocated: bool = False) -> Order:
    ref = ExternalOrderRef(SHOP, f"E{number}")
    order = Order.receive(
        id=OrderId(f"O{number}"),
        ref=ref,
        revision=1,
        placed_at=datetime(2026, 11, 11, tzinfo=UTC),
        buyer_id="buyer-1",
        recipient=RECIPIENT,
        lines=[OrderLine(LineId(str(i)), SkuCode(s), q, Money(100 * q, "CNY"), ref) for i, (s, q) in enumerate(lines)],
        currency="CNY",
        shipping_fee=Money(0, "CNY"),
    )
    order.approve("test")
    if allocated:
        order.allocate([ShipmentId(f"S{number}")])
    order.pull_events()
    return order


def _covered(order: Order, available: Mapping[StockKey, int]) -> bool:
    """A stand-in for the router: the order is servable when every SKU's units, summed over locations, suffice."""
    wanted: dict[SkuCode, int] = {}
    for line in order.lines:
        wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
    return all(sum(v for (_, s), v in available.items() if s == sku) >= qty for sku, qty in wanted.items())


def _chosen(*partners: Order) -> MergeDecision:
    return MergeDecision(partners, Explanation("merge", "merge with …", ("chosen by key",)))


def test_the_pool_gives_back_what_partners_hold_and_drops_what_is_not_positive() -> None:
    stock = MergeStock(
        {(EAST, TEA): 2, (NORTH, TEA): -1, (EAST, FISH): 0},
        {OrderId("O1"): {(NORTH, TEA): 3, (EAST, TEA): 1}},
    )

    assert stock.pool() == {(EAST, TEA): 3, (NORTH, TEA): 2}


def test_the_stand_in_for_the_merged_order_leaves_the_orders_as_they_were() -> None:
    arriving, partner = _order(2, ("FISH", 1)), _order(1, ("TEA", 1), allocated=True)

    together = served_together([arriving, partner])

    assert sorted((line.sku, line.quantity) for line in together.lines) == [("FISH", 1), ("TEA", 1)]
    assert (arriving.status, arriving.merged_into) == (OrderStatus.APPROVED, None)
    assert (partner.status, partner.merged_into) == (OrderStatus.ALLOCATED, None)
    assert arriving.pull_events() == partner.pull_events() == []


def test_a_merge_is_taken_when_what_is_free_plus_what_the_partner_holds_covers_it() -> None:
    partner = _order(1, ("TEA", 1), allocated=True)
    enough = MergeStock({(EAST, TEA): 1}, {partner.id: {(EAST, TEA): 1}})
    too_little = MergeStock({(EAST, TEA): 0}, {partner.id: {(EAST, TEA): 1}})

    taken = check_serving(_order(2, ("TEA", 1)), _chosen(partner), enough, _covered, MergeSettings())
    refused = check_serving(_order(2, ("TEA", 1)), _chosen(partner), too_little, _covered, MergeSettings())

    assert taken.partners == (partner,)
    assert taken.explanation.summary == "merge with O1"
    assert taken.explanation.steps[0] == "chosen by key"
    assert refused.partners == ()
    assert refused.explanation.summary == "not merged: TEA short, partner O1 keeps its reservation"
    assert "TEA: 2 wanted, 1 available at all locations" in refused.explanation.steps


def test_several_allocated_partners_are_named_in_id_order() -> None:
    first, second = _order(1, ("TEA", 1), allocated=True), _order(2, ("TEA", 1), allocated=True)
    stock = MergeStock({}, {first.id: {(EAST, TEA): 1}, second.id: {(EAST, TEA): 1}})

    forwards = check_serving(_order(3, ("FISH", 1)), _chosen(first, second), stock, _covered, MergeSettings())
    backwards = check_serving(_order(3, ("FISH", 1)), _chosen(second, first), stock, _covered, MergeSettings())

    assert forwards.explanation == backwards.explanation
    assert forwards.explanation.summary == "not merged: FISH short, partners O1, O2 keep their reservations"


def test_merge_anyway_merges_and_says_what_is_short() -> None:
    partner = _order(1, ("TEA", 1), allocated=True)
    stock = MergeStock({}, {partner.id: {(EAST, TEA): 1}})
    settings = MergeSettings(when_short=WhenShort.MERGE_ANYWAY)

    decision = check_serving(_order(2, ("FISH", 2)), _chosen(partner), stock, _covered, settings)

    assert decision.partners == (partner,)
    assert decision.explanation.summary == "merge with O1 although FISH short"
    assert "FISH: 2 wanted, 0 available at all locations" in decision.explanation.steps


def test_unallocated_orders_merge_when_none_could_be_served_alone_and_stay_apart_when_one_could() -> None:
    stock = MergeStock({(EAST, TEA): 1})

    all_short = check_serving(_order(2, ("FISH", 1)), _chosen(_order(1, ("FISH", 1))), stock, _covered, MergeSettings())
    one_ships = check_serving(_order(2, ("FISH", 1)), _chosen(_order(1, ("TEA", 1))), stock, _covered, MergeSettings())

    assert [p.id for p in all_short.partners] == ["O1"]
    assert one_ships.partners == ()
    assert one_ships.explanation.summary == "not merged: FISH short, O1 can be served on its own"


def test_no_partner_is_passed_through() -> None:
    chosen = MergeDecision((), Explanation("merge", "no partner"))

    assert check_serving(_order(1, ("TEA", 1)), chosen, MergeStock({}), _covered, MergeSettings()) is chosen
