"""Properties of the split after routing, over generated orders, routing plans and split rules: every unit and
every minor unit ends up in exactly one parcel, parcels keep their limits and tag rules, and the same input in
any order gives the same split."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from omscore.domain import (
    Address,
    Catalog,
    Channel,
    ExternalOrderRef,
    Kit,
    KitComponent,
    LineId,
    LocationId,
    Money,
    Order,
    OrderId,
    OrderLine,
    Recipient,
    Sku,
    SkuCode,
)
from omscore.policies.optimise import Allocation, ParcelLimits
from omscore.policies.split import PresaleMode, SplitDecision, SplitRules, SplitSettings, decide_split

SHOP = Channel("tmall", "flagship")
REF = ExternalOrderRef(SHOP, "E1")
LOCATIONS = [LocationId("W1"), LocationId("W2"), LocationId("W3")]
TODAY = date(2026, 11, 11)
CATALOG = Catalog.build(
    [
        Sku(SkuCode("TEA"), weight_g=700, volume_cm3=900),
        Sku(SkuCode("CUP"), weight_g=300, volume_cm3=400),
        Sku(SkuCode("POT"), weight_g=1_200, volume_cm3=2_000),
        Sku(SkuCode("FISH"), weight_g=2_000, volume_cm3=3_000, tags=frozenset({"cold_chain"})),
        Sku(SkuCode("SOFA"), weight_g=9_000, tags=frozenset({"oversize"})),
        Sku(SkuCode("OIL"), weight_g=500, tags=frozenset({"liquid"})),
        Sku(SkuCode("LAMP"), weight_g=400, tags=frozenset({"battery"})),
    ],
    [
        Kit("SET", (KitComponent(SkuCode("POT"), 1), KitComponent(SkuCode("CUP"), 2))),
        Kit("LOOSE", (KitComponent(SkuCode("TEA"), 1), KitComponent(SkuCode("CUP"), 1)), splittable=True),
    ],
)
PLAIN = ["TEA", "CUP", "POT", "FISH", "SOFA", "OIL", "LAMP"]


@attrs.frozen
class Case:
    order: Order
    allocations: tuple[Allocation, ...]
    settings: SplitSettings


@st.composite
def cases(draw: st.DrawFn) -> Case:
    lines: list[OrderLine] = []
    for n in range(draw(st.integers(1, 4))):
        presale = draw(st.sampled_from([None, None, date(2026, 12, 1), date(2026, 12, 9)]))
        lines.append(
            OrderLine(
                LineId(f"L{n}"),
                SkuCode(draw(st.sampled_from(PLAIN))),
                draw(st.integers(1, 4)),
                Money(draw(st.integers(0, 9_999)), "CNY"),
                REF,
                presale_ship_date=presale,
            )
        )
    for n in range(draw(st.integers(0, 2))):
        kit = draw(st.sampled_from(["SET", "LOOSE"]))
        kits = draw(st.integers(1, 2))
        for component in CATALOG.kits[kit].components:
            lines.append(
                OrderLine(
                    LineId(f"K{n}-{component.sku}"),
                    component.sku,
                    component.quantity * kits,
                    Money(draw(st.integers(0, 5_000)), "CNY"),
                    REF,
                    kit=kit,
                    kit_instance=f"k{n}",
                )
            )
    the_order = Order.receive(
        id=OrderId("O1"),
        ref=REF,
        revision=1,
        placed_at=datetime(2026, 11, 11, tzinfo=UTC),
        buyer_id="b1",
        recipient=Recipient("Lin", "138", Address("CN", "Zhejiang", "Hangzhou", street="1 Road")),
        lines=lines,
        currency="CNY",
        shipping_fee=Money(draw(st.integers(0, 3_000)), "CNY"),
    )
    allocations: list[Allocation] = []
    for ln in lines:
        left = ln.quantity
        for loc in draw(st.permutations(LOCATIONS)):
            take = left if loc == LOCATIONS[-1] else draw(st.integers(0, left))
            if take:
                allocations.append(Allocation(loc, ln.id, ln.sku, take))
                left -= take
        if left:
            allocations.append(Allocation(LOCATIONS[0], ln.id, ln.sku, left))
    limits = ParcelLimits(
        max_weight_g=draw(st.none() | st.integers(1_000, 6_000)),
        max_volume_cm3=draw(st.none() | st.integers(2_000, 8_000)),
        incompatible=draw(st.sampled_from([(), [("battery", "liquid")]])),
        alone=frozenset({"ship_alone", "oversize"}),
    )
    rules = SplitRules(
        presale=draw(st.sampled_from(list(PresaleMode))),
        min_shipment_value_minor=draw(st.none() | st.integers(0, 6_000)),
        max_packages=draw(st.none() | st.integers(1, 6)),
        parcels=limits,
    )
    return Case(the_order, tuple(allocations), SplitSettings(rules))


def run(case: Case) -> SplitDecision:
    return decide_split(case.order, case.allocations, CATALOG, case.settings, today=TODAY)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_every_unit_and_every_minor_unit_lands_in_exactly_one_parcel(case: Case) -> None:
    decision = run(case)

    units: dict[tuple[str, str], int] = {}
    for s in decision.shipments:
        for sl in s.draft.lines:
            key = (s.draft.location, sl.line_id)
            units[key] = units.get(key, 0) + sl.quantity
            assert sl.quantity > 0
    planned: dict[tuple[str, str], int] = {}
    for a in case.allocations:
        planned[(a.location, a.line_id)] = planned.get((a.location, a.line_id), 0) + a.quantity
    assert units == planned
    assert sum(s.draft.amount.minor for s in decision.shipments) == case.order.total.minor
    for ln in case.order.lines:
        parts = [sl.amount.minor for s in decision.shipments for sl in s.draft.lines if sl.line_id == ln.id]
        assert sum(parts) == ln.amount.minor


@settings(max_examples=200, deadline=None)
@given(cases())
def test_parcels_keep_their_limits_and_tag_rules(case: Case) -> None:
    decision = run(case)
    limits = case.settings.rules.parcels

    for s in decision.shipments:
        skus = [CATALOG.skus[sl.sku] for sl in s.draft.lines]
        tags = [sku.tags for sku in skus]
        assert len({frozenset(t & limits.segregate) for t in tags}) == 1  # cold chain never with ambient
        for pair in limits.incompatible:
            a, b = sorted(pair)
            assert not (any(a in t for t in tags) and any(b in t for t in tags))
        if s.reason is None:
            weight = sum(sku.weight_g * sl.quantity for sku, sl in zip(skus, s.draft.lines, strict=True))
            assert limits.max_weight_g is None or weight <= limits.max_weight_g
            assert not any(t & limits.alone for t in tags)
    if case.settings.rules.max_packages is not None and len(decision.shipments) > case.settings.rules.max_packages:
        assert not decision.ok


@settings(max_examples=100, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_the_same_input_in_any_order_gives_the_same_split(case: Case, rnd: random.Random) -> None:
    allocations = list(case.allocations)
    rnd.shuffle(allocations)
    lines = list(case.order.lines)
    rnd.shuffle(lines)
    shuffled = attrs.evolve(case, order=attrs.evolve(case.order, lines=tuple(lines)), allocations=tuple(allocations))

    first, second = run(case), run(shuffled)

    assert first.shipments == second.shipments
    assert first.trace.as_dict() == second.trace.as_dict()
    assert json.loads(json.dumps(first.trace.as_dict())) == first.trace.as_dict()
