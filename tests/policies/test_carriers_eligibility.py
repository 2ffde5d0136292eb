"""Which carriers may take a parcel, and every reason the others may not."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from omscore.domain import Carrier, CarrierId, Channel, Location, LocationId, Network, SkuCode
from omscore.policies.carriers import (
    CarrierRules,
    CarrierSettings,
    ParcelFacts,
    RejectReason,
    ShopCarrierRule,
    SkuCarrierRule,
    choose_carrier,
)

HZ = LocationId("WH-HZ")
TMALL = Channel("tmall", "flagship")
HANGZHOU = ("cn", "浙江省", "杭州市")
LOCATIONS = [Location(HZ), Location(LocationId("WH-BJ"))]


def parcel(**changes: Any) -> ParcelFacts:
    base = ParcelFacts(HZ, TMALL, HANGZHOU, weight_g=1_000, volume_cm3=2_000, skus=frozenset({SkuCode("TEA")}))
    return attrs.evolve(base, **changes)


def reasons(carrier: Carrier, facts: ParcelFacts, settings: CarrierSettings | None = None) -> set[RejectReason]:
    choice = choose_carrier(facts, Network.build(LOCATIONS, [carrier]), settings or CarrierSettings())
    return {r.reason for r in choice.rejections}


def test_a_carrier_that_does_not_collect_at_the_location_is_not_eligible() -> None:
    assert reasons(Carrier(CarrierId("SF"), locations=("WH-BJ",)), parcel()) == {RejectReason.LOCATION}


def test_a_remote_area_is_excluded_even_inside_the_regions_served() -> None:
    sf = Carrier(CarrierId("SF"), regions=("CN",), excluded_regions=("CN/新疆维吾尔自治区",))

    assert reasons(sf, parcel(region=("cn", "新疆维吾尔自治区", "乌鲁木齐市"))) == {RejectReason.REMOTE_AREA}
    assert reasons(sf, parcel()) == set()


def test_a_region_outside_the_ones_served_is_not_reached() -> None:
    local = Carrier(CarrierId("LOCAL"), regions=("CN/上海市",))

    assert reasons(local, parcel()) == {RejectReason.REGION}


def test_weight_and_volume_limits_refuse_bigger_parcels_and_take_parcels_at_the_limit() -> None:
    zto = Carrier(CarrierId("ZTO"), max_weight_g=1_000)
    settings = CarrierSettings(rules=[CarrierRules("ZTO", max_volume_cm3=2_000)])

    assert reasons(zto, parcel(), settings) == set()
    assert reasons(zto, parcel(weight_g=1_001, volume_cm3=2_001), settings) == {
        RejectReason.WEIGHT,
        RejectReason.VOLUME,
    }


def test_cash_on_delivery_needs_a_carrier_that_collects_it_up_to_its_limit() -> None:
    yto = Carrier(CarrierId("YTO"))
    sf = Carrier(CarrierId("SF"), supports_cod=True)
    settings = CarrierSettings(rules=[CarrierRules("SF", max_cod_minor=50_000)])

    assert reasons(yto, parcel(cod_minor=100)) == {RejectReason.COD}
    assert reasons(sf, parcel(cod_minor=50_000), settings) == set()
    assert reasons(sf, parcel(cod_minor=50_001), settings) == {RejectReason.COD_AMOUNT}
    assert reasons(yto, parcel(cod_minor=None)) == set()


def test_a_carrier_with_required_tags_takes_only_parcels_that_carry_all_of_them() -> None:
    cold = Carrier(CarrierId("SF-COLD"))
    settings = CarrierSettings(rules=[CarrierRules("SF-COLD", required_tags={"cold_chain"})])

    assert reasons(cold, parcel(), settings) == {RejectReason.REQUIRED_TAG}
    assert reasons(cold, parcel(tags=frozenset({"cold_chain", "fragile"})), settings) == set()


def test_a_carrier_refuses_parcels_with_an_excluded_tag() -> None:
    ems = Carrier(CarrierId("EMS"))
    settings = CarrierSettings(rules=[CarrierRules("EMS", excluded_tags={"battery", "liquid"})])

    assert reasons(ems, parcel(tags=frozenset({"battery"})), settings) == {RejectReason.EXCLUDED_TAG}
    assert reasons(ems, parcel(tags=frozenset({"fragile"})), settings) == set()


def test_a_shop_rule_can_forbid_a_carrier_or_allow_only_its_own() -> None:
    zto, sf = Carrier(CarrierId("ZTO")), Carrier(CarrierId("SF"))
    forbids = CarrierSettings(shops=[ShopCarrierRule(TMALL, forbidden={"ZTO"})])
    only_sf = CarrierSettings(shops=[ShopCarrierRule(TMALL, carriers=["SF"], only=True)])
    other_shop = parcel(channel=Channel("jd", "outlet"))

    assert reasons(zto, parcel(), forbids) == {RejectReason.SHOP}
    assert reasons(zto, parcel(), only_sf) == {RejectReason.SHOP}
    assert reasons(sf, parcel(), only_sf) == set()
    assert reasons(zto, other_shop, forbids) == set()


def test_a_sku_or_tag_rule_can_forbid_a_carrier_or_allow_only_some() -> None:
    zto = Carrier(CarrierId("ZTO"))
    by_sku = CarrierSettings(skus=[SkuCarrierRule(sku="TEA", forbidden={"ZTO"})])
    by_tag = CarrierSettings(skus=[SkuCarrierRule(tag="cold_chain", carriers=["SF"], only=True)])

    assert reasons(zto, parcel(), by_sku) == {RejectReason.SKU}
    assert reasons(zto, parcel(skus=frozenset({SkuCode("CUP")})), by_sku) == set()
    assert reasons(zto, parcel(tags=frozenset({"cold_chain"})), by_tag) == {RejectReason.SKU}
    assert reasons(zto, parcel(), by_tag) == set()


def test_a_used_up_hard_quota_makes_a_carrier_ineligible() -> None:
    zto = Carrier(CarrierId("ZTO"))
    settings = CarrierSettings(rules=[CarrierRules("ZTO", daily_quota=2, hard_quota=True)])
    network = Network.build(LOCATIONS, [zto])

    full = choose_carrier(parcel(), network, settings, {CarrierId("ZTO"): 2})
    room = choose_carrier(parcel(), network, settings, {CarrierId("ZTO"): 1})

    assert full.carrier is None
    assert [r.reason for r in full.rejections] == [RejectReason.QUOTA]
    assert room.carrier == "ZTO"


def test_every_failing_check_is_reported_not_only_the_first() -> None:
    yto = Carrier(CarrierId("YTO"), locations=("WH-BJ",), regions=("CN/上海市",), max_weight_g=500)

    assert reasons(yto, parcel(cod_minor=100)) == {
        RejectReason.LOCATION,
        RejectReason.REGION,
        RejectReason.WEIGHT,
        RejectReason.COD,
    }


def test_with_no_eligible_carrier_the_decision_is_none_and_names_every_carrier_and_reason() -> None:
    network = Network.build(
        LOCATIONS, [Carrier(CarrierId("SF"), locations=("WH-BJ",)), Carrier(CarrierId("YTO"), max_weight_g=10)]
    )

    choice = choose_carrier(parcel(), network, CarrierSettings())

    assert choice.carrier is None
    assert choice.stage is None
    assert choice.explanation.summary == "no eligible carrier"
    assert "SF: not eligible: does not collect at WH-HZ" in choice.explanation.steps
    assert "YTO: not eligible: parcel 1000 g is over its 10 g limit" in choice.explanation.steps
    assert {str(r) for r in choice.rejections} == {
        "SF: does not collect at WH-HZ",
        "YTO: parcel 1000 g is over its 10 g limit",
    }


@pytest.mark.parametrize(
    ("rules", "facts", "expected"),
    [
        (CarrierRules("X", volumetric_divisor=6_000), parcel(weight_g=1_000, volume_cm3=12_000), 2_000),
        (CarrierRules("X", volumetric_divisor=6_000), parcel(weight_g=3_000, volume_cm3=12_000), 3_000),
        (CarrierRules("X", volumetric_divisor=6_000), parcel(weight_g=0, volume_cm3=1), 1),
        (CarrierRules("X"), parcel(weight_g=1_000, volume_cm3=12_000), 1_000),
    ],
)
def test_the_chargeable_weight_is_the_volume_weight_when_that_is_more(
    rules: CarrierRules, facts: ParcelFacts, expected: int
) -> None:
    assert rules.chargeable_weight_g(facts.weight_g, facts.volume_cm3) == expected
