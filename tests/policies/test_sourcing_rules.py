"""Each built-in routing rule on its own: what it ranks, when it abstains, how it narrows the search, and the
parameters it refuses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

import pytest

from omscore.domain import (
    Address,
    Catalog,
    Channel,
    ExternalOrderRef,
    GeoPoint,
    InvalidConfiguration,
    Kit,
    KitComponent,
    LineId,
    Location,
    LocationId,
    LocationKind,
    Money,
    Network,
    Order,
    OrderId,
    OrderLine,
    Recipient,
    Sku,
    SkuCode,
)
from omscore.policies.optimise import Allocation
from omscore.policies.routing import (
    BUILT_IN_RULES,
    CandidatePlan,
    Centroids,
    Cost,
    DailyCapacity,
    Distance,
    DropShip,
    FewestShipments,
    HomeRegion,
    KeepKits,
    MinShipmentValue,
    Presale,
    Restriction,
    RoutingFacts,
    RoutingInputs,
    SafetyStock,
    ShipComplete,
    ShopException,
    SkuLocation,
    SourcingProblem,
    StorePickup,
)

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "self-run")
HZ, BJ, STORE, SUP = LocationId("WH-HZ"), LocationId("WH-BJ"), LocationId("STORE-HZ"), LocationId("SUP-YX")
NETWORK = Network.build(
    [
        Location(HZ, geo=GeoPoint(30.27, 120.16), priority=10, cost_per_shipment_minor=900, cost_per_unit_minor=50),
        Location(BJ, geo=GeoPoint(39.90, 116.41), priority=20, cost_per_shipment_minor=600, daily_capacity=10),
        Location(STORE, kind=LocationKind.STORE, regions=("CN/Zhejiang/Hangzhou",), priority=30),
        Location(SUP, kind=LocationKind.SUPPLIER, priority=90),
    ]
)
REF = ExternalOrderRef(TMALL, "E1")


def line(line_id: str, sku: str, quantity: int, **extra: object) -> OrderLine:
    return OrderLine(LineId(line_id), SkuCode(sku), quantity, Money(1000 * quantity, "CNY"), REF, **extra)  # type: ignore[arg-type]


def facts(
    *lines: OrderLine,
    available: Mapping[tuple[str, str], int] | None = None,
    inputs: RoutingInputs | None = None,
    shop: Channel = TMALL,
    pickup: str | None = None,
    geo: GeoPoint | None = None,
    city: tuple[str, str] = ("Zhejiang", "Hangzhou"),
) -> RoutingFacts:
    ref = ExternalOrderRef(shop, "E1")
    the_order = Order.receive(
        id=OrderId("O1"),
        ref=ref,
        revision=1,
        placed_at=datetime(2026, 11, 11, tzinfo=UTC),
        buyer_id="b1",
        recipient=Recipient("Lin", "138", Address("CN", *city, street="1 Road", geo=geo)),
        lines=lines or (line("L1", "TEA", 1),),
        currency="CNY",
        shipping_fee=Money(0, "CNY"),
        pickup_location=None if pickup is None else LocationId(pickup),
    )
    stock = {(LocationId(loc), SkuCode(sku)): n for (loc, sku), n in (available or {}).items()}
    return RoutingFacts.of(the_order, NETWORK, stock, inputs or RoutingInputs())


def plan(*parts: tuple[str, str, str, int]) -> CandidatePlan:
    return CandidatePlan(
        tuple(sorted(Allocation(LocationId(loc), LineId(ln), SkuCode(sku), n) for loc, ln, sku, n in parts))
    )


def ranks(rule: object, plans: Sequence[CandidatePlan], the_facts: RoutingFacts) -> tuple[int, ...] | None:
    return rule.rank(plans, the_facts).ranks  # type: ignore[attr-defined, no-any-return]


AT_HZ = plan(("WH-HZ", "L1", "TEA", 1))
AT_BJ = plan(("WH-BJ", "L1", "TEA", 1))
AT_STORE = plan(("STORE-HZ", "L1", "TEA", 1))
AT_SUP = plan(("SUP-YX", "L1", "TEA", 1))


def test_every_built_in_rule_has_a_unique_name_and_ranks() -> None:
    assert sorted(BUILT_IN_RULES) == [
        "capacity",
        "cost",
        "distance",
        "drop_ship",
        "fewest_shipments",
        "home_region",
        "keep_kits",
        "min_shipment_value",
        "presale",
        "safety_stock",
        "ship_complete",
        "shop_exception",
        "sku_location",
        "store_pickup",
    ]
    assert all(rule().name == name for name, rule in BUILT_IN_RULES.items())


@pytest.mark.parametrize(
    "rule",
    [
        StorePickup(),
        ShopException(),
        SkuLocation(),
        HomeRegion(),
        Presale(),
        DropShip(),
        SafetyStock(),
        DailyCapacity(),
        KeepKits(),
    ],
)
def test_restricting_rules_are_restrictions(rule: object) -> None:
    assert isinstance(rule, Restriction)


# --- store pickup and shop exception ---------------------------------------------------------------------------


def test_store_pickup_ranks_units_not_from_the_store_and_abstains_without_one() -> None:
    pickup = facts(pickup="STORE-HZ")

    assert ranks(StorePickup(), [AT_STORE, AT_HZ], pickup) == (0, 1)
    assert ranks(StorePickup(), [AT_HZ], facts()) is None
    narrowed = StorePickup().restrict(SourcingProblem.base(pickup), pickup)
    assert narrowed is not None
    assert narrowed.allowed == {"L1": frozenset({STORE})}


def test_shop_exception_applies_to_the_shops_it_names() -> None:
    rule = ShopException({JD: (BJ,)})

    assert ranks(rule, [AT_HZ, AT_BJ], facts(shop=JD)) == (1, 0)
    assert ranks(rule, [AT_HZ, AT_BJ], facts(shop=TMALL)) is None
    assert rule.restrict(SourcingProblem.base(facts()), facts()) is None


def test_an_exception_names_at_least_one_location() -> None:
    with pytest.raises(InvalidConfiguration):
        ShopException({JD: ()})


# --- SKU locations, home region, presale -----------------------------------------------------------------------


def test_sku_location_counts_units_of_listed_skus_elsewhere() -> None:
    two = facts(line("L1", "TEA", 2), line("L2", "CUP", 1))
    rule = SkuLocation({SkuCode("TEA"): (BJ,)})
    split = plan(("WH-BJ", "L1", "TEA", 1), ("WH-HZ", "L1", "TEA", 1), ("WH-HZ", "L2", "CUP", 1))

    assert ranks(rule, [split], two) == (1,)
    assert ranks(SkuLocation({SkuCode("POT"): (BJ,)}), [split], two) is None
    narrowed = rule.restrict(SourcingProblem.base(two), two)
    assert narrowed is not None
    assert narrowed.allowed[LineId("L1")] == frozenset({BJ})
    assert narrowed.allowed[LineId("L2")] == frozenset({HZ, BJ, STORE, SUP})


def test_home_region_takes_the_most_specific_entry_of_its_table() -> None:
    rule = HomeRegion({"CN/Zhejiang": (BJ,), "CN/Zhejiang/Hangzhou": (HZ,), "CN/Jiangsu": (SUP,)})

    assert rule.home(facts()) == (HZ,)
    assert rule.home(facts(city=("Zhejiang", "Ningbo"))) == (BJ,)
    assert rule.home(facts(city=("Beijing", "Beijing"))) == ()


def test_without_a_table_home_is_where_a_location_names_the_region() -> None:
    assert HomeRegion().home(facts()) == (STORE,)
    assert ranks(HomeRegion(), [AT_STORE, AT_HZ], facts()) == (0, 1)
    assert ranks(HomeRegion(), [AT_HZ], facts(city=("Zhejiang", "Ningbo"))) is None


def test_a_line_is_presale_until_its_date() -> None:
    pot = line("L1", "POT", 1, presale_ship_date=date(2026, 12, 1))
    at_bj = plan(("WH-BJ", "L1", "POT", 1))

    assert ranks(Presale((BJ,)), [at_bj, plan(("WH-HZ", "L1", "POT", 1))], facts(pot)) == (0, 1)
    on_the_day = facts(pot, inputs=RoutingInputs(today=date(2026, 12, 1)))
    assert ranks(Presale((BJ,)), [at_bj], on_the_day) is None


def test_without_locations_presale_lines_are_kept_together() -> None:
    pots = facts(
        line("L1", "POT", 1, presale_ship_date=date(2026, 12, 1)),
        line("L2", "CUP", 1, presale_ship_date=date(2026, 12, 5)),
    )
    together = plan(("WH-BJ", "L1", "POT", 1), ("WH-BJ", "L2", "CUP", 1))
    apart = plan(("WH-BJ", "L1", "POT", 1), ("WH-HZ", "L2", "CUP", 1))

    assert ranks(Presale(), [together, apart], pots) == (0, 1)
    assert Presale().restrict(SourcingProblem.base(pots), pots) is None


# --- suppliers, safety stock, capacity, kits ---------------------------------------------------------------------


def test_a_supplier_ships_only_what_own_locations_cannot_cover() -> None:
    own_has_it = facts(available={("WH-HZ", "TEA"): 1, ("SUP-YX", "TEA"): 9})
    own_short = facts(line("L1", "TEA", 2), available={("WH-HZ", "TEA"): 1, ("SUP-YX", "TEA"): 9})

    assert ranks(DropShip(), [AT_HZ, AT_SUP], own_has_it) == (0, 1)
    assert ranks(DropShip(), [plan(("SUP-YX", "L1", "TEA", 2))], own_short) == (0,)


def test_drop_ship_abstains_without_a_supplier_among_the_candidates() -> None:
    far = facts(city=("Beijing", "Beijing"))  # every location serves everywhere but the store

    assert ranks(DropShip(), [AT_HZ], far) == (0,)
    hangzhou_only = Network.build([Location(HZ), Location(BJ)])
    the_facts = facts()
    no_supplier = RoutingFacts.of(the_facts.order, hangzhou_only, {}, RoutingInputs())
    assert ranks(DropShip(), [AT_HZ], no_supplier) is None


def test_safety_stock_levels_take_precedence_over_location_and_default() -> None:
    rule = SafetyStock(levels={(HZ, SkuCode("TEA")): 1}, by_location={HZ: 3, BJ: 2}, default=4)

    assert rule.kept_back(HZ, SkuCode("TEA")) == 1
    assert rule.kept_back(HZ, SkuCode("CUP")) == 3
    assert rule.kept_back(SUP, SkuCode("CUP")) == 4


def test_safety_stock_counts_units_taken_from_what_is_kept_back() -> None:
    the_facts = facts(line("L1", "TEA", 3), available={("WH-HZ", "TEA"): 4})
    rule = SafetyStock(by_location={HZ: 2})

    assert ranks(rule, [plan(("WH-HZ", "L1", "TEA", 3))], the_facts) == (1,)
    assert ranks(SafetyStock(), [AT_HZ], the_facts) is None
    narrowed = rule.restrict(SourcingProblem.base(the_facts), the_facts)
    assert narrowed is not None
    assert narrowed.stock[HZ] == {"TEA": 2}


def test_capacity_counts_shipments_at_full_locations() -> None:
    busy = facts(inputs=RoutingInputs(shipments_today={BJ: 10}))

    assert ranks(DailyCapacity(), [AT_HZ, AT_BJ], busy) == (0, 1)
    assert ranks(DailyCapacity({BJ: 11}), [AT_BJ], busy) == (0,)
    assert ranks(DailyCapacity(), [AT_HZ], facts(city=("Beijing", "Beijing"))) == (0,)
    assert DailyCapacity().restrict(SourcingProblem.base(facts()), facts()) is None


def test_capacity_abstains_when_no_candidate_has_one() -> None:
    unlimited = RoutingFacts.of(facts().order, Network.build([Location(HZ)]), {}, RoutingInputs())

    assert ranks(DailyCapacity(), [AT_HZ], unlimited) is None


def test_kits_stay_whole_unless_the_catalog_lets_them_split() -> None:
    lines = (
        line("K1", "POT", 1, kit="SET", kit_instance="1"),
        line("K2", "CUP", 2, kit="SET", kit_instance="1"),
    )
    apart = plan(("WH-HZ", "K1", "POT", 1), ("WH-BJ", "K2", "CUP", 2))
    sku = [Sku(SkuCode("POT")), Sku(SkuCode("CUP"))]
    components = (KitComponent(SkuCode("POT"), 1), KitComponent(SkuCode("CUP"), 2))
    splittable = Catalog.build(sku, [Kit("SET", components, splittable=True)])

    assert ranks(KeepKits(), [apart], facts(*lines)) == (1,)
    assert ranks(KeepKits(), [apart], facts(*lines, inputs=RoutingInputs(catalog=splittable))) is None
    narrowed = KeepKits().restrict(SourcingProblem.base(facts(*lines)), facts(*lines))
    assert narrowed is not None
    assert narrowed.together == (("K1", "K2"),)


# --- preferences -----------------------------------------------------------------------------------------------


def test_ship_complete_and_fewest_shipments_count_locations() -> None:
    split = plan(("WH-HZ", "L1", "TEA", 1), ("WH-BJ", "L2", "CUP", 1), ("SUP-YX", "L3", "POT", 1))

    assert ranks(ShipComplete(), [AT_HZ, split], facts()) == (0, 1)
    assert ranks(FewestShipments(), [AT_HZ, split], facts()) == (1, 3)


def test_distance_uses_the_address_point_else_the_region_centroid() -> None:
    at_hangzhou = facts(geo=GeoPoint(30.27, 120.16))

    assert ranks(Distance(), [AT_HZ, AT_BJ], at_hangzhou) == (0, 1124)
    by_city = Distance().rank([AT_HZ], facts())
    assert by_city.ranks == (1,)
    assert "centroid of cn/zhejiang/hangzhou" in by_city.measure
    assert ranks(Distance(granularity_km=100), [AT_BJ], at_hangzhou) == (11,)


def test_a_location_without_a_point_ranks_after_every_location_with_one() -> None:
    assert ranks(Distance(), [AT_STORE, AT_BJ], facts()) == (25_000, 1123)


def test_distance_abstains_for_an_address_it_cannot_place() -> None:
    nowhere = facts(city=("Atlantis", "Poseidonia"))

    assert ranks(Distance(), [AT_HZ], nowhere) is None
    mapped = Distance(centroids=Centroids({"CN/Atlantis": GeoPoint(30.27, 120.16)}))
    assert ranks(mapped, [AT_HZ], nowhere) == (0,)


def test_cost_counts_fixed_unit_and_weight_costs_in_thousandths() -> None:
    heavy = Catalog.build([Sku(SkuCode("TEA"), weight_g=1_500)])
    two = facts(line("L1", "TEA", 2), inputs=RoutingInputs(catalog=heavy))
    at_hz = plan(("WH-HZ", "L1", "TEA", 2))

    assert ranks(Cost(), [at_hz], two) == (1000 * 900 + 2 * 1000 * 50,)
    assert ranks(Cost(default_per_kg_minor=100), [at_hz], two) == (1000 * 900 + 2 * (1000 * 50 + 1_500 * 100),)
    assert ranks(Cost(shipment_minor={HZ: 0}, unit_minor={HZ: 1}), [at_hz], two) == (2000,)


def test_cost_refuses_a_gap_outside_zero_to_one_and_negative_costs() -> None:
    with pytest.raises(InvalidConfiguration):
        Cost(gap=1.0)
    with pytest.raises(InvalidConfiguration):
        Cost(unit_minor={HZ: -1})


def test_min_shipment_value_counts_shipments_below_the_minimum() -> None:
    two = facts(line("L1", "TEA", 1), line("L2", "CUP", 3))
    split = plan(("WH-HZ", "L1", "TEA", 1), ("WH-BJ", "L2", "CUP", 3))

    assert ranks(MinShipmentValue(2_000), [split], two) == (1,)
    assert ranks(MinShipmentValue(1_000), [split], two) == (0,)
    assert ranks(MinShipmentValue(0), [split], two) is None


@pytest.mark.parametrize(
    "build",
    [
        lambda: Distance(granularity_km=0),
        lambda: Distance(unknown_km=-1),
        lambda: SafetyStock(default=-1),
        lambda: SafetyStock(levels={(HZ, SkuCode("TEA")): -1}),
        lambda: DailyCapacity({HZ: -1}),
        lambda: MinShipmentValue(-5),
        lambda: SkuLocation({SkuCode("TEA"): ()}),
    ],
)
def test_rules_refuse_bad_parameters(build: object) -> None:
    with pytest.raises(InvalidConfiguration):
        build()  # type: ignore[operator]


def test_a_narrowed_problem_admits_only_the_plans_that_honour_it() -> None:
    the_facts = facts(
        line("K1", "POT", 1, kit="SET", kit_instance="1"),
        line("K2", "CUP", 1, kit="SET", kit_instance="1"),
        available={("WH-HZ", "POT"): 1, ("WH-HZ", "CUP"): 1, ("WH-BJ", "CUP"): 1},
    )
    base = SourcingProblem.base(the_facts)
    whole = KeepKits().restrict(base, the_facts)
    together = plan(("WH-HZ", "K1", "POT", 1), ("WH-HZ", "K2", "CUP", 1))
    apart = plan(("WH-HZ", "K1", "POT", 1), ("WH-BJ", "K2", "CUP", 1))

    assert whole is not None
    assert base.admits(apart)
    assert whole.admits(together)
    assert not whole.admits(apart)
    assert not base.admits(plan(("WH-BJ", "K1", "POT", 1), ("WH-BJ", "K2", "CUP", 1)))  # no POT at Beijing
