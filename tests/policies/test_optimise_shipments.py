"""Fewest shipments: the plan serves the order from as few locations as possible, never takes more stock than
there is, keeps every unit in exactly one place, and does not depend on the order of its input."""

from __future__ import annotations

import itertools
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain.errors import InvalidInput, InvalidQuantity
from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.policies.optimise import (
    DemandLine,
    DropReason,
    Limit,
    SourcingPlan,
    min_shipments,
    ranks_of,
    stock_by_location,
)

Stock = dict[LocationId, dict[SkuCode, int]]


def line(line_id: str, sku: str, quantity: int) -> DemandLine:
    return DemandLine(LineId(line_id), SkuCode(sku), quantity)


def stock(**locations: dict[str, int]) -> Stock:
    return {LocationId(loc): {SkuCode(s): q for s, q in skus.items()} for loc, skus in locations.items()}


# --- specification ---------------------------------------------------------------------------------------------


def test_one_location_that_holds_everything_ships_the_whole_order() -> None:
    plan = min_shipments([line("L1", "A", 1), line("L2", "B", 2)], stock(W1={"A": 1}, W2={"A": 5, "B": 5}))

    assert plan.locations == ("W2",)
    assert plan.complete
    assert plan.optimal


GREEDY_TRAP = (
    # Two rows cover the order; greedy takes the biggest column first and then needs two more columns.
    [line(f"L{k}", f"S{k}", 1) for k in range(1, 15)],
    stock(
        R1={f"S{k}": 1 for k in range(1, 8)},
        R2={f"S{k}": 1 for k in range(8, 15)},
        S1={"S1": 1, "S8": 1},
        S2={"S2": 1, "S3": 1, "S9": 1, "S10": 1},
        S3={f"S{k}": 1 for k in (4, 5, 6, 7, 11, 12, 13, 14)},
    ),
)


def test_the_search_beats_greedy_where_greedy_takes_the_biggest_location_first() -> None:
    plan = min_shipments(*GREEDY_TRAP)

    assert plan.locations == ("R1", "R2")
    assert plan.trace.heuristic_value == 3
    assert plan.optimal


def test_divisible_lines_are_split_only_when_no_chosen_location_has_enough() -> None:
    plan = min_shipments(
        [line("L1", "A", 5), line("L2", "B", 1)], stock(W1={"A": 3, "B": 1}, W2={"A": 2}), divisible=True
    )

    assert plan.shipments == 2
    parts = sorted((a.location, a.line_id, a.quantity) for a in plan.allocations)
    assert parts == [("W1", "L1", 3), ("W1", "L2", 1), ("W2", "L1", 2)]


def test_an_indivisible_line_no_location_can_ship_whole_is_short_and_the_rest_ships() -> None:
    plan = min_shipments([line("L1", "A", 5), line("L2", "B", 1)], stock(W1={"A": 3, "B": 1}, W2={"A": 2}))

    assert not plan.complete
    assert [(s.line_id, s.quantity) for s in plan.shortfalls] == [("L1", 5)]
    assert [(a.location, a.line_id) for a in plan.allocations] == [("W1", "L2")]
    assert plan.trace.short_units == 5


def test_divisible_shortfall_serves_every_unit_there_is() -> None:
    plan = min_shipments([line("L1", "A", 5)], stock(W1={"A": 3}, W2={"A": 1}), divisible=True)

    assert plan.units == 4
    assert [(s.line_id, s.quantity) for s in plan.shortfalls] == [("L1", 1)]


def test_lines_of_one_sku_share_its_stock() -> None:
    # W1 has 3 units: enough for either line alone, not for both.
    plan = min_shipments([line("L1", "A", 2), line("L2", "A", 2)], stock(W1={"A": 3}, W2={"A": 2}))

    assert plan.complete
    assert plan.shipments == 2


def test_ties_go_to_the_lower_rank_sum_then_to_the_earlier_locations() -> None:
    where = stock(W1={"A": 1}, W2={"A": 1}, W3={"A": 1})

    assert min_shipments([line("L1", "A", 1)], where).locations == ("W1",)
    ranked = min_shipments([line("L1", "A", 1)], where, rank={LocationId("W3"): -1})
    assert ranked.locations == ("W3",)


def test_the_trace_names_the_tie_break_that_decided() -> None:
    lines = [line("L1", "A", 1), line("L2", "B", 1), line("L3", "C", 1), line("L4", "D", 1)]
    where = stock(W1={"A": 1, "B": 1}, W2={"C": 1, "D": 1}, W3={"A": 1, "C": 1}, W4={"B": 1, "D": 1})
    ranks = {LocationId("W1"): 0, LocationId("W2"): 5, LocationId("W3"): 1, LocationId("W4"): 1}

    plan = min_shipments(lines, where, rank=ranks)

    assert plan.locations == ("W3", "W4")
    assert plan.trace.tie_break.decided_by == "rank sum"
    assert plan.trace.tie_break.runner_up == ("W1", "W2")


def test_dropped_locations_say_why() -> None:
    plan = min_shipments(
        [line("L1", "A", 2), line("L2", "B", 1)],
        stock(W1={"A": 2, "B": 1}, W2={"A": 1}, W3={"A": 2}, W4={"C": 9}),
    )

    reasons: dict[str, tuple[DropReason, str | None]] = {d.location: (d.reason, d.by) for d in plan.trace.dropped}
    assert reasons["W2"] == (DropReason.SERVES_NOTHING, None)
    assert reasons["W4"] == (DropReason.SERVES_NOTHING, None)
    assert reasons["W3"] == (DropReason.DOMINATED, "W1")


def test_a_node_limit_of_zero_returns_the_greedy_plan_unproven() -> None:
    plan = min_shipments(*GREEDY_TRAP, node_limit=0)

    assert plan.locations == ("S1", "S2", "S3")
    assert not plan.optimal
    assert plan.trace.limit_hit is Limit.NODES
    assert plan.trace.lower_bound == 2


def test_helpers_build_input_from_domain_values() -> None:
    levels = [StockLevel(LocationId("W1"), SkuCode("A"), on_hand=5, reserved=1, safety=1)]

    assert stock_by_location(levels, [LocationId("W2")]) == {"W1": {"A": 3}, "W2": {}}
    assert stock_by_location({(LocationId("W1"), SkuCode("A")): 2}) == {"W1": {"A": 2}}


def test_ranks_come_from_location_priority() -> None:
    from omscore.domain.network import Location

    assert ranks_of([Location(LocationId("W1"), priority=7)]) == {"W1": 7}


def test_bad_input_is_refused_with_the_field_named() -> None:
    with pytest.raises(InvalidInput, match="duplicate line id"):
        min_shipments([line("L1", "A", 1), line("L1", "B", 1)], stock(W1={"A": 1}))
    with pytest.raises(InvalidInput, match=r"stock\.W1\.A"):
        min_shipments([line("L1", "A", 1)], {LocationId("W1"): {SkuCode("A"): 1.5}})  # type: ignore[dict-item]
    with pytest.raises(InvalidInput, match="time_limit_ms"):
        min_shipments([line("L1", "A", 1)], stock(W1={"A": 1}), time_limit_ms=-1)
    with pytest.raises(InvalidQuantity):
        line("L1", "A", 0)


# --- properties --------------------------------------------------------------------------------------------------


@st.composite
def orders(draw: st.DrawFn, max_locations: int = 6) -> tuple[list[DemandLine], Stock, dict[LocationId, int]]:
    """Small orders; SKUs come from a small pool, so some orders have two lines of one SKU."""
    n = draw(st.integers(1, 6))
    skus = [draw(st.sampled_from("ABCDEFG")) for _ in range(n)]
    lines = [line(f"L{j}", skus[j], draw(st.integers(1, 4))) for j in range(n)]
    m = draw(st.integers(1, max_locations))
    where: Stock = {}
    for i in range(m):
        held = draw(st.dictionaries(st.sampled_from(sorted(set(skus))), st.integers(-1, 6), max_size=len(set(skus))))
        where[LocationId(f"W{i}")] = {SkuCode(s): q for s, q in held.items()}
    ranks = draw(st.dictionaries(st.sampled_from(sorted(where)), st.integers(0, 2)))
    return lines, where, ranks


def _feasible(lines: list[DemandLine], where: Stock, chosen: tuple[LocationId, ...], divisible: bool) -> bool:
    by_sku: dict[str, list[int]] = {}
    for ln in lines:
        by_sku.setdefault(ln.sku, []).append(ln.quantity)
    for sku, qtys in by_sku.items():
        caps = [max(0, where[loc].get(SkuCode(sku), 0)) for loc in chosen]
        if divisible:
            if sum(caps) < sum(qtys):
                return False
        elif not any(
            all(sum(q for q, b in zip(qtys, bins, strict=True) if b == k) <= caps[k] for k in range(len(caps)))
            for bins in itertools.product(range(len(caps)), repeat=len(qtys))
        ):
            return False
    return True


def _brute_force(
    lines: list[DemandLine], where: Stock, ranks: dict[LocationId, int], divisible: bool
) -> tuple[str, ...]:
    """The first plan by (size, rank sum, sorted (rank, id) positions) that serves everything."""
    order = sorted(where, key=lambda loc: (ranks.get(loc, 0), loc))
    for size in range(len(order) + 1):
        plans = [c for c in itertools.combinations(order, size) if _feasible(lines, where, c, divisible)]
        if plans:
            return min(plans, key=lambda c: (sum(ranks.get(loc, 0) for loc in c), [order.index(x) for x in c]))
    raise AssertionError("no plan")


def _check_conservation(plan: SourcingPlan, lines: list[DemandLine], where: Stock, divisible: bool) -> None:
    served: dict[str, int] = {}
    for a in plan.allocations:
        served[a.line_id] = served.get(a.line_id, 0) + a.quantity
        assert a.quantity > 0
    short = {s.line_id: s.quantity for s in plan.shortfalls}
    for ln in lines:
        assert served.get(ln.line, 0) + short.get(ln.line, 0) == ln.quantity
        if not divisible:
            assert len([a for a in plan.allocations if a.line_id == ln.line]) <= 1
    taken: dict[tuple[str, str], int] = {}
    for a in plan.allocations:
        taken[a.location, a.sku] = taken.get((a.location, a.sku), 0) + a.quantity
    for (loc, sku), units in taken.items():
        assert units <= where[LocationId(loc)].get(SkuCode(sku), 0)
    assert set(plan.locations) == {a.location for a in plan.allocations}


@settings(max_examples=150, deadline=None)
@given(orders(), st.booleans())
def test_every_unit_is_served_once_or_short_and_no_stock_is_overdrawn(
    order: tuple[list[DemandLine], Stock, dict[LocationId, int]], divisible: bool
) -> None:
    lines, where, ranks = order
    plan = min_shipments(lines, where, divisible=divisible, rank=ranks, time_limit_ms=None)
    _check_conservation(plan, lines, where, divisible)


@settings(max_examples=150, deadline=None)
@given(orders(), st.booleans())
def test_the_plan_equals_brute_force_including_the_tie_break(
    order: tuple[list[DemandLine], Stock, dict[LocationId, int]], divisible: bool
) -> None:
    lines, where, ranks = order
    plan = min_shipments(lines, where, divisible=divisible, rank=ranks, time_limit_ms=None)
    if plan.complete:
        assert plan.locations == _brute_force(lines, where, ranks, divisible)
        assert plan.optimal
        assert plan.trace.lower_bound == plan.shipments


@settings(max_examples=100, deadline=None)
@given(orders(max_locations=8), st.booleans(), st.randoms(use_true_random=False))
def test_the_order_of_lines_and_locations_does_not_matter(
    order: tuple[list[DemandLine], Stock, dict[LocationId, int]], divisible: bool, rng: random.Random
) -> None:
    lines, where, ranks = order
    shuffled_lines = list(lines)
    rng.shuffle(shuffled_lines)
    names = list(where)
    rng.shuffle(names)
    shuffled_stock = {loc: dict(sorted(where[loc].items(), key=lambda _: rng.random())) for loc in names}

    first = min_shipments(lines, where, divisible=divisible, rank=ranks, time_limit_ms=None)
    second = min_shipments(shuffled_lines, shuffled_stock, divisible=divisible, rank=ranks, time_limit_ms=None)

    assert first.allocations == second.allocations
    assert first.shortfalls == second.shortfalls
    assert first.trace.dropped == second.trace.dropped


@settings(max_examples=100, deadline=None)
@given(orders(max_locations=10), st.booleans())
def test_the_search_is_never_worse_than_its_greedy_start(
    order: tuple[list[DemandLine], Stock, dict[LocationId, int]], divisible: bool
) -> None:
    lines, where, ranks = order
    exact = min_shipments(lines, where, divisible=divisible, rank=ranks, time_limit_ms=None)
    greedy = min_shipments(lines, where, divisible=divisible, rank=ranks, node_limit=0)

    assert exact.units == greedy.units
    assert exact.shipments <= greedy.shipments
    assert greedy.trace.lower_bound <= exact.shipments


@settings(max_examples=60, deadline=None)
@given(orders(max_locations=10), st.booleans(), st.integers(0, 5))
def test_a_plan_cut_short_by_its_budget_is_still_valid_and_says_so(
    order: tuple[list[DemandLine], Stock, dict[LocationId, int]], divisible: bool, nodes: int
) -> None:
    lines, where, ranks = order
    plan = min_shipments(lines, where, divisible=divisible, rank=ranks, node_limit=nodes)

    _check_conservation(plan, lines, where, divisible)
    assert plan.optimal == (plan.trace.limit_hit is None)
    assert plan.trace.lower_bound <= plan.shipments
    json.dumps(plan.trace.as_dict())
    assert plan.trace.text().startswith("[optimise.shipments]")
