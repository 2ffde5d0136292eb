"""The split after routing, read as its specification: presale against in-stock, attributes, parcel limits,
kits, the minimum shipment value, the maximum of packages, per-shop rules, and exact apportioning."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from omscore.domain import (
    Address,
    Catalog,
    Channel,
    ExternalOrderRef,
    InvalidConfiguration,
    InvalidInput,
    InvalidQuantity,
    Kit,
    KitComponent,
    LineId,
    LocationId,
    Money,
    NotFound,
    Order,
    OrderId,
    OrderLine,
    Recipient,
    Sku,
    SkuCode,
)
from omscore.policies.optimise import Allocation, ParcelLimits
from omscore.policies.split import (
    DEFAULT_PARCEL_LIMITS,
    PresaleMode,
    SplitDecision,
    SplitRules,
    SplitSettings,
    decide_split,
    draft_shipments,
    split_shipments,
)

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "self-run")
HZ, BJ = LocationId("WH-HZ"), LocationId("WH-BJ")
REF = ExternalOrderRef(TMALL, "E1")
PRESALE = date(2026, 12, 1)
LATER = date(2026, 12, 20)
TODAY = date(2026, 11, 11)
CATALOG = Catalog.build(
    [
        Sku(SkuCode("TEA"), weight_g=1_000, volume_cm3=1_000),
        Sku(SkuCode("CUP"), weight_g=300, tags=frozenset({"fragile"})),
        Sku(SkuCode("FISH"), weight_g=2_000, tags=frozenset({"cold_chain"})),
        Sku(SkuCode("SOFA"), weight_g=30_000, tags=frozenset({"oversize"})),
        Sku(SkuCode("LAMP"), weight_g=500, tags=frozenset({"battery"})),
        Sku(SkuCode("OIL"), weight_g=500, tags=frozenset({"liquid"})),
        Sku(SkuCode("POT"), weight_g=1_200),
    ],
    [
        Kit("SET", (KitComponent(SkuCode("POT"), 1), KitComponent(SkuCode("CUP"), 2))),
        Kit("LOOSE", (KitComponent(SkuCode("POT"), 1), KitComponent(SkuCode("CUP"), 2)), splittable=True),
    ],
)


def line(line_id: str, sku: str, quantity: int, amount: int = 0, **extra: object) -> OrderLine:
    return OrderLine(LineId(line_id), SkuCode(sku), quantity, Money(amount or 1000 * quantity, "CNY"), REF, **extra)  # type: ignore[arg-type]


def order(*lines: OrderLine, fee: int = 1_000, shop: Channel = TMALL) -> Order:
    ref = ExternalOrderRef(shop, "E1")
    return Order.receive(
        id=OrderId("O1"),
        ref=ref,
        revision=1,
        placed_at=datetime(2026, 11, 11, tzinfo=UTC),
        buyer_id="b1",
        recipient=Recipient("Lin", "138", Address("CN", "Zhejiang", "Hangzhou", street="1 Road")),
        lines=lines,
        currency="CNY",
        shipping_fee=Money(fee, "CNY"),
    )


def at(location: LocationId, the_order: Order) -> list[Allocation]:
    return [Allocation(location, ln.id, ln.sku, ln.quantity) for ln in the_order.lines]


def split(
    the_order: Order,
    allocations: Sequence[Allocation] | None = None,
    rules: SplitRules | None = None,
    *,
    today: date | None = TODAY,
    settings: SplitSettings | None = None,
) -> SplitDecision:
    chosen = settings or SplitSettings(rules or SplitRules())
    return decide_split(the_order, allocations or at(HZ, the_order), CATALOG, chosen, today=today)


def contents(decision: SplitDecision) -> list[dict[str, int]]:
    return [{sl.line_id: sl.quantity for sl in s.draft.lines} for s in decision.shipments]


def assert_conserved(decision: SplitDecision, the_order: Order) -> None:
    units: dict[str, int] = {}
    for s in decision.shipments:
        for sl in s.draft.lines:
            units[sl.line_id] = units.get(sl.line_id, 0) + sl.quantity
    assert units == {ln.id: ln.quantity for ln in the_order.lines}
    assert sum(s.draft.amount.minor for s in decision.shipments) == the_order.total.minor


# --- nothing to split ------------------------------------------------------------------------------------------


def test_with_nothing_to_split_the_drafts_are_those_of_draft_shipments() -> None:
    the_order = order(line("L1", "TEA", 2, 3333), line("L2", "CUP", 3, 1001), fee=999)
    allocations = [
        Allocation(HZ, LineId("L1"), SkuCode("TEA"), 1),
        Allocation(BJ, LineId("L1"), SkuCode("TEA"), 1),
        Allocation(BJ, LineId("L2"), SkuCode("CUP"), 3),
    ]

    assert split_shipments(the_order, allocations, CATALOG) == draft_shipments(the_order, allocations)


def test_a_decision_explains_itself() -> None:
    decision = split(order(line("L1", "TEA", 1)))

    assert decision.ok
    assert decision.trace.text().startswith("[split] 1 parcel(s) from 1 location(s)")
    assert decision.trace.as_dict()["parcels"] == 1


# --- presale against in-stock ----------------------------------------------------------------------------------


def test_in_stock_units_ship_now_and_presale_units_on_their_date() -> None:
    the_order = order(line("L1", "TEA", 1), line("L2", "POT", 1, presale_ship_date=PRESALE))

    decision = split(the_order)

    assert contents(decision) == [{"L1": 1}, {"L2": 1}]
    assert [s.ship_after for s in decision.shipments] == [None, PRESALE]
    assert decision.trace.locations[0].presale == "split"
    assert_conserved(decision, the_order)


def test_presale_lines_of_different_dates_ship_apart() -> None:
    the_order = order(
        line("L1", "POT", 1, presale_ship_date=LATER),
        line("L2", "CUP", 1, presale_ship_date=PRESALE),
    )

    decision = split(the_order)

    assert contents(decision) == [{"L2": 1}, {"L1": 1}]
    assert [s.ship_after for s in decision.shipments] == [PRESALE, LATER]


def test_a_shop_that_waits_ships_everything_on_the_latest_presale_date() -> None:
    the_order = order(line("L1", "TEA", 1), line("L2", "POT", 1, presale_ship_date=PRESALE))

    decision = split(the_order, rules=SplitRules(presale=PresaleMode.SHIP_COMPLETE))

    assert contents(decision) == [{"L1": 1, "L2": 1}]
    assert decision.shipments[0].ship_after == PRESALE
    assert decision.trace.locations[0].presale == "together"


def test_a_presale_date_that_has_come_is_no_longer_presale() -> None:
    the_order = order(line("L1", "TEA", 1), line("L2", "POT", 1, presale_ship_date=PRESALE))

    decision = split(the_order, today=PRESALE)

    assert contents(decision) == [{"L1": 1, "L2": 1}]
    assert decision.shipments[0].ship_after is None


def test_the_minimum_value_is_checked_on_both_parts_of_an_optional_split() -> None:
    the_order = order(line("L1", "TEA", 1, 9_000), line("L2", "POT", 1, 1_000, presale_ship_date=PRESALE))

    kept = split(the_order, rules=SplitRules(min_shipment_value_minor=2_000))
    parted = split(the_order, rules=SplitRules(min_shipment_value_minor=1_000))

    assert contents(kept) == [{"L1": 1, "L2": 1}]
    assert "below the minimum 2000" in kept.trace.text()
    assert contents(parted) == [{"L1": 1}, {"L2": 1}]


# --- attributes and parcel limits ------------------------------------------------------------------------------


def test_cold_chain_never_travels_with_ambient_items() -> None:
    decision = split(order(line("L1", "TEA", 1), line("L2", "FISH", 2)))

    assert contents(decision) == [{"L1": 1}, {"L2": 2}]


def test_oversize_and_ship_alone_items_travel_alone() -> None:
    decision = split(order(line("L1", "TEA", 1), line("L2", "SOFA", 2)))

    assert sorted(map(str, contents(decision))) == sorted(map(str, [{"L1": 1}, {"L2": 1}, {"L2": 1}]))
    assert sorted(s.reason or "" for s in decision.shipments) == ["", "ship_alone", "ship_alone"]
    assert "oversize" in DEFAULT_PARCEL_LIMITS.alone


def test_incompatible_tags_never_share_a_parcel() -> None:
    limits = ParcelLimits(incompatible=[("battery", "liquid")])

    decision = split(order(line("L1", "LAMP", 1), line("L2", "OIL", 1)), rules=SplitRules(parcels=limits))

    assert contents(decision) == [{"L1": 1}, {"L2": 1}]


def test_parcels_respect_the_weight_limit_in_as_few_parcels_as_possible() -> None:
    limits = ParcelLimits(max_weight_g=3_000)
    the_order = order(line("L1", "TEA", 4), line("L2", "POT", 1), line("L3", "CUP", 3))  # 4000 + 1200 + 900

    decision = split(the_order, rules=SplitRules(parcels=limits))

    assert len(decision.shipments) == 3  # 6100 g needs at least three parcels of 3000 g
    assert all(
        sum(CATALOG.skus[sl.sku].weight_g * sl.quantity for sl in s.draft.lines) <= 3_000 for s in decision.shipments
    )
    assert "optimal" in decision.trace.locations[0].packing[0]
    assert_conserved(decision, the_order)


def test_each_location_is_split_on_its_own() -> None:
    the_order = order(line("L1", "TEA", 2), line("L2", "FISH", 1))
    allocations = [
        Allocation(BJ, LineId("L1"), SkuCode("TEA"), 1),
        Allocation(HZ, LineId("L1"), SkuCode("TEA"), 1),
        Allocation(HZ, LineId("L2"), SkuCode("FISH"), 1),
    ]

    decision = split(the_order, allocations)

    assert [s.draft.location for s in decision.shipments] == [BJ, HZ, HZ]
    assert_conserved(decision, the_order)


# --- kits ------------------------------------------------------------------------------------------------------


def kit_order(kit: str, kits: int = 1) -> Order:
    return order(
        line("K1", "POT", kits, kit=kit, kit_instance="1"),
        line("K2", "CUP", 2 * kits, kit=kit, kit_instance="1"),
    )


def test_a_kit_stays_whole_even_across_a_weight_limit() -> None:
    limits = ParcelLimits(max_weight_g=1_500)  # a SET weighs 1200 + 600

    decision = split(kit_order("SET", kits=2), rules=SplitRules(parcels=limits))

    assert contents(decision) == [{"K1": 1, "K2": 2}, {"K1": 1, "K2": 2}]
    assert [s.reason for s in decision.shipments] == ["over_limit", "over_limit"]


def test_a_splittable_kit_is_packed_unit_by_unit() -> None:
    limits = ParcelLimits(max_weight_g=1_500)

    decision = split(kit_order("LOOSE"), rules=SplitRules(parcels=limits))

    assert contents(decision) == [{"K1": 1, "K2": 1}, {"K2": 1}]


def test_kit_units_that_do_not_form_a_whole_kit_are_packed_one_by_one() -> None:
    the_order = kit_order("SET", kits=2)
    allocations = [
        Allocation(HZ, LineId("K1"), SkuCode("POT"), 2),
        Allocation(HZ, LineId("K2"), SkuCode("CUP"), 3),
        Allocation(BJ, LineId("K2"), SkuCode("CUP"), 1),
    ]

    decision = split(the_order, allocations)

    assert "not forming a whole kit" in decision.trace.text()
    assert_conserved(decision, the_order)


# --- the maximum of packages -----------------------------------------------------------------------------------


def test_over_the_maximum_of_packages_optional_splits_are_undone_first() -> None:
    the_order = order(line("L1", "TEA", 1), line("L2", "POT", 1, presale_ship_date=PRESALE))

    decision = split(the_order, rules=SplitRules(max_packages=1))

    assert decision.ok
    assert contents(decision) == [{"L1": 1, "L2": 1}]
    assert "to keep the parcel count within the limit" in decision.trace.text()


def test_when_the_maximum_of_packages_cannot_be_kept_the_decision_says_so() -> None:
    the_order = order(line("L1", "TEA", 1), line("L2", "FISH", 1))

    decision = split(the_order, rules=SplitRules(max_packages=1))

    assert not decision.ok
    assert decision.problems == ("the order needs 2 parcels, at most 1 allowed",)
    assert len(decision.shipments) == 2


# --- per shop, apportioning, errors ----------------------------------------------------------------------------


def test_each_shop_splits_by_its_own_rules() -> None:
    settings = SplitSettings(shops={JD: SplitRules(presale=PresaleMode.SHIP_COMPLETE)})
    lines = (line("L1", "TEA", 1), line("L2", "POT", 1, presale_ship_date=PRESALE))

    tmall = split(order(*lines), settings=settings)
    jd = split(order(*lines, shop=JD), settings=settings)

    assert len(tmall.shipments) == 2
    assert len(jd.shipments) == 1


def test_amounts_and_the_fee_are_apportioned_exactly() -> None:
    the_order = order(line("L1", "TEA", 3, 1_001), line("L2", "FISH", 1, 333), fee=1_001)

    decision = split(the_order, rules=SplitRules(parcels=ParcelLimits(max_weight_g=1_000)))

    assert [sl.amount.minor for s in decision.shipments for sl in s.draft.lines if sl.line_id == "L1"] == [
        334,
        334,
        333,
    ]
    assert sum(s.draft.shipping_fee.minor for s in decision.shipments) == 1_001
    assert_conserved(decision, the_order)


def test_bad_allocations_are_refused_with_the_field_named() -> None:
    the_order = order(line("L1", "TEA", 1))

    with pytest.raises(InvalidInput) as unknown:
        split(the_order, [Allocation(HZ, LineId("L9"), SkuCode("TEA"), 1)])
    with pytest.raises(InvalidInput) as too_many:
        split(the_order, [Allocation(HZ, LineId("L1"), SkuCode("TEA"), 2)])
    with pytest.raises(InvalidQuantity):
        split(the_order, [Allocation(HZ, LineId("L1"), SkuCode("TEA"), 0)])

    assert unknown.value.field == "line_id"
    assert too_many.value.field == "allocations.L1"


def test_a_sku_missing_from_the_catalog_is_an_error() -> None:
    with pytest.raises(NotFound):
        split(order(line("L1", "GHOST", 1)))


def test_split_rules_refuse_bad_limits() -> None:
    with pytest.raises(InvalidConfiguration):
        SplitRules(max_packages=0)
    with pytest.raises(InvalidConfiguration):
        SplitRules(min_shipment_value_minor=-1)
