"""Parcels: every item in exactly one parcel, no parcel over a limit (an item over a limit travels alone),
ship-alone items alone, cold-chain never with ambient, incompatible tags apart, and as few parcels as brute
force finds on small orders."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain.catalog import Sku
from omscore.domain.errors import InvalidInput, NotFound
from omscore.domain.identity import LineId, SkuCode
from omscore.policies.optimise import DemandLine, PackingPlan, ParcelItem, ParcelLimits, pack_parcels, unit_items

LIMITS = ParcelLimits(max_weight_g=10, max_volume_cm3=10, incompatible=[("battery", "liquid")])


def item(item_id: str, weight: int, volume: int = 1, *tags: str) -> ParcelItem:
    return ParcelItem(item_id, LineId("L1"), weight, volume, 1, frozenset(tags))


def contents(plan: PackingPlan) -> list[list[str]]:
    return [[i.id for i in parcel.items] for parcel in plan.parcels]


# --- specification ---------------------------------------------------------------------------------------------


def test_items_fill_parcels_up_to_the_weight_limit() -> None:
    plan = pack_parcels([item("a", 6), item("b", 4), item("c", 5), item("d", 5)], LIMITS)

    assert sorted(contents(plan)) == [["a", "b"], ["c", "d"]]
    assert plan.optimal


def test_first_fit_decreasing_is_beaten_where_it_leaves_gaps() -> None:
    # First fit decreasing: 6+4, 6+3, 5+2+2, 2 (four parcels); the optimum fills three: 6+4, 6+2+2, 5+3+2.
    weights = [6, 6, 5, 4, 3, 2, 2, 2]
    plan = pack_parcels([item(f"i{k}", w) for k, w in enumerate(weights)], LIMITS)

    assert plan.trace.heuristic_parcels == 4
    assert len(plan.parcels) == 3
    assert plan.optimal
    assert all(parcel.weight_g <= 10 for parcel in plan.parcels)


def test_ship_alone_and_over_limit_items_travel_alone() -> None:
    plan = pack_parcels([item("a", 1, 1, "ship_alone"), item("b", 12), item("c", 1)], LIMITS)

    reasons = {parcel.items[0].id: parcel.reason for parcel in plan.parcels}
    assert reasons == {"a": "ship_alone", "b": "over_limit", "c": None}
    assert plan.trace.alone == ("a",)
    assert plan.trace.over_limit == ("b",)


def test_cold_chain_never_travels_with_ambient_items() -> None:
    plan = pack_parcels([item("a", 1, 1, "cold_chain"), item("b", 1), item("c", 1, 1, "cold_chain")], LIMITS)

    assert sorted(contents(plan)) == [["a", "c"], ["b"]]
    assert plan.trace.classes == ("ambient:1", "cold_chain:2")


def test_incompatible_tags_never_share_a_parcel() -> None:
    plan = pack_parcels([item("a", 1, 1, "battery"), item("b", 1, 1, "liquid"), item("c", 1)], LIMITS)

    assert len(plan.parcels) == 2
    for parcel in plan.parcels:
        assert not {"battery", "liquid"} <= {tag for i in parcel.items for tag in i.tags}


def test_unit_items_gives_one_item_per_unit_from_the_catalog() -> None:
    skus = {SkuCode("A"): Sku(SkuCode("A"), weight_g=300, volume_cm3=20, tags=frozenset({"fragile"}))}

    items = unit_items([DemandLine(LineId("L1"), SkuCode("A"), 2)], skus)

    assert [(i.id, i.line, i.weight_g, i.tags) for i in items] == [
        ("L1#1", "L1", 300, frozenset({"fragile"})),
        ("L1#2", "L1", 300, frozenset({"fragile"})),
    ]
    with pytest.raises(NotFound):
        unit_items([DemandLine(LineId("L1"), SkuCode("B"), 1)], skus)


def test_parcels_report_units_per_line() -> None:
    items = [ParcelItem("x", LineId("L2"), 1, 1, 3), ParcelItem("y", LineId("L1"), 1, 1, 2)]

    plan = pack_parcels(items, LIMITS)

    assert plan.parcels[0].units_by_line() == {"L1": 2, "L2": 3}


def test_a_node_limit_of_zero_keeps_first_fit_decreasing() -> None:
    weights = [6, 6, 5, 4, 3, 2, 2, 2]
    plan = pack_parcels([item(f"i{k}", w) for k, w in enumerate(weights)], LIMITS, node_limit=0)

    assert len(plan.parcels) == 4
    assert not plan.optimal
    assert plan.trace.lower_bound == 3


def test_bad_items_and_limits_are_refused() -> None:
    with pytest.raises(InvalidInput, match="duplicate item id"):
        pack_parcels([item("a", 1), item("a", 2)], LIMITS)
    with pytest.raises(InvalidInput):
        ParcelLimits(max_weight_g=0)
    with pytest.raises(InvalidInput):
        ParcelLimits(incompatible=[("battery",)])


# --- properties --------------------------------------------------------------------------------------------------

TAGS = ("cold_chain", "ship_alone", "battery", "liquid")


@st.composite
def parcel_orders(draw: st.DrawFn, most: int = 7) -> tuple[list[ParcelItem], ParcelLimits]:
    n = draw(st.integers(1, most))
    items = [
        ParcelItem(
            f"I{k}",
            LineId(f"L{k % 3}"),
            draw(st.integers(0, 10)),
            draw(st.integers(0, 10)),
            1,
            frozenset(t for t in TAGS if draw(st.integers(0, 9)) == 0),
        )
        for k in range(n)
    ]
    limits = ParcelLimits(
        max_weight_g=draw(st.sampled_from([8, 10, 15, None])),
        max_volume_cm3=draw(st.sampled_from([10, 14, None])),
        incompatible=[("battery", "liquid")] if draw(st.booleans()) else [],
    )
    return items, limits


def _may_share(items: list[ParcelItem], limits: ParcelLimits) -> bool:
    if len(items) == 1:
        return True
    if any(i.tags & limits.alone for i in items):
        return False
    if limits.max_weight_g is not None and sum(i.weight_g for i in items) > limits.max_weight_g:
        return False
    if limits.max_volume_cm3 is not None and sum(i.volume_cm3 for i in items) > limits.max_volume_cm3:
        return False
    if len({i.tags & limits.segregate for i in items}) > 1:
        return False
    for pair in limits.incompatible:
        a, b = sorted(pair)
        if any(x is not y and a in x.tags and b in y.tags for x in items for y in items):
            return False
    return True


def _partitions(items: list[ParcelItem]) -> Iterator[list[list[ParcelItem]]]:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        for k in range(len(part)):
            yield [*part[:k], [first, *part[k]], *part[k + 1 :]]
        yield [[first], *part]


@settings(max_examples=150, deadline=None)
@given(parcel_orders())
def test_parcels_respect_every_rule_and_match_brute_force(order: tuple[list[ParcelItem], ParcelLimits]) -> None:
    items, limits = order
    plan = pack_parcels(items, limits, time_limit_ms=None)

    assert sorted(i.id for parcel in plan.parcels for i in parcel.items) == sorted(i.id for i in items)
    for parcel in plan.parcels:
        assert _may_share(list(parcel.items), limits)
        if len(parcel.items) == 1 and parcel.reason == "over_limit":
            only = parcel.items[0]
            assert (limits.max_weight_g or 10**9) < only.weight_g or (limits.max_volume_cm3 or 10**9) < only.volume_cm3
    fewest = min(len(p) for p in _partitions(items) if all(_may_share(group, limits) for group in p))
    assert len(plan.parcels) == fewest
    assert plan.optimal
    assert plan.trace.lower_bound == fewest


@settings(max_examples=60, deadline=None)
@given(parcel_orders(most=30), st.randoms(use_true_random=False), st.integers(0, 30))
def test_larger_orders_stay_within_limits_whatever_the_order_and_the_budget(
    order: tuple[list[ParcelItem], ParcelLimits], rng: random.Random, nodes: int
) -> None:
    items, limits = order
    shuffled = list(items)
    rng.shuffle(shuffled)

    plan = pack_parcels(items, limits, time_limit_ms=None, node_limit=5_000)
    again = pack_parcels(shuffled, limits, time_limit_ms=None, node_limit=5_000)
    cut = pack_parcels(items, limits, node_limit=nodes)

    assert again.parcels == plan.parcels
    for result in (plan, cut):
        assert sorted(i.id for parcel in result.parcels for i in parcel.items) == sorted(i.id for i in items)
        assert all(_may_share(list(parcel.items), limits) for parcel in result.parcels)
        assert result.trace.lower_bound <= len(result.parcels)
        assert result.optimal == (result.trace.lower_bound == len(result.parcels))
    assert len(plan.parcels) <= len(cut.parcels) or not cut.optimal
