"""The gift rules of the configuration file (赠品, ``rules.gifts``): what they build, and the errors that name the
offending field and value."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from pydantic import BaseModel

from omscore.boundary import InvalidConfigurationDocument, json_schema, load_config, parse_config
from omscore.boundary.config.document import MerchantConfigDocument
from omscore.boundary.config.gift_triggers import (
    AmountBandTrigger,
    BuyNGetMTrigger,
    MemoKeywordTrigger,
    QuantityTierTrigger,
    SkuPurchaseTrigger,
)
from omscore.boundary.config.gifts import GiftEntry, GiftRuleEntry
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel, SkuCode
from omscore.domain.money import Money
from omscore.policies.gifts import (
    AmountBand,
    BuyNGetM,
    Gift,
    GiftRule,
    GiftSettings,
    MemoKeyword,
    QuantityTier,
    SkuPurchase,
)

from .builders import config_document
from .schema_check import schema_problems

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "self-run")
CST = timezone(timedelta(hours=8))
SINGLES_DAY = datetime(2026, 11, 11, tzinfo=CST)

#: Every kind of rule with every field the file knows, and the rule it builds (the document declares TEA and CUP).
EVERY_RULE: list[tuple[dict[str, Any], GiftRule]] = [
    (
        {
            "id": "d11-cup",
            "trigger": {"kind": "amount_band", "minimum_minor": 19900, "currency": "CNY", "skus": ["TEA"]},
            "gifts": [{"sku": "CUP", "quantity": 1, "fallbacks": [{"sku": "TEA", "quantity": 2}]}],
            "shops": [{"platform": "tmall", "shop": "flagship"}],
            "platforms": ["jd"],
            "starts_at": "2026-11-11T00:00:00+08:00",
            "ends_at": "2026-11-12T00:00:00+08:00",
            "priority": -5,
            "group": "d11",
            "per_order_limit": 1,
            "quota": 100,
            "per_buyer": 1,
            "activity": "d11",
        },
        GiftRule(
            id="d11-cup",
            trigger=AmountBand(Money(19900, "CNY"), skus=frozenset({SkuCode("TEA")})),
            gifts=(Gift(SkuCode("CUP"), 1, (Gift(SkuCode("TEA"), 2),)),),
            channels=frozenset({TMALL}),
            platforms=frozenset({"jd"}),
            starts_at=SINGLES_DAY,
            ends_at=SINGLES_DAY + timedelta(days=1),
            priority=-5,
            group="d11",
            per_order_limit=1,
            quota=100,
            per_buyer=1,
            activity="d11",
        ),
    ),
    (
        {"id": "five-units", "trigger": {"kind": "quantity_tier", "min_units": 5}, "gifts": [{"sku": "CUP"}]},
        GiftRule("five-units", QuantityTier(5), (Gift(SkuCode("CUP")),)),
    ),
    (
        {
            "id": "tea-gets-cup",
            "trigger": {"kind": "sku_purchase", "skus": ["TEA"], "min_units": 2},
            "gifts": [{"sku": "CUP", "quantity": 2}],
            "platforms": ["tmall"],
        },
        GiftRule(
            "tea-gets-cup",
            SkuPurchase(frozenset({SkuCode("TEA")}), min_units=2),
            (Gift(SkuCode("CUP"), 2),),
            platforms=frozenset({"tmall"}),
        ),
    ),
    (
        {
            "id": "tea-2-get-1",
            "trigger": {"kind": "buy_n_get_m", "skus": ["TEA"], "n": 2},
            "gifts": [{"sku": "TEA"}],
            "per_order_limit": 3,
        },
        GiftRule("tea-2-get-1", BuyNGetM(frozenset({SkuCode("TEA")}), 2), (Gift(SkuCode("TEA")),), per_order_limit=3),
    ),
    (
        {
            "id": "cs-cup",
            "trigger": {"kind": "memo_keyword", "keywords": ["送杯子", "gift cup"], "buyer": True},
            "gifts": [{"sku": "CUP"}, {"sku": "TEA", "fallbacks": [{"sku": "CUP"}]}],
            "shops": [{"platform": "jd", "shop": "self-run"}],
        },
        GiftRule(
            "cs-cup",
            MemoKeyword(("送杯子", "gift cup"), buyer=True, seller=True),
            (Gift(SkuCode("CUP")), Gift(SkuCode("TEA"), 1, (Gift(SkuCode("CUP")),))),
            channels=frozenset({JD}),
        ),
    ),
]


def gifts(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"gifts": {"rules": list(rules)}}


def problem_of(document: dict[str, Any]) -> tuple[str, Any, str]:
    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(document)
    assert isinstance(caught.value, InvalidConfiguration)
    return caught.value.field, caught.value.value, caught.value.code


# --- what the section builds -----------------------------------------------------------------------------------


def test_without_a_gifts_section_no_gift_rule_runs() -> None:
    assert parse_config(config_document()).settings.gifts == GiftSettings()


def test_every_kind_of_rule_builds_its_gift_rule_with_every_field_in_file_order() -> None:
    document = config_document(rules=gifts(*(entry for entry, _ in EVERY_RULE)))

    settings = parse_config(document).settings.gifts

    assert settings == GiftSettings(rules=tuple(rule for _, rule in EVERY_RULE))


@pytest.mark.parametrize(("entry", "rule"), EVERY_RULE, ids=[entry["id"] for entry, _ in EVERY_RULE])
def test_each_rule_builds_its_gift_rule(entry: dict[str, Any], rule: GiftRule) -> None:
    assert parse_config(config_document(rules=gifts(entry))).settings.gifts.rules == (rule,)


def test_omitted_fields_take_the_defaults_of_the_gift_rule() -> None:
    entry = {"id": "tea", "trigger": {"kind": "sku_purchase", "skus": ["TEA"]}, "gifts": [{"sku": "CUP"}]}

    (rule,) = parse_config(config_document(rules=gifts(entry))).settings.gifts.rules

    assert rule == GiftRule("tea", SkuPurchase(frozenset({SkuCode("TEA")})), (Gift(SkuCode("CUP")),))
    assert (rule.activity, rule.priority, rule.channels, rule.platforms) == ("tea", 0, frozenset(), frozenset())
    assert (rule.starts_at, rule.ends_at, rule.group, rule.per_order_limit) == (None, None, None, None)
    assert (rule.quota, rule.per_buyer, rule.gifts[0].quantity) == (None, None, 1)


def test_rules_of_one_activity_share_its_caps() -> None:
    bands = [
        {"id": f"band-{minor}", "activity": "d11", "group": "d11", "priority": -minor, "quota": 100, "per_buyer": 1,
         "trigger": {"kind": "amount_band", "minimum_minor": minor, "currency": "CNY"}, "gifts": [{"sku": sku}]}
        for minor, sku in ((19900, "CUP"), (39900, "TEA"))
    ]  # fmt: skip

    rules = parse_config(config_document(rules=gifts(*bands))).settings.gifts.rules

    assert [(rule.id, rule.activity, rule.quota, rule.per_buyer) for rule in rules] == [
        ("band-19900", "d11", 100, 1),
        ("band-39900", "d11", 100, 1),
    ]


def test_a_rule_applies_to_the_shops_it_names_and_every_shop_of_its_platforms() -> None:
    document = config_document(
        rules=gifts(
            {"id": "jd-only", "trigger": {"kind": "quantity_tier", "min_units": 1}, "gifts": [{"sku": "CUP"}],
             "platforms": ["jd"]},
            {"id": "flagship", "trigger": {"kind": "quantity_tier", "min_units": 1}, "gifts": [{"sku": "TEA"}],
             "shops": [{"platform": "tmall", "shop": "flagship"}]},
        )
    )  # fmt: skip

    settings = parse_config(document).settings.gifts

    assert [rule.id for rule in settings.rules_for(TMALL) if rule.serves(TMALL)] == ["flagship"]
    assert [rule.id for rule in settings.rules_for(JD) if rule.serves(JD)] == ["jd-only"]


def test_the_file_gives_every_field_of_the_gift_rule_and_its_parts() -> None:
    renamed = {"shops": "channels"}
    rule_fields = {renamed.get(name, name) for name in GiftRuleEntry.model_fields}

    assert rule_fields == set(attrs.fields_dict(GiftRule))
    assert set(GiftEntry.model_fields) == set(attrs.fields_dict(Gift))
    same_fields: list[tuple[type[BaseModel], type]] = [
        (QuantityTierTrigger, QuantityTier),
        (SkuPurchaseTrigger, SkuPurchase),
        (BuyNGetMTrigger, BuyNGetM),
        (MemoKeywordTrigger, MemoKeyword),
    ]
    for entry, trigger in same_fields:
        assert set(entry.model_fields) - {"kind"} == set(attrs.fields_dict(trigger)), entry.__name__
    # the threshold of an amount band is money: minor units and their currency
    assert set(AmountBandTrigger.model_fields) - {"kind"} == {"minimum_minor", "currency", "skus"}
    assert set(attrs.fields_dict(AmountBand)) == {"minimum", "skus"}


# --- round trips ------------------------------------------------------------------------------------------------

_TOML = """
[[shops]]
platform = "tmall"
shop = "flagship"

[[skus]]
code = "TEA"

[[skus]]
code = "CUP"

[[locations]]
id = "WH"

[[rules.gifts.rules]]
id = "d11-cup"
trigger = { kind = "amount_band", minimum_minor = 19900, currency = "CNY" }
gifts = [{ sku = "CUP", fallbacks = [{ sku = "TEA" }] }]
shops = [{ platform = "tmall", shop = "flagship" }]
starts_at = 2026-11-11T00:00:00+08:00
ends_at = "2026-11-12T00:00:00+08:00"
quota = 100
per_buyer = 1
"""


def test_a_toml_file_gives_the_rules_of_the_same_json_document(tmp_path: Path) -> None:
    path = tmp_path / "merchant.toml"
    path.write_text(_TOML, encoding="utf-8")
    document = {
        "shops": [{"platform": "tmall", "shop": "flagship"}],
        "skus": [{"code": "TEA"}, {"code": "CUP"}],
        "locations": [{"id": "WH"}],
        "rules": gifts(
            {"id": "d11-cup", "trigger": {"kind": "amount_band", "minimum_minor": 19900, "currency": "CNY"},
             "gifts": [{"sku": "CUP", "fallbacks": [{"sku": "TEA"}]}],
             "shops": [{"platform": "tmall", "shop": "flagship"}],
             "starts_at": "2026-11-11T00:00:00+08:00", "ends_at": "2026-11-12T00:00:00+08:00",
             "quota": 100, "per_buyer": 1}
        ),
    }  # fmt: skip

    from_toml = load_config(path).settings.gifts

    assert from_toml == parse_config(json.dumps(document)).settings.gifts
    assert from_toml.rules[0].starts_at == SINGLES_DAY


def test_the_example_document_dumped_with_every_default_reads_back_to_the_same_rules() -> None:
    document = config_document(rules=gifts(*(entry for entry, _ in EVERY_RULE)))
    text = json.dumps(document, ensure_ascii=False)

    dumped = MerchantConfigDocument.model_validate_json(text).model_dump(mode="json")

    assert parse_config(dumped).settings.gifts == parse_config(text).settings.gifts
    assert parse_config(json.dumps(dumped)).settings.gifts == GiftSettings(rules=tuple(rule for _, rule in EVERY_RULE))
    assert dumped["rules"]["gifts"]["rules"][1]["activity"] is None


def test_the_json_schema_accepts_the_rules_the_parser_accepts() -> None:
    document = config_document(rules=gifts(*(entry for entry, _ in EVERY_RULE)))

    parse_config(document)

    assert schema_problems(json_schema("merchant_config"), document) == []


@pytest.mark.parametrize(
    "entry",
    [
        {"kind": "spend_more"},
        {"kind": "amount_band", "minimum_minor": -1, "currency": "CNY"},
        {"kind": "amount_band", "minimum_minor": 100, "currency": "RMB"},
        {"kind": "buy_n_get_m", "skus": [], "n": 2},
        {"kind": "memo_keyword", "keywords": ["x"], "colour": "red"},
    ],
)
def test_the_json_schema_refuses_triggers_the_models_refuse(entry: dict[str, Any]) -> None:
    document = config_document(rules=gifts({"id": "r", "trigger": entry, "gifts": [{"sku": "CUP"}]}))

    with pytest.raises(InvalidConfigurationDocument):
        parse_config(document)
    assert schema_problems(json_schema("merchant_config"), document) != []


# --- errors ----------------------------------------------------------------------------------------------------

#: A valid rule put before the one under test, so that paths show the index of the entry.
_BASE: dict[str, Any] = {"id": "base", "trigger": {"kind": "quantity_tier", "min_units": 1}, "gifts": [{"sku": "CUP"}]}
_AT = "rules.gifts.rules.1"


def rule(**fields: Any) -> dict[str, Any]:
    """A valid rule ``r`` with ``fields`` replaced (a field given as ``None`` is left out)."""
    entry: dict[str, Any] = {"id": "r", "trigger": {"kind": "sku_purchase", "skus": ["TEA"]}, "gifts": [{"sku": "CUP"}]}
    entry.update(fields)
    return {name: value for name, value in entry.items() if value is not None}


def band(**fields: Any) -> dict[str, Any]:
    return {"kind": "amount_band", "minimum_minor": 19900, "currency": "CNY", **fields}


@pytest.mark.parametrize(
    ("entry", "field", "value", "code"),
    [
        (rule(trigger={"kind": "spend_more"}), f"{_AT}.trigger", "<object with 1 keys>", "union_tag_invalid"),
        (rule(trigger={"skus": ["TEA"]}), f"{_AT}.trigger", "<object with 1 keys>", "union_tag_not_found"),
        (rule(trigger=band(minimum_minor=-1)), f"{_AT}.trigger.minimum_minor", -1, "greater_than_equal"),
        (rule(trigger=band(minimum_minor="199")), f"{_AT}.trigger.minimum_minor", "199", "int_type"),
        (rule(trigger=band(minimum_minor=199.0)), f"{_AT}.trigger.minimum_minor", 199.0, "int_type"),
        (rule(trigger=band(minimum_minor=10**16)), f"{_AT}.trigger.minimum_minor", 10**16, "less_than_equal"),
        (rule(trigger=band(currency="RMB")), f"{_AT}.trigger.currency", "RMB", "currency"),
        (rule(trigger={"kind": "amount_band", "minimum_minor": 100}), f"{_AT}.trigger.currency", None, "missing"),
        (rule(trigger=band(skus=["TEA", "GHOST"])), f"{_AT}.trigger.skus.1", "GHOST", "unknown_reference"),
        (rule(trigger=band(skus=["TEA", "TEA"])), f"{_AT}.trigger.skus.1", "TEA", "duplicate"),
        (rule(trigger=band(skus="TEA")), f"{_AT}.trigger.skus", "TEA", "list_type"),
        (rule(trigger=band(sku="TEA")), f"{_AT}.trigger.sku", "TEA", "extra_forbidden"),
        (rule(trigger={"kind": "quantity_tier", "min_units": 0}), f"{_AT}.trigger.min_units", 0, "greater_than_equal"),
        (rule(trigger={"kind": "quantity_tier"}), f"{_AT}.trigger.min_units", None, "missing"),
        (rule(trigger={"kind": "sku_purchase", "skus": []}), f"{_AT}.trigger.skus", "<array of 0 items>", "too_short"),
        (rule(trigger={"kind": "sku_purchase", "skus": ["TEA"], "min_units": True}), f"{_AT}.trigger.min_units", True,
         "int_type"),
        (rule(trigger={"kind": "buy_n_get_m", "skus": ["TEA"], "n": 0}), f"{_AT}.trigger.n", 0, "greater_than_equal"),
        (rule(trigger={"kind": "buy_n_get_m", "skus": ["MUG"], "n": 2}), f"{_AT}.trigger.skus.0", "MUG",
         "unknown_reference"),
        (rule(trigger={"kind": "memo_keyword", "keywords": []}), f"{_AT}.trigger.keywords", "<array of 0 items>",
         "too_short"),
        (rule(trigger={"kind": "memo_keyword", "keywords": ["赠品", " \t"]}), f"{_AT}.trigger.keywords.1", " \t",
         "string_pattern_mismatch"),
        (rule(trigger={"kind": "memo_keyword", "keywords": ["x"], "buyer": False, "seller": False}),
         f"{_AT}.trigger.seller", False, "domain"),
        (rule(gifts=[]), f"{_AT}.gifts", "<array of 0 items>", "too_short"),
        (rule(gifts=None), f"{_AT}.gifts", None, "missing"),
        (rule(gifts=[{"sku": "CUP", "quantity": 0}]), f"{_AT}.gifts.0.quantity", 0, "greater_than_equal"),
        (rule(gifts=[{"sku": "CUP", "quantity": "1"}]), f"{_AT}.gifts.0.quantity", "1", "int_type"),
        (rule(gifts=[{"sku": "MUG"}]), f"{_AT}.gifts.0.sku", "MUG", "unknown_reference"),
        (rule(gifts=[{"sku": "CUP"}, {"sku": "CUP"}]), f"{_AT}.gifts.1.sku", "CUP", "duplicate"),
        (rule(gifts=[{"sku": "CUP", "fallbacks": [{"sku": "MUG"}]}]), f"{_AT}.gifts.0.fallbacks.0.sku", "MUG",
         "unknown_reference"),
        (rule(gifts=[{"sku": "CUP", "fallbacks": [{"sku": "CUP"}]}]), f"{_AT}.gifts.0.fallbacks.0.sku", "CUP",
         "duplicate"),
        (rule(gifts=[{"sku": "CUP", "fallbacks": [{"sku": "TEA"}, {"sku": "TEA"}]}]),
         f"{_AT}.gifts.0.fallbacks.1.sku", "TEA", "duplicate"),
        (rule(gifts=[{"sku": "CUP", "fallbacks": [{"sku": "TEA", "fallbacks": []}]}]),
         f"{_AT}.gifts.0.fallbacks.0.fallbacks", "<array of 0 items>", "extra_forbidden"),
        (rule(shops=[{"platform": "tmall", "shop": "outlet"}]), f"{_AT}.shops.0.shop", "tmall:outlet",
         "unknown_reference"),
        (rule(shops=[{"platform": "jd", "shop": "self-run"}, {"platform": "jd", "shop": "self-run"}]),
         f"{_AT}.shops.1.shop", "jd:self-run", "duplicate"),
        (rule(shops=["tmall/flagship"]), f"{_AT}.shops.0", "tmall/flagship", "model_type"),
        (rule(shops=[{"platform": "tmall"}]), f"{_AT}.shops.0.shop", None, "missing"),
        (rule(platforms=["tmall", "pdd"]), f"{_AT}.platforms.1", "pdd", "unknown_reference"),
        (rule(platforms=["jd", "jd"]), f"{_AT}.platforms.1", "jd", "duplicate"),
        (rule(platforms=[""]), f"{_AT}.platforms.0", "", "string_too_short"),
        (rule(starts_at="2026-11-11T00:00:00"), f"{_AT}.starts_at", datetime(2026, 11, 11), "timezone_aware"),
        (rule(ends_at="2026-11-12 00:00"), f"{_AT}.ends_at", datetime(2026, 11, 12), "timezone_aware"),
        (rule(starts_at="11/11/2026"), f"{_AT}.starts_at", "11/11/2026", "datetime_iso"),
        (rule(starts_at=1_794_067_200), f"{_AT}.starts_at", 1_794_067_200, "datetime_type"),
        (rule(starts_at="2026-11-12T00:00:00+08:00", ends_at="2026-11-11T16:00:00Z"), f"{_AT}.ends_at",
         "2026-11-11T16:00:00+00:00", "ends_before_starts"),
        (rule(priority=True), f"{_AT}.priority", True, "int_type"),
        (rule(priority=10**7), f"{_AT}.priority", 10**7, "less_than_equal"),
        (rule(group=""), f"{_AT}.group", "", "string_too_short"),
        (rule(per_order_limit=0), f"{_AT}.per_order_limit", 0, "greater_than_equal"),
        (rule(quota=-1), f"{_AT}.quota", -1, "greater_than_equal"),
        (rule(per_buyer=1.5), f"{_AT}.per_buyer", 1.5, "int_type"),
        (rule(activity=" d11"), f"{_AT}.activity", " d11", "string_pattern_mismatch"),
        (rule(id="base"), f"{_AT}.id", "base", "duplicate"),
        (rule(id=None), f"{_AT}.id", None, "missing"),
        (rule(activity="base", quota=5), f"{_AT}.quota", 5, "activity_caps_differ"),
        (rule(activity="base", per_buyer=1), f"{_AT}.per_buyer", 1, "activity_caps_differ"),
        (rule(channels=[]), f"{_AT}.channels", "<array of 0 items>", "extra_forbidden"),
    ],
)  # fmt: skip
def test_a_bad_rule_is_refused_at_its_field_with_its_value(
    entry: dict[str, Any], field: str, value: Any, code: str
) -> None:
    document = config_document(rules=gifts(_BASE, entry))

    assert problem_of(document) == (field, value, code)


@pytest.mark.parametrize(
    ("section", "field", "value", "code"),
    [
        ({"rules": {"id": "r"}}, "rules.gifts.rules", "<object with 1 keys>", "list_type"),
        ({"shop_rules": {}}, "rules.gifts.shop_rules", "<object with 0 keys>", "extra_forbidden"),
        ({"rules": [_BASE] * 100_001}, "rules.gifts.rules", "<array of 100001 items>", "too_long"),
    ],
)
def test_a_bad_section_is_refused_by_its_path(section: dict[str, Any], field: str, value: Any, code: str) -> None:
    assert problem_of(config_document(rules={"gifts": section})) == (field, value, code)


def test_every_problem_of_the_section_is_reported_in_file_order() -> None:
    document = config_document(
        rules=gifts(
            rule(id="a", gifts=[{"sku": "MUG"}], platforms=["pdd"], quota=10),
            rule(id="a", activity="a", starts_at="2026-11-11T00:00:00+08:00", ends_at="2026-11-11T00:00:00+08:00"),
        )
    )

    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(document)

    assert [(problem.field, problem.code) for problem in caught.value.errors] == [
        ("rules.gifts.rules.0.gifts.0.sku", "unknown_reference"),
        ("rules.gifts.rules.0.platforms.0", "unknown_reference"),
        ("rules.gifts.rules.1.id", "duplicate"),
        ("rules.gifts.rules.1.ends_at", "ends_before_starts"),
        ("rules.gifts.rules.1.quota", "activity_caps_differ"),
    ]
    assert caught.value.errors[2].reason == "duplicate rule id (also rules.gifts.rules.0)"
    assert caught.value.errors[4].reason == "rule a of activity a states 10"
