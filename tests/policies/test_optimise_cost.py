"""Cheapest sourcing: the plan minimises fixed plus unit costs (ties: fewer shipments, lower rank sum, earlier
locations), never overdraws stock, and reports a lower bound it has proven."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain.errors import InvalidInput
from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.network import Location
from omscore.policies.optimise import CostModel, DemandLine, Limit, min_cost

Stock = dict[LocationId, dict[SkuCode, int]]
W = LocationId


def line(line_id: str, sku: str, quantity: int) -> DemandLine:
    return DemandLine(LineId(line_id), SkuCode(sku), quantity)


def stock(**locations: dict[str, int]) -> Stock:
    return {LocationId(loc): {SkuCode(s): q for s, q in skus.items()} for loc, skus in locations.items()}


# --- specification ---------------------------------------------------------------------------------------------


def test_two_cheap_shipments_beat_one_expensive_location() -> None:
    lines = [line("L1", "A", 1), line("L2", "B", 1)]
    where = stock(W1={"A": 1, "B": 1}, W2={"A": 1}, W3={"B": 1})
    costs = CostModel(shipment={W("W1"): 100, W("W2"): 10, W("W3"): 10}, unit={W("W1"): 1, W("W2"): 1, W("W3"): 1})

    plan = min_cost(lines, where, costs)

    assert plan.locations == ("W2", "W3")
    assert plan.cost == 22
    assert plan.optimal
    assert plan.trace.lower_bound == 22


def test_unit_costs_per_sku_override_the_location_default() -> None:
    lines = [line("L1", "A", 3)]
    where = stock(W1={"A": 5}, W2={"A": 5})
    costs = CostModel(unit={W("W1"): 1, W("W2"): 5}, unit_by_sku={(W("W1"), SkuCode("A")): 9})

    plan = min_cost(lines, where, costs)

    assert plan.locations == ("W2",)
    assert plan.cost == 15


def test_equal_costs_prefer_fewer_shipments() -> None:
    lines = [line("L1", "A", 1), line("L2", "B", 1)]
    where = stock(W1={"A": 1}, W2={"B": 1}, W3={"A": 1, "B": 1})
    costs = CostModel(shipment={W("W1"): 0, W("W2"): 0, W("W3"): 0})

    plan = min_cost(lines, where, costs)

    assert plan.locations == ("W3",)
    assert plan.trace.tie_break.decided_by in (None, "shipments")


def test_costs_can_come_from_the_locations() -> None:
    costs = CostModel.from_locations([Location(W("W1"), cost_per_shipment_minor=700, cost_per_unit_minor=30)])

    assert costs.shipment_cost(W("W1")) == 700
    assert costs.unit_cost(W("W1"), SkuCode("A")) == 30


def test_lines_no_location_can_ship_whole_are_short() -> None:
    plan = min_cost([line("L1", "A", 9), line("L2", "B", 1)], stock(W1={"A": 2, "B": 1}), CostModel())

    assert [(s.line_id, s.quantity) for s in plan.shortfalls] == [("L1", 9)]
    assert plan.locations == ("W1",)


def test_a_node_limit_of_zero_keeps_the_heuristic_plan_and_a_proven_bound() -> None:
    rng = random.Random(7)
    skus = [f"S{k}" for k in range(12)]
    lines = [line(f"L{k}", sku, rng.randint(1, 3)) for k, sku in enumerate(skus)]
    where = stock(**{f"W{i}": {s: rng.randint(0, 4) for s in skus if rng.random() < 0.4} for i in range(20)})
    costs = CostModel(
        shipment={W(f"W{i}"): rng.randint(500, 1000) for i in range(20)},
        unit={W(f"W{i}"): rng.randint(50, 300) for i in range(20)},
    )

    quick = min_cost(lines, where, costs, node_limit=0)
    exact = min_cost(lines, where, costs, time_limit_ms=None)

    assert quick.trace.limit_hit is Limit.NODES
    assert not quick.optimal
    assert quick.trace.lower_bound <= exact.cost <= quick.cost  # type: ignore[operator]
    assert exact.optimal


def test_bad_costs_and_gaps_are_refused() -> None:
    with pytest.raises(InvalidInput, match="shipment"):
        CostModel(shipment={W("W1"): -1})
    with pytest.raises(InvalidInput, match="gap"):
        min_cost([line("L1", "A", 1)], stock(W1={"A": 1}), CostModel(), gap=1.5)


# --- properties --------------------------------------------------------------------------------------------------


@st.composite
def priced_orders(draw: st.DrawFn, max_locations: int = 6) -> tuple[list[DemandLine], Stock, CostModel, dict[W, int]]:
    n = draw(st.integers(1, 5))
    skus = [draw(st.sampled_from("ABCDEF")) for _ in range(n)]
    lines = [line(f"L{j}", skus[j], draw(st.integers(1, 3))) for j in range(n)]
    m = draw(st.integers(1, max_locations))
    names = [W(f"W{i}") for i in range(m)]
    where: Stock = {}
    for loc in names:
        held = draw(st.dictionaries(st.sampled_from(sorted(set(skus))), st.integers(0, 5)))
        where[loc] = {SkuCode(s): q for s, q in held.items()}
    small = st.integers(0, 4)
    costs = CostModel(
        shipment={loc: draw(st.sampled_from([0, 5, 10, 20])) for loc in names},
        unit={loc: draw(small) for loc in names},
        unit_by_sku=draw(
            st.dictionaries(st.tuples(st.sampled_from(names), st.sampled_from(sorted(set(skus)))), small, max_size=3)
        ),
    )
    ranks = draw(st.dictionaries(st.sampled_from(names), st.integers(0, 2)))
    return lines, where, costs, ranks


def _plan_cost(lines: list[DemandLine], where: Stock, costs: CostModel, chosen: tuple[W, ...]) -> int | None:
    """Cheapest way to ship every line whole from ``chosen`` using each of them, by enumeration per SKU."""
    total = sum(costs.shipment_cost(loc) for loc in chosen)
    used: set[W] = set()
    by_sku: dict[SkuCode, list[DemandLine]] = {}
    for ln in lines:
        by_sku.setdefault(ln.sku, []).append(ln)
    for sku, group in by_sku.items():
        best: tuple[int, set[W]] | None = None
        for places in itertools.product(chosen, repeat=len(group)):
            load: dict[W, int] = {}
            for ln, loc in zip(group, places, strict=True):
                load[loc] = load.get(loc, 0) + ln.quantity
            if any(units > where[loc].get(sku, 0) for loc, units in load.items()):
                continue
            value = sum(costs.unit_cost(loc, sku) * ln.quantity for ln, loc in zip(group, places, strict=True))
            if best is None or value < best[0]:
                best = (value, set(places))
        if best is None:
            return None
        total += best[0]
        used |= best[1]
    return total if used == set(chosen) else None


@settings(max_examples=120, deadline=None)
@given(priced_orders())
def test_the_plan_costs_what_brute_force_finds_and_the_tie_break_holds(
    order: tuple[list[DemandLine], Stock, CostModel, dict[W, int]],
) -> None:
    lines, where, costs, ranks = order
    plan = min_cost(lines, where, costs, rank=ranks, time_limit_ms=None)
    if not plan.complete:
        return
    positions = sorted(where, key=lambda loc: (ranks.get(loc, 0), loc))
    best: tuple[int, int, int, list[int]] | None = None
    for size in range(1, min(len(positions), len(lines)) + 1):
        for chosen in itertools.combinations(positions, size):
            value = _plan_cost(lines, where, costs, chosen)
            if value is None:
                continue
            key = (value, size, sum(ranks.get(loc, 0) for loc in chosen), [positions.index(c) for c in chosen])
            if best is None or key < best:
                best = key
    assert best is not None
    assert plan.cost == best[0]
    assert [positions.index(loc) for loc in plan.locations] == best[3]
    assert plan.optimal


@settings(max_examples=100, deadline=None)
@given(priced_orders(max_locations=9), st.randoms(use_true_random=False), st.integers(0, 4))
def test_plans_respect_stock_conserve_units_and_ignore_input_order(
    order: tuple[list[DemandLine], Stock, CostModel, dict[W, int]], rng: random.Random, nodes: int
) -> None:
    lines, where, costs, ranks = order
    plan = min_cost(lines, where, costs, rank=ranks, time_limit_ms=None)
    cut = min_cost(lines, where, costs, rank=ranks, node_limit=nodes)
    shuffled = list(lines)
    rng.shuffle(shuffled)
    names = list(where)
    rng.shuffle(names)
    again = min_cost(shuffled, {loc: where[loc] for loc in names}, costs, rank=ranks, time_limit_ms=None)

    assert again.allocations == plan.allocations
    for result in (plan, cut):
        assert result.cost is not None
        taken: dict[tuple[str, str], int] = {}
        for a in result.allocations:
            taken[a.location, a.sku] = taken.get((a.location, a.sku), 0) + a.quantity
        assert all(units <= where[W(loc)].get(SkuCode(sku), 0) for (loc, sku), units in taken.items())
        served = {a.line_id: a.quantity for a in result.allocations}
        short = {s.line_id: s.quantity for s in result.shortfalls}
        assert all(served.get(ln.line, 0) + short.get(ln.line, 0) == ln.quantity for ln in lines)
        assert len(served) == len(result.allocations)
        assert result.trace.lower_bound <= plan.cost  # type: ignore[operator]
    assert plan.cost <= cut.cost  # type: ignore[operator]
    assert cut.optimal == (cut.trace.limit_hit is None)
