"""parse_config / load_config, read as the specification of the merchant configuration file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from pydantic import ValidationError

from omscore.boundary import InvalidConfigurationDocument, MerchantConfig, load_config, parse_config
from omscore.boundary.config import parser as config_module
from omscore.domain.address import GeoPoint
from omscore.domain.catalog import Kit, KitComponent, Listing, Sku
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import CarrierId, Channel, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.domain.network import Carrier, Location, LocationKind
from omscore.policies.merge import MergeSettings
from omscore.policies.review import ReviewSettings
from omscore.policies.routing import RoutingSettings
from omscore.policies.settings import PipelineSettings

from .builders import config_document

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "self-run")

_TOML = """
[[shops]]
platform = "tmall"
shop = "flagship"
name = "Flagship"

[[shops]]
platform = "jd"
shop = "self-run"
review = { cod_limit_minor = 100000 }

[[skus]]
code = "TEA"
name = "Green tea"
weight_g = 300
volume_cm3 = 1200
reference_price_minor = 12800

[[skus]]
code = "CUP"
name = "Cup"
weight_g = 180
tags = ["fragile"]
reference_price_minor = 3900

[[kits]]
code = "SET"
components = [{ sku = "TEA", quantity = 1 }, { sku = "CUP", quantity = 2 }]

[[listings]]
platform = "tmall"
shop = "flagship"
listing_id = "6021001"
sku = "TEA"

[[listings]]
platform = "tmall"
shop = "flagship"
listing_id = "6021900"
kit = "SET"

[[listings]]
platform = "jd"
shop = "self-run"
listing_id = "100012345601"
sku = "CUP"

[[locations]]
id = "WH-HZ"
kind = "warehouse"
regions = ["CN"]
geo = { lat = 30.27, lon = 120.16 }

[[locations]]
id = "SUP"
kind = "supplier"

[[carriers]]
id = "ZTO"
excluded_regions = ["CN/Xinjiang"]
locations = ["WH-HZ"]

[[stock]]
location = "WH-HZ"
sku = "TEA"
on_hand = 40
safety = 2
"""


def refusal(data: Any, **kwargs: Any) -> InvalidConfigurationDocument:
    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(data, **kwargs)
    return caught.value


# --- what a valid file becomes -------------------------------------------------------------------------------


def test_a_valid_document_becomes_catalog_network_stock_and_settings() -> None:
    config = parse_config(config_document())

    assert config.channels == (TMALL, JD)
    assert config.shop_names == {TMALL: "Flagship", JD: ""}
    assert config.catalog.skus[SkuCode("CUP")] == Sku(
        SkuCode("CUP"), "Cup", weight_g=180, tags=frozenset({"fragile"}), reference_price_minor=3900
    )
    assert config.catalog.kits["SET"] == Kit(
        "SET", (KitComponent(SkuCode("TEA"), 1), KitComponent(SkuCode("CUP"), 2)), splittable=False
    )
    assert config.catalog.listing(TMALL, "6021900") == Listing(TMALL, "6021900", kit="SET")
    assert config.catalog.listing(JD, "100012345601") == Listing(JD, "100012345601", sku=SkuCode("CUP"))
    warehouse = config.network.locations[LocationId("WH-HZ")]
    assert (warehouse.kind, warehouse.regions, warehouse.geo) == (
        LocationKind.WAREHOUSE,
        ("CN",),
        GeoPoint(30.27, 120.16),
    )
    assert config.network.locations[LocationId("SUP")].kind is LocationKind.SUPPLIER
    assert config.network.carriers[CarrierId("ZTO")].excluded_regions == ("CN/Xinjiang",)
    assert config.stock == (StockLevel(LocationId("WH-HZ"), SkuCode("TEA"), on_hand=40, safety=2),)


def test_omitted_fields_take_the_defaults_of_the_domain() -> None:
    document = config_document(
        skus=[{"code": "TEA"}],
        kits=[],
        listings=[],
        locations=[{"id": "WH"}],
        carriers=[{"id": "ZTO"}],
        stock=[{"location": "WH", "sku": "TEA", "on_hand": 1}],
    )

    config = parse_config(document)

    assert config.catalog.skus[SkuCode("TEA")] == Sku(SkuCode("TEA"))
    assert config.network.locations[LocationId("WH")] == Location(LocationId("WH"))
    assert config.network.carriers[CarrierId("ZTO")] == Carrier(CarrierId("ZTO"))
    assert config.stock[0].safety == 0


def test_without_rules_the_library_defaults_apply() -> None:
    document = config_document()
    del document["shops"][1]["review"]

    assert "rules" not in document
    assert parse_config(document).settings == PipelineSettings()


def test_rules_set_the_merchant_wide_settings() -> None:
    rules = {
        "review": {"cod_limit_minor": None, "hold_on_buyer_memo": False, "hold_on_seller_memo": True},
        "merge": {"enabled": True, "window_minutes": 30, "across_shops": True, "include_presale": True},
        "routing": {"allow_split": False, "max_shipments": 1},
    }

    settings = parse_config(config_document(rules=rules)).settings

    assert settings.review == ReviewSettings(cod_limit_minor=None, hold_on_buyer_memo=False)
    assert settings.merge == MergeSettings(window_minutes=30, across_shops=True, include_presale=True)
    assert settings.routing == RoutingSettings(allow_split=False, max_shipments=1)


def test_a_shop_override_changes_only_the_fields_it_gives_and_inherits_the_rest_from_the_rules() -> None:
    document = config_document(
        rules={"review": {"cod_limit_minor": 30000, "hold_on_buyer_memo": False}},
        shops=[
            {"platform": "tmall", "shop": "flagship", "merge": {"window_minutes": 240}, "routing": {}},
            {"platform": "jd", "shop": "self-run", "review": {"hold_on_seller_memo": False}},
        ],
    )

    settings = parse_config(document).settings

    assert settings.review_for(JD) == ReviewSettings(
        cod_limit_minor=30000, hold_on_buyer_memo=False, hold_on_seller_memo=False
    )
    assert settings.review_for(TMALL) == ReviewSettings(cod_limit_minor=30000, hold_on_buyer_memo=False)
    assert settings.merge_for(TMALL) == MergeSettings(window_minutes=240)
    assert settings.merge_for(JD) == MergeSettings()
    assert settings.routing_for(TMALL) == RoutingSettings()
    assert set(settings.shop_review) == {JD}


def test_json_text_bytes_toml_and_a_mapping_give_the_same_configuration() -> None:
    document = config_document()
    text = json.dumps(document)

    expected = parse_config(document)

    assert parse_config(text) == expected
    assert parse_config(text.encode()) == expected
    assert parse_config(_TOML, format="toml") == expected
    assert parse_config(_TOML.encode(), format="toml") == expected


def test_load_config_reads_json_and_toml_files_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "merchant.json").write_text(json.dumps(config_document()), encoding="utf-8")
    (tmp_path / "merchant.toml").write_text(_TOML, encoding="utf-8")

    assert load_config(tmp_path / "merchant.toml") == load_config(str(tmp_path / "merchant.json"))


def test_load_config_lets_a_missing_file_raise_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_config(tmp_path / "absent.json")


def test_the_result_is_immutable() -> None:
    config = parse_config(config_document())

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.channels = ()  # type: ignore[misc]
    assert isinstance(config, MerchantConfig)


# --- cross-checks between sections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "entry", "field", "value"),
    [
        (
            "listings",
            {"platform": "jd", "shop": "outlet", "listing_id": "1", "sku": "TEA"},
            "listings.3.shop",
            "jd:outlet",
        ),
        ("listings", {"platform": "jd", "shop": "self-run", "listing_id": "1", "sku": "MUG"}, "listings.3.sku", "MUG"),
        ("listings", {"platform": "jd", "shop": "self-run", "listing_id": "1", "kit": "BOX"}, "listings.3.kit", "BOX"),
        ("listings", {"platform": "jd", "shop": "self-run", "listing_id": "1"}, "listings.3", "1"),
        (
            "listings",
            {"platform": "jd", "shop": "self-run", "listing_id": "1", "sku": "TEA", "kit": "SET"},
            "listings.3",
            "1",
        ),
        (
            "listings",
            {"platform": "tmall", "shop": "flagship", "listing_id": "6021001", "sku": "CUP"},
            "listings.3.listing_id",
            "6021001",
        ),
        ("stock", {"location": "WH-SH", "sku": "TEA", "on_hand": 1}, "stock.1.location", "WH-SH"),
        ("stock", {"location": "WH-HZ", "sku": "MUG", "on_hand": 1}, "stock.1.sku", "MUG"),
        ("stock", {"location": "WH-HZ", "sku": "TEA", "on_hand": 1}, "stock.1", "WH-HZ/TEA"),
        ("carriers", {"id": "SF", "locations": ["WH-HZ", "WH-SH"]}, "carriers.1.locations.1", "WH-SH"),
        ("carriers", {"id": "ZTO"}, "carriers.1.id", "ZTO"),
        ("kits", {"code": "BOX", "components": [{"sku": "MUG", "quantity": 1}]}, "kits.1.components.0.sku", "MUG"),
        ("kits", {"code": "SET", "components": [{"sku": "TEA", "quantity": 1}]}, "kits.1.code", "SET"),
        ("skus", {"code": "TEA"}, "skus.2.code", "TEA"),
        ("locations", {"id": "SUP"}, "locations.2.id", "SUP"),
        ("shops", {"platform": "jd", "shop": "self-run"}, "shops.2.shop", "self-run"),
    ],
)
def test_a_broken_reference_or_duplicate_id_is_named_by_its_path(
    section: str, entry: dict[str, Any], field: str, value: str
) -> None:
    document = config_document()
    document[section].append(entry)

    error = refusal(document)

    assert isinstance(error, InvalidConfiguration)
    assert (error.field, error.value) == (field, value)


def test_a_kit_may_not_list_a_sku_twice() -> None:
    document = config_document()
    document["kits"][0]["components"].append({"sku": "TEA", "quantity": 3})

    assert refusal(document).field == "kits.0.components.2.sku"


def test_every_broken_reference_is_listed() -> None:
    document = config_document()
    document["stock"].append({"location": "WH-SH", "sku": "MUG", "on_hand": 1})
    document["listings"][0]["sku"] = "MUG"

    error = refusal(document)

    assert [(p.field, p.value) for p in error.errors] == [
        ("listings.0.sku", "MUG"),
        ("stock.1.location", "WH-SH"),
        ("stock.1.sku", "MUG"),
    ]


# --- strict validation of each entry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "field", "named_value"),
    [
        (("skus", 0, "weight_g"), -1, "skus.0.weight_g", -1),
        (("skus", 0, "weight_g"), "300", "skus.0.weight_g", "300"),
        (("skus", 0, "tags"), ["Cold Chain"], "skus.0.tags.0", "Cold Chain"),
        (("skus", 0, "code"), "", "skus.0.code", ""),
        (("kits", 0, "components"), [], "kits.0.components", "<array of 0 items>"),
        (("kits", 0, "components", 0, "quantity"), 0, "kits.0.components.0.quantity", 0),
        (("locations", 0, "kind"), "depot", "locations.0.kind", "depot"),
        (("locations", 0, "regions"), ["CN//Zhejiang"], "locations.0.regions.0", "CN//Zhejiang"),
        (("locations", 0, "geo"), {"lat": 30.27, "lon": 181}, "locations.0.geo.lon", 181),
        (("locations", 0, "daily_capacity"), -5, "locations.0.daily_capacity", -5),
        (("carriers", 0, "max_weight_g"), 0, "carriers.0.max_weight_g", 0),
        (("carriers", 0, "supports_cod"), "yes", "carriers.0.supports_cod", "yes"),
        (("stock", 0, "on_hand"), -1, "stock.0.on_hand", -1),
        (("shops", 0, "review"), {"cod_limit_minor": -1}, "shops.0.review.cod_limit_minor", -1),
        (("shops", 0, "routing"), {"max_shipments": 0}, "shops.0.routing.max_shipments", 0),
    ],
)
def test_a_bad_value_is_refused_by_its_path(
    path: tuple[str | int, ...], value: object, field: str, named_value: object
) -> None:
    document = config_document()
    target: Any = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    error = refusal(document)

    assert (error.field, error.value) == (field, named_value)


def test_an_unknown_field_is_refused_by_name() -> None:
    document = config_document(rules={"merge": {"window": 30}})

    error = refusal(document)

    assert (error.field, error.value, error.code) == ("rules.merge.window", 30, "extra_forbidden")


@pytest.mark.parametrize(("section", "field"), [("shops", "shops"), ("locations", "locations"), ("skus", "skus")])
def test_required_sections(section: str, field: str) -> None:
    document = config_document()
    del document[section]

    assert refusal(document).field == field


def test_shops_and_locations_may_not_be_empty() -> None:
    assert refusal(config_document(shops=[])).field == "shops"
    assert refusal(config_document(locations=[])).field == "locations"


@pytest.mark.parametrize(("data", "fmt"), [("{", "json"), ("[[shops]\nplatform =", "toml"), (b"\xff", "toml")])
def test_text_in_neither_language_is_refused_as_a_whole(data: str | bytes, fmt: str) -> None:
    error = refusal(data, format=fmt)

    assert error.field == "$"
    assert error.__cause__ is not None


def test_a_validation_error_is_chained_to_the_pydantic_error() -> None:
    assert isinstance(refusal(config_document(shops=[])).__cause__, ValidationError)


def test_a_document_above_the_size_limit_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config_module, "MAX_CONFIG_BYTES", 1_000)

    error = refusal(json.dumps(config_document()))

    assert (error.field, error.code) == ("$", "too_large")
