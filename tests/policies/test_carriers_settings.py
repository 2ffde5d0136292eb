"""Carrier settings refuse inconsistent configurations with an error naming the field."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from omscore.domain import Carrier, CarrierId, Channel, InvalidConfiguration, Network
from omscore.policies.carriers import (
    CarrierRules,
    CarrierSettings,
    Criterion,
    RegionCarrierRule,
    ShopCarrierRule,
    SkuCarrierRule,
)
from omscore.policies.promise import CarrierTransit, TransitTable

TMALL = Channel("tmall", "flagship")
NETWORK = Network.build([], [Carrier(CarrierId("SF")), Carrier(CarrierId("ZTO"))])


def test_plain_strings_become_carrier_ids_and_criteria() -> None:
    settings = CarrierSettings(rank_by=["cost", "sla"], candidates=["ZTO"], fallback=["SF"])

    assert settings.rank_by == (Criterion.COST, Criterion.SLA)
    assert settings.candidates == ("ZTO",)
    assert settings.rules_for(CarrierId("SF")) == CarrierRules("SF")


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: CarrierSettings(rank_by=["fastest"]), "rank_by"),
        (lambda: CarrierSettings(rank_by=["cost", "cost"]), "rank_by"),
        (lambda: CarrierSettings(fallback=["SF", "SF"]), "carriers"),
        (lambda: CarrierSettings(rules=[CarrierRules("SF"), CarrierRules("SF")]), "rules.1.carrier"),
        (lambda: CarrierSettings(shops=[ShopCarrierRule(TMALL), ShopCarrierRule(TMALL)]), "shops.1.channel"),
        (
            lambda: CarrierSettings(regions=[RegionCarrierRule("CN/浙江", ["SF"]), RegionCarrierRule("cn/浙江", [])]),
            "regions.1.region",
        ),
        (lambda: CarrierSettings(regions=[RegionCarrierRule(" / ", ["SF"])]), "regions.0.region"),
        (lambda: CarrierRules("SF", daily_quota=-1), "daily_quota"),
        (lambda: CarrierRules("SF", volumetric_divisor=0), "volumetric_divisor"),
        (lambda: CarrierRules("SF", share=-2), "share"),
        (lambda: SkuCarrierRule(sku="TEA", tag="fragile"), "sku"),
        (lambda: SkuCarrierRule(), "sku"),
        (lambda: SkuCarrierRule(tag="fragile", only=True), "only"),
        (lambda: ShopCarrierRule(TMALL, only=True), "only"),
    ],
)
def test_an_inconsistent_setting_is_refused_naming_the_field(build: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidConfiguration) as caught:
        build()
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (CarrierSettings(candidates=["SF", "JD"]), "candidates.1"),
        (CarrierSettings(fallback=["EMS"]), "fallback.0"),
        (CarrierSettings(rules=[CarrierRules("EMS")]), "rules.0"),
        (CarrierSettings(shops=[ShopCarrierRule(TMALL, carriers=["SF", "EMS"])]), "shops.0.carriers.1"),
        (CarrierSettings(shops=[ShopCarrierRule(TMALL, forbidden=["EMS"])]), "shops.0.forbidden.0"),
        (CarrierSettings(skus=[SkuCarrierRule(tag="x", carriers=["EMS"])]), "skus.0.carriers.0"),
        (CarrierSettings(regions=[RegionCarrierRule("CN", ["EMS"])]), "regions.0.carriers.0"),
        (CarrierSettings(transit=TransitTable([CarrierTransit("EMS")])), "transit.0"),
    ],
)
def test_check_names_the_first_reference_to_an_unknown_carrier(settings: CarrierSettings, field: str) -> None:
    with pytest.raises(InvalidConfiguration) as caught:
        settings.check(NETWORK)
    assert caught.value.field == field


def test_check_accepts_settings_that_name_only_known_carriers() -> None:
    settings = CarrierSettings(
        candidates=["SF"],
        fallback=["ZTO"],
        shops=[ShopCarrierRule(TMALL, carriers=["SF"], forbidden=["ZTO"])],
        skus=[SkuCarrierRule(tag="cold_chain", carriers=["SF"], only=True)],
        regions=[RegionCarrierRule("CN", ["ZTO"])],
    )

    settings.check(NETWORK)
