"""Carrier selection (快递策略) and delivery promises (时效承诺) in the configuration file: what they build, the
errors that name the offending field, and a configured shop rule changing the carrier the pipeline chooses."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from merchant_world import HANGZHOU, START, make_platform_order
from omscore.adapters.memory import (
    MemoryDatabase,
    RecordingChannelGateway,
    RecordingFulfilmentGateway,
    memory_unit_of_work_factory,
)
from omscore.adapters.system import ManualClock, SequentialIds
from omscore.bootstrap import bootstrap
from omscore.boundary import InvalidConfigurationDocument, parse_config
from omscore.boundary.config.carriers import CriterionName
from omscore.domain.identity import CarrierId, Channel, LocationId, SkuCode
from omscore.policies.carriers.memo import DEFAULT_ALIASES, DEFAULT_NEGATIONS
from omscore.policies.carriers.settings import (
    CarrierRules,
    CarrierSettings,
    Criterion,
    MemoRules,
    RegionCarrierRule,
    ShopCarrierRule,
    SkuCarrierRule,
)
from omscore.policies.promise import CarrierTransit, LocationSchedule, PromiseSettings, promise

from .builders import config_document

EXAMPLE = Path(__file__).parents[2] / "examples" / "config.json"
TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "self-run")
CARRIERS = [{"id": "ZTO", "locations": ["WH-HZ"]}, {"id": "SF", "supports_cod": True}, {"id": "YTO"}]

EVERY_CARRIER_FIELD: dict[str, Any] = {
    "rank_by": ["sla", "cost"],
    "candidates": ["ZTO", "YTO"],
    "fallback": ["SF"],
    "rules": [
        {
            "carrier": "ZTO",
            "max_volume_cm3": 60_000,
            "max_cod_minor": 200_000,
            "required_tags": ["ambient"],
            "excluded_tags": ["battery", "liquid"],
            "volumetric_divisor": 6000,
            "daily_quota": 800,
            "hard_quota": True,
            "share": 3,
        },
        {"carrier": "YTO", "share": 1},
    ],
    "regions": [{"region": "CN/Xinjiang", "carriers": ["SF", "YTO"]}],
    "skus": [
        {"sku": "CUP", "carriers": ["SF"], "only": True},
        {"tag": "fragile", "forbidden": ["YTO", "ZTO"]},
    ],
    "memo": {
        "read_seller_memo": True,
        "read_buyer_memo": False,
        "aliases": [{"alias": "小中", "carrier": "ZTO"}],
        "negations": ["别发"],
    },
}

EVERY_PROMISE_FIELD: dict[str, Any] = {
    "default_location": {"processing_days": 1, "cutoff": "15:30", "closed_weekdays": [6]},
    "locations": [
        {
            "location": "SUP",
            "processing_days": 2,
            "timezone": "Asia/Urumqi",
            "closed_weekdays": [5, 6],
            "closed_dates": ["2026-12-31"],
        }
    ],
    "transit": [
        {
            "carrier": "ZTO",
            "by_region": [{"region": "CN/Zhejiang", "days": 1}, {"region": "CN", "days": 2}],
            "default_days": 4,
            "closed_weekdays": [6],
        }
    ],
    "holidays": ["2026-10-01", "2026-10-02"],
    "working_days": ["2026-10-11"],
}


def document(carriers: dict[str, Any] | None = None, promise: dict[str, Any] | None = None, **more: Any) -> Any:
    rules: dict[str, Any] = {}
    if carriers is not None:
        rules["carriers"] = carriers
    if promise is not None:
        rules["promise"] = promise
    return config_document(carriers=CARRIERS, rules=rules, **more)


def problem_of(doc: dict[str, Any]) -> tuple[str, Any, str]:
    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(doc)
    return caught.value.field, caught.value.value, caught.value.code


# --- what the sections build ---------------------------------------------------------------------------------


def test_without_the_sections_the_settings_are_the_library_defaults() -> None:
    settings = parse_config(document()).settings

    assert settings.carriers == CarrierSettings()
    assert settings.promise == PromiseSettings()


def test_every_carrier_field_reaches_the_carrier_settings() -> None:
    carriers = parse_config(document(EVERY_CARRIER_FIELD)).settings.carriers

    assert carriers.rank_by == (Criterion.SLA, Criterion.COST)
    assert carriers.candidates == ("ZTO", "YTO")
    assert carriers.fallback == ("SF",)
    assert carriers.rules == (
        CarrierRules(
            CarrierId("ZTO"),
            max_volume_cm3=60_000,
            max_cod_minor=200_000,
            required_tags=frozenset({"ambient"}),
            excluded_tags=frozenset({"battery", "liquid"}),
            volumetric_divisor=6000,
            daily_quota=800,
            hard_quota=True,
            share=3,
        ),
        CarrierRules(CarrierId("YTO"), share=1),
    )
    assert carriers.regions == (RegionCarrierRule("CN/Xinjiang", (CarrierId("SF"), CarrierId("YTO"))),)
    assert carriers.skus == (
        SkuCarrierRule(sku=SkuCode("CUP"), carriers=(CarrierId("SF"),), only=True),
        SkuCarrierRule(tag="fragile", forbidden=frozenset({CarrierId("YTO"), CarrierId("ZTO")})),
    )
    assert carriers.memo == MemoRules(
        read_seller_memo=True,
        read_buyer_memo=False,
        aliases={**DEFAULT_ALIASES, "小中": CarrierId("ZTO")},
        negations=("别发",),
    )
    assert carriers.shops == ()


def test_memo_aliases_can_replace_the_built_in_table() -> None:
    memo = {"builtin_aliases": False, "aliases": [{"alias": "中通", "carrier": "ZTO"}]}

    rules = parse_config(document({"memo": memo})).settings.carriers.memo

    assert dict(rules.aliases) == {"中通": "ZTO"}
    assert rules.negations == DEFAULT_NEGATIONS


def test_every_shop_carrier_field_reaches_its_shop_rule() -> None:
    shops = [
        {
            "platform": "tmall",
            "shop": "flagship",
            "carriers": {
                "carriers": ["SF", "ZTO"],
                "only": True,
                "forbidden": ["YTO"],
                "rank_by": ["cost"],
                "candidates": ["ZTO"],
                "fallback": ["ZTO"],
            },
        },
        {"platform": "jd", "shop": "self-run"},
    ]

    carriers = parse_config(document(shops=shops)).settings.carriers

    assert carriers.shops == (
        ShopCarrierRule(
            TMALL,
            carriers=(CarrierId("SF"), CarrierId("ZTO")),
            only=True,
            forbidden=frozenset({CarrierId("YTO")}),
            rank_by=(Criterion.COST,),
            candidates=(CarrierId("ZTO"),),
            fallback=(CarrierId("ZTO"),),
        ),
    )
    assert carriers.shop(JD) is None


def test_every_promise_field_reaches_the_promise_settings_sharing_one_transit_table() -> None:
    settings = parse_config(document(promise=EVERY_PROMISE_FIELD)).settings

    promised = settings.promise
    default = LocationSchedule(processing_days=1, cutoff=time(15, 30), closed_weekdays=frozenset({6}))
    assert promised.default_location == default
    # a location's omitted fields come from default_location
    assert promised.schedule(LocationId("SUP")) == LocationSchedule(
        processing_days=2,
        cutoff=time(15, 30),
        timezone="Asia/Urumqi",
        closed_weekdays=frozenset({5, 6}),
        closed_dates=frozenset({date(2026, 12, 31)}),
    )
    assert promised.schedule(LocationId("WH-HZ")) == default
    assert promised.transit.carriers == (
        CarrierTransit(
            CarrierId("ZTO"),
            by_region={"CN/Zhejiang": 1, "CN": 2},
            default_days=4,
            closed_weekdays=frozenset({6}),
        ),
    )
    assert promised.holidays == {date(2026, 10, 1), date(2026, 10, 2)}
    assert promised.working_days == {date(2026, 10, 11)}
    assert settings.carriers.transit is promised.transit


def test_the_configured_promise_gives_dates() -> None:
    config = parse_config(document(promise=EVERY_PROMISE_FIELD))
    zto = config.network.carriers[CarrierId("ZTO")]

    # Thursday 2026-11-12 10:00 in Shanghai, before the 15:30 cut-off; one processing day; one day to Zhejiang
    given = promise(
        LocationId("WH-HZ"),
        zto,
        HANGZHOU.address.region_path(),
        datetime(2026, 11, 12, 2, 0, tzinfo=UTC),
        config.settings.promise,
    )

    assert (given.ship_by, given.deliver_by) == (date(2026, 11, 13), date(2026, 11, 14))


def test_the_toml_form_gives_the_same_settings() -> None:
    toml = """
[[shops]]
platform = "tmall"
shop = "flagship"
carriers = { carriers = ["SF"] }

[[skus]]
code = "TEA"

[[locations]]
id = "WH-HZ"

[[carriers]]
id = "SF"

[rules.carriers]
rank_by = ["cost", "priority"]

[rules.promise]
holidays = ["2026-10-01"]
default_location = { cutoff = "17:00" }
"""
    settings = parse_config(toml, format="toml").settings

    assert settings.carriers.rank_by == (Criterion.COST, Criterion.PRIORITY)
    assert settings.carriers.shops == (ShopCarrierRule(TMALL, carriers=(CarrierId("SF"),)),)
    assert settings.promise.holidays == {date(2026, 10, 1)}
    assert settings.promise.default_location.cutoff == time(17)


def test_the_criteria_names_are_the_domain_criteria() -> None:
    assert set(CriterionName.__args__) == {c.value for c in Criterion}  # type: ignore[attr-defined]


def test_the_example_configuration_parses_with_carrier_and_promise_rules() -> None:
    config = parse_config(json.loads(EXAMPLE.read_text(encoding="utf-8")))

    assert config.settings.carriers.rules
    assert config.settings.carriers.shops
    assert config.settings.promise.transit.carriers
    assert config.settings.promise.holidays
    assert config.settings.carriers.transit is config.settings.promise.transit


# --- bad values, by field path -------------------------------------------------------------------------------


def shop_carriers(**fields: Any) -> list[dict[str, Any]]:
    return [{"platform": "tmall", "shop": "flagship"}, {"platform": "jd", "shop": "self-run", "carriers": fields}]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        # unknown carriers, found by CarrierSettings.check and named by their place in the document
        (document(shops=shop_carriers(carriers=["SF", "DHL"])), ("shops.1.carriers.carriers.1", "DHL")),
        (document(shops=shop_carriers(forbidden=["ZTO", "DHL", "SF"])), ("shops.1.carriers.forbidden.1", "DHL")),
        (document(shops=shop_carriers(candidates=["DHL"])), ("shops.1.carriers.candidates.0", "DHL")),
        (document(shops=shop_carriers(fallback=["SF", "EMS"])), ("shops.1.carriers.fallback.1", "EMS")),
        (document({"candidates": ["SF", "DHL"]}), ("rules.carriers.candidates.1", "DHL")),
        (document({"fallback": ["DHL"]}), ("rules.carriers.fallback.0", "DHL")),
        (document({"rules": [{"carrier": "SF"}, {"carrier": "DHL"}]}), ("rules.carriers.rules.1.carrier", "DHL")),
        (
            document({"regions": [{"region": "CN", "carriers": ["DHL"]}]}),
            ("rules.carriers.regions.0.carriers.0", "DHL"),
        ),
        (document({"skus": [{"tag": "x", "forbidden": ["SF", "DHL"]}]}), ("rules.carriers.skus.0.forbidden.1", "DHL")),
        (document(promise={"transit": [{"carrier": "DHL"}]}), ("rules.promise.transit.0.carrier", "DHL")),
    ],
)
def test_an_unknown_carrier_is_named_by_its_field(doc: dict[str, Any], expected: tuple[str, str]) -> None:
    field, value, code = problem_of(doc)

    assert (field, value, code) == (*expected, "unknown_reference")


@pytest.mark.parametrize(
    ("carriers", "promise_section", "shops", "field"),
    [
        ({"rank_by": ["speed"]}, None, None, "rules.carriers.rank_by.0"),
        ({"rank_by": ["cost", "cost"]}, None, None, "rules.carriers.rank_by.1"),
        ({"candidates": ["SF", "SF"]}, None, None, "rules.carriers.candidates.1"),
        ({"rules": [{"carrier": "SF"}, {"carrier": "SF"}]}, None, None, "rules.carriers.rules.1.carrier"),
        ({"rules": [{"carrier": "SF", "share": -1}]}, None, None, "rules.carriers.rules.0.share"),
        (
            {"rules": [{"carrier": "SF", "volumetric_divisor": 0}]},
            None,
            None,
            "rules.carriers.rules.0.volumetric_divisor",
        ),
        (
            {"rules": [{"carrier": "SF", "excluded_tags": ["Battery"]}]},
            None,
            None,
            "rules.carriers.rules.0.excluded_tags.0",
        ),
        ({"rules": [{"carrier": "SF", "daily_quota": "10"}]}, None, None, "rules.carriers.rules.0.daily_quota"),
        (
            {"regions": [{"region": "CN", "carriers": ["SF"]}, {"region": "cn", "carriers": ["SF"]}]},
            None,
            None,
            "rules.carriers.regions.1.region",
        ),
        ({"regions": [{"region": "CN", "carriers": []}]}, None, None, "rules.carriers.regions.0.carriers"),
        ({"skus": [{"sku": "TEA", "tag": "fragile"}]}, None, None, "rules.carriers.skus.0"),
        ({"skus": [{"carriers": ["SF"]}]}, None, None, "rules.carriers.skus.0"),
        ({"skus": [{"sku": "NOPE"}]}, None, None, "rules.carriers.skus.0.sku"),
        ({"skus": [{"tag": "cold_chain", "only": True}]}, None, None, "rules.carriers.skus.0.only"),
        (
            {"memo": {"aliases": [{"alias": "x", "carrier": "DHL"}]}},
            None,
            None,
            "rules.carriers.memo.aliases.0.carrier",
        ),
        (
            {"memo": {"aliases": [{"alias": "x", "carrier": "SF"}, {"alias": "x", "carrier": "SF"}]}},
            None,
            None,
            "rules.carriers.memo.aliases.1.alias",
        ),
        ({"memo": {"negations": ["  "]}}, None, None, "rules.carriers.memo.negations.0"),
        ({"memo": {"read_buyer_memo": "yes"}}, None, None, "rules.carriers.memo.read_buyer_memo"),
        ({"unknown": 1}, None, None, "rules.carriers.unknown"),
        (None, None, shop_carriers(only=True), "shops.1.carriers.only"),
        (None, None, shop_carriers(carriers=["SF", "SF"]), "shops.1.carriers.carriers.1"),
        (None, None, shop_carriers(rank_by=["sla", "sla"]), "shops.1.carriers.rank_by.1"),
        (None, {"default_location": {"cutoff": "24:00"}}, None, "rules.promise.default_location.cutoff"),
        (None, {"default_location": {"cutoff": "9:00"}}, None, "rules.promise.default_location.cutoff"),
        (None, {"default_location": {"timezone": "Mars/Olympus"}}, None, "rules.promise.default_location.timezone"),
        (None, {"default_location": {"processing_days": -1}}, None, "rules.promise.default_location.processing_days"),
        (
            None,
            {"default_location": {"closed_weekdays": [7]}},
            None,
            "rules.promise.default_location.closed_weekdays.0",
        ),
        (
            None,
            {"default_location": {"closed_weekdays": [0, 1, 2, 3, 4, 5, 6]}},
            None,
            "rules.promise.default_location.closed_weekdays",
        ),
        (
            None,
            {"default_location": {"closed_dates": ["2026-02-30"]}},
            None,
            "rules.promise.default_location.closed_dates.0",
        ),
        (None, {"locations": [{"location": "NOWHERE"}]}, None, "rules.promise.locations.0.location"),
        (None, {"locations": [{"location": "SUP"}, {"location": "SUP"}]}, None, "rules.promise.locations.1.location"),
        (
            None,
            {"locations": [{"location": "SUP", "timezone": "Nowhere/City"}]},
            None,
            "rules.promise.locations.0.timezone",
        ),
        (None, {"transit": [{"carrier": "SF"}, {"carrier": "SF"}]}, None, "rules.promise.transit.1.carrier"),
        (
            None,
            {"transit": [{"carrier": "SF", "by_region": [{"region": "CN", "days": 1}, {"region": "ＣＮ", "days": 2}]}]},
            None,
            "rules.promise.transit.0.by_region.1.region",
        ),
        (None, {"transit": [{"carrier": "SF", "default_days": -2}]}, None, "rules.promise.transit.0.default_days"),
        (
            None,
            {"holidays": ["2026-10-01"], "working_days": ["2026-10-02", "2026-10-01"]},
            None,
            "rules.promise.working_days.1",
        ),
        (None, {"holidays": ["not a date"]}, None, "rules.promise.holidays.0"),
    ],
)
def test_a_bad_value_is_refused_by_its_field(
    carriers: dict[str, Any] | None, promise_section: dict[str, Any] | None, shops: Any, field: str
) -> None:
    more = {} if shops is None else {"shops": shops}

    assert problem_of(document(carriers, promise_section, **more))[0] == field


# --- the pipeline --------------------------------------------------------------------------------------------


def merchant(shop_rule: dict[str, Any] | None) -> dict[str, Any]:
    """The test merchant of merchant_world, as a configuration file, with a carrier rule for the JD shop."""
    jd: dict[str, Any] = {"platform": "jd", "shop": "outlet"}
    if shop_rule is not None:
        jd["carriers"] = shop_rule
    return {
        "shops": [{"platform": "tmall", "shop": "flagship"}, jd],
        "skus": [{"code": "TEA", "weight_g": 250, "reference_price_minor": 3000}],
        "listings": [
            {"platform": "tmall", "shop": "flagship", "listing_id": "L-TEA", "sku": "TEA"},
            {"platform": "jd", "shop": "outlet", "listing_id": "L-TEA", "sku": "TEA"},
        ],
        "locations": [{"id": "WH-EAST", "priority": 10}],
        "carriers": [
            {"id": "YTO", "max_weight_g": 5000, "priority": 1},
            {"id": "SF", "supports_cod": True, "priority": 2},
        ],
        "stock": [{"location": "WH-EAST", "sku": "TEA", "on_hand": 10}],
    }


def carriers_chosen(shop_rule: dict[str, Any] | None) -> dict[Channel, str | None]:
    config = parse_config(merchant(shop_rule))
    oms = bootstrap(
        memory_unit_of_work_factory(MemoryDatabase()),
        clock=ManualClock(START),
        ids=SequentialIds(),
        channels=RecordingChannelGateway(),
        fulfilment=RecordingFulfilmentGateway(),
        settings=config.settings,
    )
    oms.load_master_data(
        config.catalog, config.network, [((s.location, s.sku), s.on_hand, s.safety) for s in config.stock]
    )
    chosen: dict[Channel, str | None] = {}
    for channel in config.channels:
        created = oms.ingest(make_platform_order(f"E-{channel.shop}", ("L-TEA", 1, 3000), channel=channel))
        oms.process()
        [shipment] = oms.shipments(created.order_id)
        chosen[channel] = shipment.carrier
    return chosen


def test_a_configured_shop_carrier_rule_changes_the_carrier_the_pipeline_chooses() -> None:
    tmall, jd = Channel("tmall", "flagship"), Channel("jd", "outlet")

    assert carriers_chosen(None) == {tmall: "YTO", jd: "YTO"}
    assert carriers_chosen({"carriers": ["SF"]}) == {tmall: "YTO", jd: "SF"}
    assert carriers_chosen({"forbidden": ["YTO"]}) == {tmall: "YTO", jd: "SF"}
