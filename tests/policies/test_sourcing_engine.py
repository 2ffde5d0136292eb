"""The strategy engine, read as its specification: candidates, narrowed searches, ranking, tie-breaks, the
shop's split settings, required rules, traces, and the router in the pipeline."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import ClassVar

import attrs
import pytest

from merchant_world import START, STOCK, TMALL, catalog, make_platform_order, network
from omscore.adapters.system import ManualClock
from omscore.app.context import Policies
from omscore.bootstrap import in_memory
from omscore.domain import (
    Address,
    Channel,
    ExternalOrderRef,
    GeoPoint,
    InvalidConfiguration,
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
    SkuCode,
)
from omscore.domain.inventory import StockKey
from omscore.policies.merge import MergeSettings
from omscore.policies.review import ReviewSettings
from omscore.policies.routing import (
    DEFAULT_RULES,
    FINAL_TIE_BREAK,
    CandidatePlan,
    Cost,
    Distance,
    FewestShipments,
    HomeRegion,
    Presale,
    Ranking,
    Router,
    RoutingFacts,
    RoutingInputs,
    RoutingSettings,
    RoutingStrategy,
    ShipComplete,
    ShopException,
    SkuLocation,
    SourcingDecision,
    SourcingSettings,
    StorePickup,
    StrategyRouter,
    decide,
)
from omscore.policies.settings import PipelineSettings

JD = Channel("jd", "self-run")
HZ, BJ, GZ, STORE = LocationId("WH-HZ"), LocationId("WH-BJ"), LocationId("WH-GZ"), LocationId("STORE-SH")
NETWORK = Network.build(
    [
        Location(HZ, geo=GeoPoint(30.27, 120.16), priority=10),
        Location(BJ, geo=GeoPoint(39.90, 116.41), priority=20),
        Location(GZ, geo=GeoPoint(23.13, 113.26), priority=30),
        Location(STORE, kind=LocationKind.STORE, regions=("CN/Shanghai",), priority=5),
    ]
)


def order(*lines: tuple[str, int], shop: Channel = TMALL, city: tuple[str, str] = ("Zhejiang", "Hangzhou")) -> Order:
    ref = ExternalOrderRef(shop, "E1")
    return Order.receive(
        id=OrderId("O1"),
        ref=ref,
        revision=1,
        placed_at=datetime(2026, 11, 11, tzinfo=UTC),
        buyer_id="b1",
        recipient=Recipient("Lin", "13800138000", Address("CN", *city, street="1 Road")),
        lines=[
            OrderLine(LineId(f"L{n}"), SkuCode(sku), qty, Money(1000 * qty, "CNY"), ref)
            for n, (sku, qty) in enumerate(lines, 1)
        ],
        currency="CNY",
        shipping_fee=Money(500, "CNY"),
    )


def stock(table: Mapping[str, Mapping[str, int]]) -> dict[StockKey, int]:
    return {(LocationId(loc), SkuCode(sku)): n for loc, skus in table.items() for sku, n in skus.items()}


def route(
    the_order: Order,
    available: Mapping[StockKey, int],
    *rules: object,
    routing: RoutingSettings | None = None,
    **strategy: object,
) -> SourcingDecision:
    chosen = RoutingStrategy(rules=rules or DEFAULT_RULES, **strategy)  # type: ignore[arg-type]
    return decide(the_order, NETWORK, available, routing or RoutingSettings(), SourcingSettings(chosen))


def shipped(decision: SourcingDecision) -> dict[str, dict[str, int]]:
    plan: dict[str, dict[str, int]] = {}
    for a in decision.allocations:
        plan.setdefault(a.location, {})[a.line_id] = a.quantity
    return plan


# --- candidates and the default strategy ---------------------------------------------------------------------


def test_the_default_strategy_ships_complete_from_the_first_location_by_priority() -> None:
    decision = route(order(("TEA", 2)), stock({"WH-BJ": {"TEA": 5}, "WH-GZ": {"TEA": 5}}))

    assert shipped(decision) == {"WH-BJ": {"L1": 2}}
    assert decision.trace.decided_by == FINAL_TIE_BREAK


def test_a_location_that_does_not_serve_the_region_is_no_candidate() -> None:
    decision = route(order(("TEA", 1)), stock({"STORE-SH": {"TEA": 5}, "WH-GZ": {"TEA": 5}}))

    assert shipped(decision) == {"WH-GZ": {"L1": 1}}
    assert "STORE-SH" not in decision.trace.candidates
    assert any(text.startswith("STORE-SH: does not serve") for text in decision.trace.ineligible)


def test_without_enough_stock_the_decision_lists_the_shortfall_per_line() -> None:
    decision = route(order(("TEA", 3), ("CUP", 1)), stock({"WH-HZ": {"TEA": 1}, "WH-BJ": {"TEA": 1}}))

    assert not decision.complete
    assert decision.allocations == ()
    assert decision.shortfall == {"L1": 1, "L2": 1}
    assert decision.trace.decided_by == "no location can ship the order now"
    assert decision.routing_decision().shortfall == {"L1": 1, "L2": 1}


def test_a_strategy_without_store_pickup_gets_it_first_and_required() -> None:
    strategy = RoutingStrategy(rules=(FewestShipments(),))

    assert [rule.name for rule in strategy.effective_rules()] == ["store_pickup", "fewest_shipments"]
    assert StorePickup() in strategy.effective_rules()


def test_a_strategy_names_each_rule_once() -> None:
    with pytest.raises(InvalidConfiguration) as raised:
        RoutingStrategy(rules=(Distance(), FewestShipments(), Distance(granularity_km=5)))

    assert raised.value.field == "rules.2"


def test_search_limits_are_checked_and_a_time_limit_still_gives_a_plan() -> None:
    with pytest.raises(InvalidConfiguration):
        RoutingStrategy(node_limit=-1)
    with pytest.raises(InvalidConfiguration):
        RoutingStrategy(time_limit_ms=-0.5)

    decision = route(order(("TEA", 2)), stock({"WH-HZ": {"TEA": 1}, "WH-BJ": {"TEA": 1}}), time_limit_ms=0.0)

    assert shipped(decision) == {"WH-HZ": {"L1": 1}, "WH-BJ": {"L1": 1}}


def test_a_strategy_holds_only_rules() -> None:
    with pytest.raises(InvalidConfiguration):
        RoutingStrategy(rules=("distance",))  # type: ignore[arg-type]


def test_each_shop_is_routed_by_its_own_strategy() -> None:
    jd_only_beijing = RoutingStrategy(rules=(ShopException({JD: (BJ,)}, required=True),), name="jd")
    settings = SourcingSettings(shops={JD: jd_only_beijing})
    available = stock({"WH-HZ": {"TEA": 5}, "WH-BJ": {"TEA": 5}})

    tmall = decide(order(("TEA", 1)), NETWORK, available, RoutingSettings(), settings)
    jd = decide(order(("TEA", 1), shop=JD), NETWORK, available, RoutingSettings(), settings)

    assert shipped(tmall) == {"WH-HZ": {"L1": 1}}
    assert shipped(jd) == {"WH-BJ": {"L1": 1}}
    assert jd.trace.strategy == "jd"


# --- the shop's split settings ---------------------------------------------------------------------------------


def test_when_splitting_is_disabled_only_one_location_may_ship() -> None:
    available = stock({"WH-HZ": {"TEA": 1}, "WH-BJ": {"CUP": 1}})

    decision = route(order(("TEA", 1), ("CUP", 1)), available, routing=RoutingSettings(allow_split=False))

    assert not decision.complete
    assert decision.shortfall == {"L1": 1, "L2": 1}


def test_plans_beyond_the_shops_maximum_of_shipments_are_set_aside() -> None:
    available = stock({"WH-HZ": {"A": 1}, "WH-BJ": {"B": 1}, "WH-GZ": {"C": 1}})

    decision = route(order(("A", 1), ("B", 1), ("C", 1)), available, routing=RoutingSettings(max_shipments=2))

    assert not decision.complete
    assert any("3 shipments, at most 2 allowed" in text for text in decision.trace.rejected)


def test_a_line_ships_whole_from_one_location_unless_the_strategy_splits_lines() -> None:
    available = stock({"WH-HZ": {"TEA": 2}, "WH-BJ": {"TEA": 2}, "WH-GZ": {"TEA": 3}})

    divisible = route(order(("TEA", 3)), available, FewestShipments(), Distance())
    whole = route(order(("TEA", 3)), available, FewestShipments(), Distance(), split_lines=False)

    assert shipped(whole) == {"WH-GZ": {"L1": 3}}
    assert shipped(divisible) == {"WH-GZ": {"L1": 3}}
    assert route(order(("TEA", 4)), available, split_lines=False).shortfall == {"L1": 4}


# --- restrictions --------------------------------------------------------------------------------------------


def test_a_preferred_restriction_falls_back_when_no_plan_honours_it() -> None:
    available = stock({"WH-HZ": {"TEA": 5}})

    decision = route(order(("TEA", 1)), available, SkuLocation({SkuCode("TEA"): (BJ,)}))

    assert shipped(decision) == {"WH-HZ": {"L1": 1}}
    assert [step.outcome for step in decision.trace.problems if step.rule == "sku_location"] == ["no complete plan"]


def test_a_required_restriction_leaves_the_order_waiting_rather_than_break_it() -> None:
    available = stock({"WH-HZ": {"TEA": 5}})

    decision = route(order(("TEA", 1)), available, SkuLocation({SkuCode("TEA"): (BJ,)}, required=True))

    assert not decision.complete
    assert decision.trace.decided_by == "no plan honours the required rule(s) sku_location"


def test_an_earlier_restriction_is_never_given_up_for_a_later_one() -> None:
    available = stock({"WH-HZ": {"TEA": 5}, "WH-BJ": {"TEA": 5}})
    shop_first = (ShopException({TMALL: (HZ,)}), SkuLocation({SkuCode("TEA"): (BJ,)}))

    first = route(order(("TEA", 1)), available, *shop_first)
    second = route(order(("TEA", 1)), available, *reversed(shop_first))

    assert shipped(first) == {"WH-HZ": {"L1": 1}}
    assert shipped(second) == {"WH-BJ": {"L1": 1}}


def test_a_plan_that_would_take_more_than_is_available_is_set_aside() -> None:
    # Two lines of one SKU with different eligible locations are searched as two SKUs sharing one stock.
    ref = ExternalOrderRef(TMALL, "E1")
    presale = order(("TEA", 1))
    lines = (
        OrderLine(LineId("L1"), SkuCode("TEA"), 2, Money(2000, "CNY"), ref),
        OrderLine(LineId("L2"), SkuCode("TEA"), 2, Money(2000, "CNY"), ref, presale_ship_date=date(2027, 1, 1)),
    )
    presale = attrs.evolve(presale, lines=lines)
    available = stock({"WH-HZ": {"TEA": 3}, "WH-BJ": {"TEA": 2}})

    decision = route(presale, available, Presale((HZ,)), FewestShipments())

    taken: dict[tuple[str, str], int] = {}
    for a in decision.allocations:
        taken[(a.location, a.sku)] = taken.get((a.location, a.sku), 0) + a.quantity
    assert all(units <= available[(LocationId(loc), SkuCode(sku))] for (loc, sku), units in taken.items())
    assert shipped(decision)["WH-HZ"]["L2"] == 2  # the presale line from the presale location
    assert any("takes 4 of TEA at WH-HZ, 3 available" in text for text in decision.trace.rejected)


# --- ranking ---------------------------------------------------------------------------------------------------


def test_ties_fall_through_to_the_next_rule() -> None:
    available = stock({"WH-BJ": {"TEA": 5}, "WH-GZ": {"TEA": 5}})

    decision = route(order(("TEA", 1)), available, ShipComplete(), FewestShipments(), Distance())

    assert shipped(decision) == {"WH-GZ": {"L1": 1}}
    assert decision.trace.decided_by == "distance"
    outcomes = [(v.rule, v.outcome) for v in decision.trace.verdicts]
    assert outcomes == [
        ("store_pickup", "abstained"),
        ("ship_complete", "ranked"),
        ("fewest_shipments", "ranked"),
        ("distance", "ranked"),
    ]


def test_rules_after_the_deciding_one_are_not_reached() -> None:
    available = stock({"WH-HZ": {"TEA": 5}, "WH-GZ": {"CUP": 5}, "WH-BJ": {"TEA": 5, "CUP": 5}})

    decision = route(order(("TEA", 1), ("CUP", 1)), available, ShipComplete(), Distance(), Cost())

    assert shipped(decision) == {"WH-BJ": {"L1": 1, "L2": 1}}
    assert [v.outcome for v in decision.trace.verdicts][-2:] == ["not reached", "not reached"]


@attrs.frozen
class PreferGuangzhou:
    """A custom rule: anything from Guangzhou first."""

    name: ClassVar[str] = "prefer_guangzhou"

    def describe(self) -> str:
        return ""

    def rank(self, plans: Sequence[CandidatePlan], facts: RoutingFacts) -> Ranking:
        return Ranking.of((0 if GZ in p.locations else 1 for p in plans), "0 when Guangzhou ships")


def test_a_custom_rule_takes_its_place_in_the_strategy() -> None:
    available = stock({"WH-HZ": {"TEA": 5}, "WH-GZ": {"TEA": 5}})

    decision = route(order(("TEA", 1)), available, PreferGuangzhou(), ShipComplete())

    assert shipped(decision) == {"WH-GZ": {"L1": 1}}
    assert decision.trace.decided_by == "prefer_guangzhou"


# --- traces and the router -------------------------------------------------------------------------------------


def test_every_decision_explains_itself_as_text_and_as_json_ready_data() -> None:
    available = stock({"WH-HZ": {"TEA": 1}, "WH-BJ": {"TEA": 5}})

    for decision in (
        route(order(("TEA", 2)), available, ShipComplete(), Distance(), Cost()),
        route(order(("TEA", 9)), available),
    ):
        explanation = decision.routing_decision().explanation
        assert explanation.policy == "routing"
        assert explanation.summary == decision.trace.summary()
        assert decision.trace.text().startswith("[routing] ")
        assert json.loads(json.dumps(decision.trace.as_dict()))["decided_by"] == decision.trace.decided_by


def test_the_strategy_router_is_a_router() -> None:
    router: Router = StrategyRouter()
    available = stock({"WH-HZ": {"TEA": 5}})

    routed = router.route(order(("TEA", 1)), NETWORK, available, RoutingSettings())

    assert routed.complete
    assert routed.locations == ("WH-HZ",)
    assert routed.explanation.summary.startswith("ship complete from WH-HZ")


def test_the_router_passes_the_facts_it_is_given() -> None:
    router = StrategyRouter(SourcingSettings(RoutingStrategy(rules=(Presale((BJ,)),))))
    ref = ExternalOrderRef(TMALL, "E1")
    line = OrderLine(
        LineId("L1"), SkuCode("POT"), 1, Money(100, "CNY"), ref, presale_ship_date=datetime(2026, 12, 1).date()
    )
    presale = attrs.evolve(order(("POT", 1)), lines=(line,))
    available = stock({"WH-HZ": {"POT": 5}, "WH-BJ": {"POT": 5}})

    before = router.with_inputs(RoutingInputs(today=date(2026, 11, 1)))
    after = router.with_inputs(RoutingInputs(today=date(2026, 12, 1)))

    assert before.route(presale, NETWORK, available, RoutingSettings()).locations == ("WH-BJ",)
    assert after.route(presale, NETWORK, available, RoutingSettings()).locations == ("WH-HZ",)


def test_the_pipeline_routes_by_the_strategy_router_as_it_is() -> None:
    strategy = RoutingStrategy(rules=(HomeRegion(), ShipComplete()))
    quiet = PipelineSettings(review=ReviewSettings(hold_on_buyer_memo=False), merge=MergeSettings(enabled=False))
    router = StrategyRouter(SourcingSettings(strategy))
    system = in_memory(clock=ManualClock(START), settings=quiet, policies=Policies(router=router))
    system.oms.load_master_data(catalog(), network(), STOCK)

    intake = system.oms.ingest(make_platform_order("E1", ("L-TEA", 1, 3000)))
    system.oms.process(release=False)

    [shipment] = system.oms.shipments(intake.order_id)
    assert shipment.location == "STORE-HZ"  # the baseline would ship from WH-EAST, first by priority
