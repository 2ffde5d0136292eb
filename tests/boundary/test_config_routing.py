"""The routing strategy and split rules of the configuration file: what they build, how shops override them, and
the errors that name the offending field."""

from __future__ import annotations

from typing import Any

import pytest

from omscore.boundary import InvalidConfigurationDocument, parse_config
from omscore.domain.address import GeoPoint
from omscore.domain.identity import Channel, LocationId, SkuCode
from omscore.policies.optimise import ParcelLimits
from omscore.policies.routing import (
    DEFAULT_RULES,
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
    RoutingSettings,
    SafetyStock,
    ShipComplete,
    ShopException,
    SkuLocation,
    StorePickup,
)
from omscore.policies.split import DEFAULT_PARCEL_LIMITS, PresaleMode, SplitRules

from .builders import config_document

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "self-run")
HZ, SUP = LocationId("WH-HZ"), LocationId("SUP")

EVERY_RULE: list[dict[str, Any]] = [
    {"rule": "store_pickup", "required": False},
    {"rule": "shop_exception", "shops": [{"platform": "jd", "shop": "self-run", "locations": ["SUP"]}]},
    {"rule": "sku_location", "skus": [{"sku": "TEA", "locations": ["WH-HZ"]}], "required": True},
    {"rule": "home_region", "regions": [{"region": "CN/Zhejiang", "locations": ["WH-HZ"]}]},
    {"rule": "presale", "locations": ["WH-HZ"]},
    {"rule": "drop_ship"},
    {
        "rule": "safety_stock",
        "levels": [{"location": "WH-HZ", "sku": "TEA", "units": 3}],
        "by_location": [{"location": "SUP", "units": 1}],
        "default": 2,
    },
    {"rule": "capacity", "capacity": [{"location": "WH-HZ", "shipments": 500}]},
    {"rule": "keep_kits"},
    {"rule": "ship_complete"},
    {"rule": "fewest_shipments"},
    {"rule": "min_shipment_value", "minor": 5000},
    {
        "rule": "distance",
        "granularity_km": 50,
        "centroids": [{"region": "CN/Zhejiang/Yiwu", "lat": 29.31, "lon": 120.08}],
    },
    {"rule": "cost", "locations": [{"location": "WH-HZ", "shipment_minor": 700, "per_kg_minor": 90}], "gap": 0.02},
]


def routing(**fields: Any) -> dict[str, Any]:
    return {"routing": fields}


def problem_of(document: dict[str, Any]) -> tuple[str, Any, str]:
    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(document)
    return caught.value.field, caught.value.value, caught.value.code


# --- what the strategy builds ----------------------------------------------------------------------------------


def test_without_a_strategy_every_shop_is_routed_by_the_default_rules() -> None:
    config = parse_config(config_document())

    assert config.sourcing.strategy.rules == DEFAULT_RULES
    assert config.sourcing.strategy.split_lines is True
    assert config.sourcing.shops == {}
    assert config.split.rules == SplitRules()


def test_every_rule_is_built_with_its_parameters_in_order() -> None:
    config = parse_config(config_document(rules=routing(strategy=EVERY_RULE, split_lines=False)))

    strategy = config.sourcing.strategy
    assert strategy.split_lines is False
    assert strategy.rules == (
        StorePickup(required=False),
        ShopException({JD: (SUP,)}),
        SkuLocation({SkuCode("TEA"): (HZ,)}, required=True),
        HomeRegion({"CN/Zhejiang": (HZ,)}),
        Presale((HZ,)),
        DropShip(),
        SafetyStock(levels={(HZ, SkuCode("TEA")): 3}, by_location={SUP: 1}, default=2),
        DailyCapacity({HZ: 500}),
        KeepKits(),
        ShipComplete(),
        FewestShipments(),
        MinShipmentValue(5000),
        Distance(granularity_km=50, centroids=Centroids({"CN/Zhejiang/Yiwu": GeoPoint(29.31, 120.08)})),
        Cost(shipment_minor={HZ: 700}, per_kg_minor={HZ: 90}, gap=0.02),
    )


def test_a_shop_strategy_replaces_the_merchant_wide_list_and_inherits_split_lines() -> None:
    document = config_document(rules=routing(strategy=[{"rule": "distance"}], split_lines=False))
    document["shops"][1]["routing"] = {"strategy": [{"rule": "fewest_shipments"}]}
    document["shops"][0]["routing"] = {"max_shipments": 2}

    config = parse_config(document)

    assert config.sourcing.strategy_for(TMALL).rules == (Distance(),)
    jd = config.sourcing.strategy_for(JD)
    assert (jd.rules, jd.split_lines, jd.name) == ((FewestShipments(),), False, "jd:self-run")
    assert config.settings.routing_for(TMALL) == RoutingSettings(max_shipments=2)


def test_a_shop_may_change_only_whether_lines_split() -> None:
    document = config_document(rules=routing(strategy=[{"rule": "cost"}]))
    document["shops"][1]["routing"] = {"split_lines": False}

    jd = parse_config(document).sourcing.strategy_for(JD)

    assert (jd.rules, jd.split_lines) == ((Cost(),), False)


def test_a_shop_strategy_of_null_is_the_default_strategy() -> None:
    document = config_document(rules=routing(strategy=[{"rule": "distance"}]))
    document["shops"][1]["routing"] = {"strategy": None}

    assert parse_config(document).sourcing.strategy_for(JD).rules == DEFAULT_RULES


def test_a_strategy_in_toml() -> None:
    text = """
[[shops]]
platform = "web"
shop = "main"

[[skus]]
code = "TEA"

[[locations]]
id = "WH"

[[rules.routing.strategy]]
rule = "ship_complete"

[[rules.routing.strategy]]
rule = "distance"
granularity_km = 20

[rules.split]
presale = "ship_complete"
"""
    config = parse_config(text, format="toml")

    assert config.sourcing.strategy.rules == (ShipComplete(), Distance(granularity_km=20))
    assert config.split.rules.presale is PresaleMode.SHIP_COMPLETE


# --- split rules -----------------------------------------------------------------------------------------------


def test_split_rules_build_the_parcel_limits() -> None:
    split = {
        "presale": "ship_complete",
        "min_shipment_value_minor": 3000,
        "max_packages": 4,
        "max_parcel_weight_g": 20000,
        "max_parcel_volume_cm3": 90000,
        "segregate_tags": ["cold_chain", "frozen"],
        "alone_tags": ["oversize"],
        "incompatible_tags": [["battery", "liquid"]],
    }

    rules = parse_config(config_document(rules={"split": split})).split.rules

    assert rules == SplitRules(
        presale=PresaleMode.SHIP_COMPLETE,
        min_shipment_value_minor=3000,
        max_packages=4,
        parcels=ParcelLimits(
            max_weight_g=20000,
            max_volume_cm3=90000,
            segregate=frozenset({"cold_chain", "frozen"}),
            alone=frozenset({"oversize"}),
            incompatible=[("battery", "liquid")],
        ),
    )


def test_the_default_split_rules_are_the_librarys() -> None:
    assert parse_config(config_document(rules={"split": {}})).split.rules.parcels == DEFAULT_PARCEL_LIMITS


def test_a_shops_split_rules_change_only_the_fields_it_gives() -> None:
    document = config_document(rules={"split": {"max_packages": 3, "max_parcel_weight_g": 5000}})
    document["shops"][1]["split"] = {"presale": "ship_complete"}

    split = parse_config(document).split

    limits = ParcelLimits(max_weight_g=5000, alone=["ship_alone", "oversize"])
    assert split.rules_for(TMALL) == SplitRules(max_packages=3, parcels=limits)
    assert split.rules_for(JD).presale is PresaleMode.SHIP_COMPLETE
    assert split.rules_for(JD).max_packages == 3
    assert split.rules_for(JD).parcels.max_weight_g == 5000


# --- errors ----------------------------------------------------------------------------------------------------


def test_an_unknown_rule_is_refused_at_its_entry() -> None:
    field, _, code = problem_of(config_document(rules=routing(strategy=[{"rule": "nearest_moon"}])))

    assert (field, code) == ("rules.routing.strategy.0", "union_tag_invalid")


def test_a_bad_parameter_is_named_without_the_rule_tag() -> None:
    document = config_document(
        rules=routing(strategy=[{"rule": "ship_complete"}, {"rule": "distance", "granularity_km": 0}])
    )

    assert problem_of(document)[:2] == ("rules.routing.strategy.1.granularity_km", 0)


def test_an_unknown_parameter_is_refused() -> None:
    document = config_document(rules=routing(strategy=[{"rule": "ship_complete", "required": True}]))

    assert problem_of(document)[0] == "rules.routing.strategy.0.required"


def test_a_rule_listed_twice_is_refused() -> None:
    strategy = [{"rule": "distance"}, {"rule": "cost"}, {"rule": "distance", "granularity_km": 5}]

    assert problem_of(config_document(rules=routing(strategy=strategy))) == (
        "rules.routing.strategy.2.rule",
        "distance",
        "duplicate",
    )


@pytest.mark.parametrize(
    ("rule", "field", "value"),
    [
        ({"rule": "shop_exception", "shops": [{"platform": "jd", "shop": "nope", "locations": ["SUP"]}]},
         "shops.0.shop", "jd:nope"),
        ({"rule": "shop_exception", "shops": [{"platform": "jd", "shop": "self-run", "locations": ["WH-XX"]}]},
         "shops.0.locations.0", "WH-XX"),
        ({"rule": "sku_location", "skus": [{"sku": "GHOST", "locations": ["SUP"]}]}, "skus.0.sku", "GHOST"),
        ({"rule": "sku_location", "skus": [{"sku": "TEA", "locations": ["SUP", "WH-XX"]}]},
         "skus.0.locations.1", "WH-XX"),
        ({"rule": "home_region", "regions": [{"region": "CN", "locations": ["WH-XX"]}]},
         "regions.0.locations.0", "WH-XX"),
        ({"rule": "presale", "locations": ["WH-XX"]}, "locations.0", "WH-XX"),
        ({"rule": "safety_stock", "levels": [{"location": "WH-XX", "sku": "TEA", "units": 1}]},
         "levels.0.location", "WH-XX"),
        ({"rule": "safety_stock", "levels": [{"location": "SUP", "sku": "GHOST", "units": 1}]},
         "levels.0.sku", "GHOST"),
        ({"rule": "safety_stock", "by_location": [{"location": "WH-XX", "units": 1}]},
         "by_location.0.location", "WH-XX"),
        ({"rule": "capacity", "capacity": [{"location": "WH-XX", "shipments": 1}]}, "capacity.0.location", "WH-XX"),
        ({"rule": "cost", "locations": [{"location": "WH-XX"}]}, "locations.0.location", "WH-XX"),
    ],
)  # fmt: skip
def test_a_rule_may_name_only_declared_shops_skus_and_locations(rule: dict[str, Any], field: str, value: str) -> None:
    document = config_document(rules=routing(strategy=[{"rule": "ship_complete"}, rule]))

    assert problem_of(document) == (f"rules.routing.strategy.1.{field}", value, "unknown_reference")


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"rule": "sku_location", "skus": [{"sku": "TEA", "locations": ["SUP"]}, {"sku": "TEA", "locations": ["SUP"]}]},
         "skus.1.sku"),
        ({"rule": "home_region", "regions": [{"region": "CN/Zhejiang", "locations": ["SUP"]},
                                             {"region": "cn/ZHEJIANG", "locations": ["SUP"]}]}, "regions.1.region"),
        ({"rule": "capacity", "capacity": [{"location": "SUP", "shipments": 1}, {"location": "SUP", "shipments": 2}]},
         "capacity.1.location"),
        ({"rule": "distance", "centroids": [{"region": "CN/A", "lat": 1, "lon": 1}, {"region": "CN/A", "lat": 2,
                                                                                    "lon": 2}]},
         "centroids.1.region"),
    ],
)  # fmt: skip
def test_a_rule_names_each_key_once(rule: dict[str, Any], field: str) -> None:
    field_found, _, code = problem_of(config_document(rules=routing(strategy=[rule])))

    assert (field_found, code) == (f"rules.routing.strategy.0.{field}", "duplicate")


def test_a_shop_strategy_is_checked_under_the_shops_path() -> None:
    document = config_document()
    document["shops"][0]["routing"] = {"strategy": [{"rule": "presale", "locations": ["WH-XX"]}]}

    assert problem_of(document)[0] == "shops.0.routing.strategy.0.locations.0"


def test_split_errors_name_the_field() -> None:
    same_tag = config_document(rules={"split": {"incompatible_tags": [["battery", "battery"]]}})
    bad_mode = config_document(rules={"split": {"presale": "whenever"}})
    one_tag = config_document()
    one_tag["shops"][0]["split"] = {"incompatible_tags": [["battery"]]}

    assert problem_of(same_tag)[:2] == ("rules.split.incompatible_tags.0", ["battery", "battery"])
    assert problem_of(bad_mode)[0] == "rules.split.presale"
    assert problem_of(one_tag)[0] == "shops.0.split.incompatible_tags.0"
    assert problem_of(config_document(rules={"split": {"max_packages": 0}}))[0] == "rules.split.max_packages"
