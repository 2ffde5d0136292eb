"""The sharing section of the configuration file: what it builds, how levels inherit, and the errors that name the
offending field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, get_args

import attrs
import pytest

from omscore.boundary import InvalidConfigurationDocument, parse_config
from omscore.boundary.config.sharing import ShareConfig, SharingMethodName
from omscore.domain.identity import Channel, SkuCode
from omscore.policies.sharing import (
    PoolSettings,
    ShareRule,
    ShareSettings,
    SharingConfig,
    SharingMethod,
    StockLock,
)

from .builders import config_document

TMALL, JD = Channel("tmall", "flagship"), Channel("jd", "self-run")
TEA, CUP = SkuCode("TEA"), SkuCode("CUP")
CST = timezone(timedelta(hours=8))


def sharing(**section: Any) -> dict[str, Any]:
    return config_document(sharing=section)


def problem_of(document: dict[str, Any]) -> tuple[str, Any, str]:
    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(document)
    return caught.value.field, caught.value.value, caught.value.code


# --- what the section builds -----------------------------------------------------------------------------------


def test_without_a_sharing_section_every_listing_gets_the_library_defaults() -> None:
    config = parse_config(config_document())

    assert config.sharing == SharingConfig()
    assert config.stock_locks == ()
    assert config.sharing.rule_for(TMALL, "6021001", TEA) == ShareRule()


def test_every_level_is_built_and_inherits_field_by_field() -> None:
    config = parse_config(
        sharing(
            defaults={"weight": 1, "lag_minutes": 3},
            pool={"method": "webster", "buffer": 2},
            shops=[{"platform": "tmall", "shop": "flagship", "weight": 50, "cap": 100, "velocity": 12}],
            listings=[{"platform": "tmall", "shop": "flagship", "listing_id": "6021900", "cap": 20}],
            listing_skus=[
                {"platform": "tmall", "shop": "flagship", "listing_id": "6021900", "sku": "CUP", "exclusive": 4}
            ],
            skus=[{"sku": "TEA", "method": "shared", "presale_stock": 30, "pace_lags": 1.5}],
        )
    )

    assert config.sharing == SharingConfig(
        defaults=ShareSettings(weight=1, lag_minutes=3),
        shops={TMALL: ShareSettings(weight=50, cap=100, velocity=12)},
        listings={(TMALL, "6021900"): ShareSettings(cap=20)},
        listing_skus={(TMALL, "6021900", CUP): ShareSettings(exclusive=4)},
        pool=PoolSettings(method=SharingMethod.WEBSTER, buffer=2),
        sku_pools={TEA: PoolSettings(method=SharingMethod.SHARED, presale_stock=30, pace_lags=1.5)},
    )
    kit_cup = config.sharing.rule_for(TMALL, "6021900", CUP)
    assert (kit_cup.weight, kit_cup.cap, kit_cup.exclusive, kit_cup.lag_minutes) == (50, 20, 4, 3)
    assert config.sharing.rule_for(JD, "100012345601", CUP) == ShareRule(weight=1, lag_minutes=3)
    assert config.sharing.pool_rule_for(TEA).buffer == 2
    assert config.sharing.pool_rule_for(TEA).method is SharingMethod.SHARED


def test_locks_are_built_with_their_times_and_listing() -> None:
    starts = datetime(2026, 11, 11, 20, 0, tzinfo=CST)
    config = parse_config(
        sharing(
            locks=[
                {
                    "key": "live-1111",
                    "platform": "tmall",
                    "shop": "flagship",
                    "sku": "TEA",
                    "quantity": 40,
                    "starts": "2026-11-11T20:00:00+08:00",
                    "until": "2026-11-11T22:00:00+08:00",
                    "listing_id": "6021001",
                },
                {
                    "key": "promo",
                    "platform": "jd",
                    "shop": "self-run",
                    "sku": "CUP",
                    "quantity": 5,
                    "until": "2026-11-12T00:00:00Z",
                },
            ]
        )
    )

    assert config.stock_locks == (
        StockLock("live-1111", TMALL, TEA, 40, until=starts + timedelta(hours=2), starts=starts, listing_id="6021001"),
        StockLock("promo", JD, CUP, 5, until=datetime(2026, 11, 12, tzinfo=UTC)),
    )


def test_the_same_section_reads_from_toml() -> None:
    text = """
[[shops]]
platform = "shopify"
shop = "web"
[[skus]]
code = "TEA"
[[listings]]
platform = "shopify"
shop = "web"
listing_id = "gid-1"
sku = "TEA"
[[locations]]
id = "WH"
[sharing.defaults]
cap = 30
[sharing.pool]
method = "hamilton"
[[sharing.locks]]
key = "drop"
platform = "shopify"
shop = "web"
sku = "TEA"
quantity = 3
until = 2026-11-12T00:00:00Z
"""
    config = parse_config(text, format="toml")

    assert config.sharing.defaults == ShareSettings(cap=30)
    assert config.sharing.pool.method is SharingMethod.HAMILTON
    assert config.stock_locks[0].until == datetime(2026, 11, 12, tzinfo=UTC)


def test_the_file_names_every_setting_the_policy_has() -> None:
    assert set(ShareConfig.model_fields) == set(attrs.fields_dict(ShareSettings))
    assert set(get_args(SharingMethodName)) == {method.value for method in SharingMethod}


# --- bad values, named by their path ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "field", "code"),
    [
        ({"defaults": {"weight": -1}}, "sharing.defaults.weight", "greater_than_equal"),
        ({"defaults": {"cap": 2.5}}, "sharing.defaults.cap", "int_type"),
        ({"defaults": {"velocity": "fast"}}, "sharing.defaults.velocity", "float_type"),
        ({"defaults": {"lag_minutes": 20_000}}, "sharing.defaults.lag_minutes", "less_than_equal"),
        ({"defaults": {"share": 1}}, "sharing.defaults.share", "extra_forbidden"),
        ({"pool": {"method": "largest"}}, "sharing.pool.method", "literal_error"),
        ({"pool": {"buffer": -2}}, "sharing.pool.buffer", "greater_than_equal"),
        ({"shops": [{"platform": "tmall", "weight": 3}]}, "sharing.shops.0.shop", "missing"),
        ({"skus": [{"sku": "TEA", "pace_lags": -1}]}, "sharing.skus.0.pace_lags", "greater_than_equal"),
        (
            {
                "locks": [
                    {
                        "key": "k",
                        "platform": "jd",
                        "shop": "self-run",
                        "sku": "CUP",
                        "quantity": 0,
                        "until": "2026-11-12T00:00:00Z",
                    }
                ]
            },
            "sharing.locks.0.quantity",
            "greater_than_equal",
        ),
        (
            {
                "locks": [
                    {
                        "key": "k",
                        "platform": "jd",
                        "shop": "self-run",
                        "sku": "CUP",
                        "quantity": 1,
                        "until": "2026-11-12T00:00:00",
                    }
                ]
            },
            "sharing.locks.0.until",
            "timezone_aware",
        ),
    ],
)
def test_a_bad_value_is_named_by_its_path(section: dict[str, Any], field: str, code: str) -> None:
    assert problem_of(sharing(**section))[::2] == (field, code)


@pytest.mark.parametrize(
    ("section", "field", "value", "code"),
    [
        (
            {"shops": [{"platform": "tmall", "shop": "nowhere"}]},
            "sharing.shops.0.shop",
            "tmall:nowhere",
            "unknown_reference",
        ),
        (
            {"shops": [{"platform": "jd", "shop": "self-run"}, {"platform": "jd", "shop": "self-run", "cap": 1}]},
            "sharing.shops.1.shop",
            "jd:self-run",
            "duplicate",
        ),
        (
            {"listings": [{"platform": "jd", "shop": "self-run", "listing_id": "404", "cap": 1}]},
            "sharing.listings.0.listing_id",
            "404",
            "unknown_reference",
        ),
        (
            {"listing_skus": [{"platform": "tmall", "shop": "flagship", "listing_id": "6021001", "sku": "CUP"}]},
            "sharing.listing_skus.0.sku",
            "CUP",
            "not_sold",
        ),
        ({"skus": [{"sku": "COFFEE", "buffer": 1}]}, "sharing.skus.0.sku", "COFFEE", "unknown_reference"),
        ({"skus": [{"sku": "TEA"}, {"sku": "TEA", "buffer": 1}]}, "sharing.skus.1.sku", "TEA", "duplicate"),
        (
            {"shops": [{"platform": "jd", "shop": "self-run", "floor_show": 2}]},
            "sharing.shops.0.floor_show",
            2,
            "floor_show_without_floor",
        ),
    ],
)
def test_a_reference_the_document_does_not_declare_is_named_by_its_path(
    section: dict[str, Any], field: str, value: Any, code: str
) -> None:
    assert problem_of(sharing(**section)) == (field, value, code)


def test_a_floor_at_a_more_specific_level_satisfies_an_inherited_floor_show() -> None:
    config = parse_config(
        sharing(
            defaults={"floor_show": 0},
            shops=[{"platform": "tmall", "shop": "flagship", "floor_show": 1}],
            listings=[
                {"platform": "tmall", "shop": "flagship", "listing_id": "6021001", "floor": 3},
                {"platform": "tmall", "shop": "flagship", "listing_id": "6021900", "floor": 2},
            ],
        )
    )

    assert config.sharing.rule_for(TMALL, "6021001", TEA).floor == 3


def test_a_lock_must_name_a_declared_shop_sku_and_listing_and_end_after_it_starts() -> None:
    lock = {"key": "k", "platform": "tmall", "shop": "flagship", "sku": "CUP", "quantity": 1}
    cases = [
        ({**lock, "listing_id": "6021001", "until": "2026-11-12T00:00:00Z"}, "sharing.locks.0.listing_id", "not_sold"),
        ({**lock, "sku": "COFFEE", "until": "2026-11-12T00:00:00Z"}, "sharing.locks.0.sku", "unknown_reference"),
        ({**lock, "shop": "outlet", "until": "2026-11-12T00:00:00Z"}, "sharing.locks.0.shop", "unknown_reference"),
        (
            {**lock, "starts": "2026-11-12T00:00:00Z", "until": "2026-11-11T23:00:00Z"},
            "sharing.locks.0.until",
            "until_before_starts",
        ),
    ]
    for entry, field, code in cases:
        assert problem_of(sharing(locks=[entry]))[::2] == (field, code)
    twice = [{**lock, "until": "2026-11-12T00:00:00Z"}] * 2
    assert problem_of(sharing(locks=twice))[::2] == ("sharing.locks.1.key", "duplicate")
