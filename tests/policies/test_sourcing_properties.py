"""Properties of routing by strategy, over generated networks, stock, orders and strategies: no plan takes more
than is available, a complete plan serves every unit exactly once, the same input listed in any order gives
the same decision, every decision explains itself, and the fewest-shipments strategy never does worse than the
greedy baseline."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain import (
    Address,
    Channel,
    ExternalOrderRef,
    GeoPoint,
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
from omscore.policies.routing import (
    DEFAULT_RULES,
    Cost,
    DailyCapacity,
    Distance,
    DropShip,
    FewestShipments,
    HomeRegion,
    KeepKits,
    MinShipmentValue,
    Presale,
    PriorityRouter,
    RoutingInputs,
    RoutingSettings,
    RoutingStrategy,
    Rule,
    SafetyStock,
    ShipComplete,
    ShopException,
    SkuLocation,
    SourcingDecision,
    SourcingSettings,
    decide,
)

SHOP = Channel("tmall", "flagship")
SKUS = [SkuCode(s) for s in "ABCD"]
LOCATIONS = [LocationId(f"W{n}") for n in range(5)]
TODAY = date(2026, 11, 11)


@attrs.frozen
class World:
    network: Network
    order: Order
    available: Mapping[StockKey, int]
    strategy: RoutingStrategy
    routing: RoutingSettings
    inputs: RoutingInputs


@st.composite
def locations(draw: st.DrawFn) -> list[Location]:
    count = draw(st.integers(1, 5))
    built = []
    for loc in LOCATIONS[:count]:
        geo = draw(st.none() | st.builds(GeoPoint, st.integers(20, 45), st.integers(100, 125)))
        built.append(
            Location(
                loc,
                kind=draw(st.sampled_from([LocationKind.WAREHOUSE, LocationKind.WAREHOUSE, LocationKind.SUPPLIER])),
                geo=geo,
                regions=draw(st.sampled_from([(), (), ("CN/Zhejiang",), ("CN/Beijing",)])),
                priority=draw(st.integers(0, 3)),
                daily_capacity=draw(st.none() | st.integers(0, 3)),
                cost_per_shipment_minor=draw(st.integers(0, 900)),
                cost_per_unit_minor=draw(st.integers(0, 90)),
            )
        )
    return built


@st.composite
def order_lines(draw: st.DrawFn) -> list[OrderLine]:
    ref = ExternalOrderRef(SHOP, "E1")
    count = draw(st.integers(1, 5))
    lines = []
    for n in range(count):
        quantity = draw(st.integers(1, 3))
        presale = draw(st.sampled_from([None, None, None, date(2026, 12, 1)]))
        lines.append(
            OrderLine(
                LineId(f"L{n}"),
                draw(st.sampled_from(SKUS)),
                quantity,
                Money(draw(st.integers(0, 5_000)), "CNY"),
                ref,
                presale_ship_date=presale,
            )
        )
    return lines


def rule_pool(draw: st.DrawFn, locs: Sequence[LocationId]) -> list[Rule]:
    some = st.lists(st.sampled_from(locs), min_size=1, max_size=2, unique=True).map(tuple)
    return [
        ShipComplete(),
        FewestShipments(),
        Distance(granularity_km=draw(st.sampled_from([1, 100]))),
        Cost(default_per_kg_minor=draw(st.integers(0, 100))),
        MinShipmentValue(draw(st.integers(0, 3_000))),
        ShopException({SHOP: draw(some)}, required=draw(st.booleans())),
        SkuLocation({draw(st.sampled_from(SKUS)): draw(some)}, required=draw(st.booleans())),
        HomeRegion(),
        Presale(draw(st.sampled_from([(), *[(loc,) for loc in locs]]))),
        DropShip(),
        SafetyStock(default=draw(st.integers(0, 2))),
        DailyCapacity(),
        KeepKits(),
    ]


@st.composite
def worlds(draw: st.DrawFn, rules: Sequence[Rule] | None = None) -> World:
    locs = draw(locations())
    lines = draw(order_lines())
    available = {(loc.id, sku): draw(st.integers(-1, 6)) for loc in locs for sku in SKUS if draw(st.booleans())}
    if rules is None:
        pool = rule_pool(draw, [loc.id for loc in locs])
        rules = draw(st.lists(st.sampled_from(pool), max_size=5, unique_by=lambda rule: rule.name))
    the_order = Order.receive(
        id=OrderId("O1"),
        ref=ExternalOrderRef(SHOP, "E1"),
        revision=1,
        placed_at=datetime(2026, 11, 11, tzinfo=UTC),
        buyer_id="b1",
        recipient=Recipient("Lin", "138", Address("CN", "Zhejiang", "Hangzhou", street="1 Road")),
        lines=lines,
        currency="CNY",
        shipping_fee=Money(500, "CNY"),
    )
    return World(
        network=Network.build(locs),
        order=the_order,
        available=available,
        strategy=RoutingStrategy(rules=rules, split_lines=draw(st.booleans())),
        routing=draw(st.sampled_from([RoutingSettings(), RoutingSettings(max_shipments=2)])),
        inputs=RoutingInputs(shipments_today={loc.id: draw(st.integers(0, 3)) for loc in locs}, today=TODAY),
    )


def run(world: World) -> SourcingDecision:
    return decide(
        world.order, world.network, world.available, world.routing, SourcingSettings(world.strategy), world.inputs
    )


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_no_plan_takes_more_than_is_available_and_a_plan_serves_every_unit_once(world: World) -> None:
    decision = run(world)

    taken: dict[StockKey, int] = {}
    for a in decision.allocations:
        taken[(a.location, a.sku)] = taken.get((a.location, a.sku), 0) + a.quantity
        assert a.quantity > 0
    assert all(units <= max(0, world.available.get(key, 0)) for key, units in taken.items())
    served: dict[str, int] = {}
    for a in decision.allocations:
        served[a.line_id] = served.get(a.line_id, 0) + a.quantity
    if decision.complete:
        assert served == {line.id: line.quantity for line in world.order.lines}
        assert decision.shortfall == {}
    else:
        assert decision.allocations == ()
        assert decision.shortfall
        assert all(0 < qty <= world.order.line(line_id).quantity for line_id, qty in decision.shortfall.items())


@settings(max_examples=100, deadline=None)
@given(worlds(), st.randoms(use_true_random=False))
def test_the_same_input_in_any_order_gives_the_same_decision(world: World, rnd: random.Random) -> None:
    lines = list(world.order.lines)
    rnd.shuffle(lines)
    locs = list(world.network.locations.values())
    rnd.shuffle(locs)
    stock = list(world.available.items())
    rnd.shuffle(stock)
    shuffled = attrs.evolve(
        world, order=attrs.evolve(world.order, lines=tuple(lines)), network=Network.build(locs), available=dict(stock)
    )

    first, second = run(world), run(shuffled)

    assert first.allocations == second.allocations
    assert first.shortfall == second.shortfall
    assert first.trace.as_dict() == second.trace.as_dict()


@settings(max_examples=100, deadline=None)
@given(worlds())
def test_every_decision_carries_its_trace(world: World) -> None:
    decision = run(world)
    trace = decision.trace

    assert decision.routing_decision().explanation.policy == "routing"
    assert trace.text().startswith("[routing] ")
    assert json.loads(json.dumps(trace.as_dict())) == trace.as_dict()
    assert (trace.chosen is None) == (decision.plan is None)
    if trace.chosen is not None:
        chosen = next(p for p in trace.plans if p.label == trace.chosen)
        assert chosen.allocations == decision.allocations
    assert trace.decided_by


@settings(max_examples=200, deadline=None)
@given(st.one_of(worlds(rules=DEFAULT_RULES), worlds(rules=(FewestShipments(),))))
def test_the_exact_plan_never_needs_more_shipments_than_the_greedy_baseline(world: World) -> None:
    divisible = attrs.evolve(world, strategy=attrs.evolve(world.strategy, split_lines=True))

    decision = run(divisible)
    baseline = PriorityRouter().route(world.order, world.network, world.available, world.routing)

    if baseline.complete:
        assert decision.plan is not None
        assert decision.plan.shipments <= len(baseline.locations)
