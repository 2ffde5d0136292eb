"""Daily quotas and shares between carriers, from the day's counts the host hands in."""

from __future__ import annotations

from collections import Counter

import attrs
import pytest

from omscore.domain import Carrier, CarrierId, Channel, Location, LocationId, Network
from omscore.policies.carriers import (
    CarrierRules,
    CarrierSettings,
    ParcelFacts,
    Stage,
    choose_carrier,
    quota_full,
    share_pick,
)

HZ = LocationId("WH-HZ")
PARCEL = ParcelFacts(HZ, Channel("tmall", "flagship"), ("cn", "浙江省"), weight_g=1_000)
NETWORK = Network.build(
    [Location(HZ)],
    [
        Carrier(CarrierId("ZTO"), priority=10),
        Carrier(CarrierId("YTO"), priority=20),
        Carrier(CarrierId("SF"), priority=30),
    ],
)


def run_day(settings: CarrierSettings, parcels: int) -> Counter[CarrierId]:
    """Choose for ``parcels`` parcels one after another, counting as a host would."""
    usage: Counter[CarrierId] = Counter()
    for _ in range(parcels):
        chosen = choose_carrier(PARCEL, NETWORK, settings, usage).carrier
        assert chosen is not None
        usage[chosen] += 1
    return usage


def test_quota_full_at_the_quota() -> None:
    assert not quota_full(CarrierRules("ZTO", daily_quota=3), 2)
    assert quota_full(CarrierRules("ZTO", daily_quota=3), 3)
    assert not quota_full(CarrierRules("ZTO"), 10_000)


def test_a_carrier_at_its_soft_quota_gives_way_to_the_next_one() -> None:
    settings = CarrierSettings(rules=[CarrierRules("ZTO", daily_quota=5)])

    assert run_day(settings, 8) == {"ZTO": 5, "YTO": 3}


def test_a_soft_quota_is_exceeded_only_when_no_other_carrier_can_take_the_parcel() -> None:
    alone = Network.build([Location(HZ)], [Carrier(CarrierId("ZTO"))])
    settings = CarrierSettings(rules=[CarrierRules("ZTO", daily_quota=5)])

    choice = choose_carrier(PARCEL, alone, settings, {CarrierId("ZTO"): 5})

    assert choice.carrier == "ZTO"
    assert choice.held_back == {"ZTO": "its daily quota of 5 is used up (5 today)"}
    assert "no other carrier could take it" in choice.explanation.summary


def test_a_memo_named_carrier_over_its_quota_gives_way_while_another_can_take_the_parcel() -> None:
    settings = CarrierSettings(rules=[CarrierRules("SF", daily_quota=1)])

    choice = choose_carrier(attrs.evolve(PARCEL, buyer_memo="顺丰"), NETWORK, settings, {CarrierId("SF"): 1})

    assert choice.carrier == "ZTO"
    assert "buyer memo names SF: not used, held back: its daily quota of 1 is used up (1 today)" in (
        choice.explanation.steps
    )


def test_shares_split_the_day_in_the_configured_ratio() -> None:
    settings = CarrierSettings(rules=[CarrierRules("ZTO", share=3), CarrierRules("YTO", share=1)])

    assert run_day(settings, 4) == {"ZTO": 3, "YTO": 1}
    assert run_day(settings, 100) == {"ZTO": 75, "YTO": 25}


def test_each_parcel_goes_to_the_carrier_furthest_below_its_share_ties_by_ranking() -> None:
    settings = CarrierSettings(rules=[CarrierRules("ZTO", share=1), CarrierRules("YTO", share=1)])

    first = choose_carrier(PARCEL, NETWORK, settings)
    behind = choose_carrier(PARCEL, NETWORK, settings, {CarrierId("ZTO"): 4, CarrierId("YTO"): 3})

    assert (first.carrier, first.stage) == ("ZTO", Stage.SHARE)  # tie: ZTO ranks first by priority
    assert behind.carrier == "YTO"


def test_shares_respect_quotas() -> None:
    settings = CarrierSettings(
        rules=[CarrierRules("ZTO", share=1, daily_quota=2), CarrierRules("YTO", share=1, daily_quota=2)]
    )

    assert run_day(settings, 6) == {"ZTO": 2, "YTO": 2, "SF": 2}


@pytest.mark.parametrize("order", [["ZTO", "YTO"], ["YTO", "ZTO"]])
def test_share_pick_ignores_the_order_carriers_come_in(order: list[str]) -> None:
    shares = {"ZTO": CarrierRules("ZTO", share=2), "YTO": CarrierRules("YTO", share=1)}

    chosen, text = share_pick(
        [CarrierId(c) for c in order],
        lambda c: shares[c],
        {CarrierId("ZTO"): 2, CarrierId("YTO"): 1},
        lambda c: (c,),
    )

    assert chosen == "ZTO"  # of 4 parcels ZTO should have 2.67 (has 2), YTO 1.33 (has 1)
    assert text == "shares over 4 parcel(s), had/target: YTO 1 of 1.33, ZTO 2 of 2.67: ZTO is furthest below its share"


def test_share_pick_chooses_nothing_when_no_carrier_has_a_share() -> None:
    assert share_pick([CarrierId("ZTO")], lambda c: CarrierRules(c), {}, lambda c: (c,)) == (None, "")
