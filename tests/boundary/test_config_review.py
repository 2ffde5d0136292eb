"""The review section of the configuration file (审单): the wait window, manual review and the review checks —
what they build, how shops override them, and the errors that name the offending field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from omscore.boundary import InvalidConfigurationDocument, json_schema, load_config, parse_config
from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel
from omscore.policies.review import (
    AmountRange,
    BuyerList,
    DiscountCeiling,
    LineKinds,
    MemoKeywords,
    PriceFloor,
    QuantityRange,
    RecipientList,
    RegionList,
    ReviewSettings,
    SkuList,
    TagList,
    Then,
)

from .builders import config_document
from .schema_check import schema_problems

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "self-run")

#: One entry of every kind, each with its parameters, and the rule it builds.
EVERY_CHECK: list[tuple[dict[str, Any], object]] = [
    (
        {"rule": "amount", "min_minor": 100, "max_minor": 500000, "then": "risk"},
        AmountRange(min_minor=100, max_minor=500000, then=Then.RISK),
    ),
    ({"rule": "quantity", "max_units": 50}, QuantityRange(min_units=None, max_units=50, then=Then.MANUAL)),
    (
        {"rule": "sku_list", "skus": ["TEA", "CUP"], "then": "approve"},
        SkuList(skus=frozenset({"TEA", "CUP"}), then=Then.APPROVE),
    ),
    ({"rule": "tag_list", "tags": ["fragile"]}, TagList(tags=frozenset({"fragile"}), then=Then.MANUAL)),
    ({"rule": "price_floor", "percent": 60, "then": "risk"}, PriceFloor(percent=60, then=Then.RISK)),
    ({"rule": "discount_ceiling", "percent": 0}, DiscountCeiling(percent=0, then=Then.MANUAL)),
    (
        {"rule": "buyer_list", "buyers": ["tb_fraud_01"], "then": "risk"},
        BuyerList(buyers=frozenset({"tb_fraud_01"}), then=Then.RISK),
    ),
    (
        {"rule": "recipient_list", "phones": ["+86 138-0013-8000"], "names": ["林晓雨"]},
        RecipientList(phones=frozenset({"+86 138-0013-8000"}), names=frozenset({"林晓雨"}), then=Then.MANUAL),
    ),
    (
        {"rule": "region_list", "regions": ["CN/Xinjiang", "CN/Zhejiang/Hangzhou"], "then": "risk"},
        RegionList(regions=("CN/Xinjiang", "CN/Zhejiang/Hangzhou"), then=Then.RISK),
    ),
    (
        {"rule": "memo_keywords", "keywords": ["改地址", "发票"], "seller": False},
        MemoKeywords(keywords=("改地址", "发票"), buyer=True, seller=False, then=Then.MANUAL),
    ),
    ({"rule": "line_kinds", "presale": True}, LineKinds(gift=False, presale=True, then=Then.MANUAL)),
]


def review(**fields: Any) -> dict[str, Any]:
    return {"review": fields}


def problem_of(document: dict[str, Any]) -> tuple[str, Any, str]:
    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(document)
    assert isinstance(caught.value, InvalidConfiguration)
    return caught.value.field, caught.value.value, caught.value.code


# --- what the section builds -----------------------------------------------------------------------------------


def test_without_the_new_fields_orders_are_reviewed_at_once_by_the_shipped_rules_only() -> None:
    settings = parse_config(config_document()).settings

    assert settings.review == ReviewSettings()
    assert (settings.review.wait_minutes, settings.review.manual, settings.review.checks) == (0, False, ())


def test_the_wait_window_and_manual_review_are_read() -> None:
    settings = parse_config(config_document(rules=review(wait_minutes=15, manual=True))).settings

    assert settings.review == ReviewSettings(wait_minutes=15, manual=True)


def test_every_check_builds_its_rule_with_its_parameters_in_file_order() -> None:
    document = config_document(rules=review(checks=[entry for entry, _ in EVERY_CHECK]))

    checks = parse_config(document).settings.review.checks

    assert checks == tuple(rule for _, rule in EVERY_CHECK)


@pytest.mark.parametrize(("entry", "rule"), EVERY_CHECK, ids=[entry["rule"] for entry, _ in EVERY_CHECK])
def test_each_check_builds_its_rule(entry: dict[str, Any], rule: object) -> None:
    assert parse_config(config_document(rules=review(checks=[entry]))).settings.review.checks == (rule,)


def test_a_check_without_then_holds_for_a_person_and_omitted_parameters_take_the_rules_defaults() -> None:
    document = config_document(
        rules=review(
            checks=[
                {"rule": "amount", "min_minor": 100},
                {"rule": "recipient_list", "names": ["Lin"]},
                {"rule": "memo_keywords", "keywords": ["urgent"]},
                {"rule": "line_kinds", "gift": True},
            ]
        )
    )

    checks = parse_config(document).settings.review.checks

    assert checks == (
        AmountRange(min_minor=100, max_minor=None, then=Then.MANUAL),
        RecipientList(phones=frozenset(), names=frozenset({"Lin"}), then=Then.MANUAL),
        MemoKeywords(keywords=("urgent",), buyer=True, seller=True, then=Then.MANUAL),
        LineKinds(gift=True, presale=False, then=Then.MANUAL),
    )


def test_a_shop_overrides_the_review_fields_it_gives_and_inherits_the_others() -> None:
    document = config_document(
        rules=review(wait_minutes=10, checks=[{"rule": "price_floor", "percent": 50}]),
        shops=[
            {"platform": "tmall", "shop": "flagship", "review": {"manual": True}},
            {"platform": "jd", "shop": "self-run", "review": {"checks": [{"rule": "tag_list", "tags": ["fragile"]}]}},
            {"platform": "douyin", "shop": "live", "review": {"wait_minutes": 0, "checks": []}},
            {"platform": "web", "shop": "main"},
        ],
    )

    settings = parse_config(document).settings

    merchant = ReviewSettings(wait_minutes=10, checks=(PriceFloor(percent=50),))
    assert settings.review == merchant
    assert settings.review_for(TMALL) == ReviewSettings(wait_minutes=10, manual=True, checks=merchant.checks)
    assert settings.review_for(JD) == ReviewSettings(wait_minutes=10, checks=(TagList(tags=frozenset({"fragile"})),))
    assert settings.review_for(Channel("douyin", "live")) == ReviewSettings()
    assert settings.review_for(Channel("web", "main")) == merchant


def test_checks_in_a_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "merchant.toml"
    path.write_text(
        """
[[shops]]
platform = "web"
shop = "main"

[[skus]]
code = "TEA"

[[locations]]
id = "WH"

[rules.review]
wait_minutes = 30

[[rules.review.checks]]
rule = "sku_list"
skus = ["TEA"]
then = "approve"

[[rules.review.checks]]
rule = "amount"
max_minor = 100000
""",
        encoding="utf-8",
    )

    settings = load_config(path).settings.review

    assert settings == ReviewSettings(
        wait_minutes=30,
        checks=(SkuList(skus=frozenset({"TEA"}), then=Then.APPROVE), AmountRange(max_minor=100000)),
    )


# --- errors ----------------------------------------------------------------------------------------------------

_AT = "rules.review.checks.1"


@pytest.mark.parametrize(
    ("entry", "field", "value", "code"),
    [
        ({"rule": "nearest_moon"}, _AT, "<object with 1 keys>", "union_tag_invalid"),
        ({"skus": ["TEA"]}, _AT, "<object with 1 keys>", "union_tag_not_found"),
        ({"rule": "sku_list", "skus": ["TEA"], "then": "hold"}, f"{_AT}.then", "hold", "literal_error"),
        ({"rule": "sku_list", "skus": ["TEA"], "required": True}, f"{_AT}.required", True, "extra_forbidden"),
        ({"rule": "amount", "min_minor": -1}, f"{_AT}.min_minor", -1, "greater_than_equal"),
        ({"rule": "amount", "max_minor": "500"}, f"{_AT}.max_minor", "500", "int_type"),
        ({"rule": "amount"}, f"{_AT}.min_minor", None, "domain"),
        ({"rule": "amount", "min_minor": 900, "max_minor": 100}, f"{_AT}.min_minor", 900, "domain"),
        ({"rule": "quantity", "max_units": 2.0}, f"{_AT}.max_units", 2.0, "int_type"),
        ({"rule": "quantity", "min_units": 10, "max_units": 5}, f"{_AT}.min_units", 10, "domain"),
        ({"rule": "sku_list", "skus": []}, f"{_AT}.skus", "<array of 0 items>", "too_short"),
        ({"rule": "sku_list", "skus": ["TEA", " CUP"]}, f"{_AT}.skus.1", " CUP", "string_pattern_mismatch"),
        ({"rule": "sku_list", "skus": ["TEA", "CUP", "GHOST"]}, f"{_AT}.skus.2", "GHOST", "unknown_reference"),
        ({"rule": "tag_list", "tags": ["Fragile"]}, f"{_AT}.tags.0", "Fragile", "string_pattern_mismatch"),
        ({"rule": "price_floor"}, f"{_AT}.percent", None, "missing"),
        ({"rule": "price_floor", "percent": 0}, f"{_AT}.percent", 0, "greater_than_equal"),
        ({"rule": "price_floor", "percent": 101}, f"{_AT}.percent", 101, "less_than_equal"),
        ({"rule": "discount_ceiling", "percent": -1}, f"{_AT}.percent", -1, "greater_than_equal"),
        ({"rule": "discount_ceiling", "percent": 100.0}, f"{_AT}.percent", 100.0, "int_type"),
        ({"rule": "buyer_list", "buyers": ["tb_1", ""]}, f"{_AT}.buyers.1", "", "string_too_short"),
        ({"rule": "recipient_list", "phones": ["n/a"]}, f"{_AT}.phones.0", "n/a", "string_pattern_mismatch"),
        ({"rule": "recipient_list", "names": ["Lin", "  "]}, f"{_AT}.names.1", "  ", "string_pattern_mismatch"),
        ({"rule": "recipient_list"}, f"{_AT}.phones", frozenset(), "domain"),
        ({"rule": "region_list", "regions": ["CN//Xinjiang"]}, f"{_AT}.regions.0", "CN//Xinjiang",
         "string_pattern_mismatch"),
        ({"rule": "region_list", "regions": ["CN/Tibet", "CN/ /Xinjiang"]}, f"{_AT}.regions.1", "CN/ /Xinjiang",
         "region_path"),
        ({"rule": "region_list", "regions": []}, f"{_AT}.regions", "<array of 0 items>", "too_short"),
        ({"rule": "memo_keywords", "keywords": ["\t"]}, f"{_AT}.keywords.0", "\t", "string_pattern_mismatch"),
        ({"rule": "memo_keywords", "keywords": ["x"], "buyer": False, "seller": False}, f"{_AT}.buyer", False,
         "domain"),
        ({"rule": "line_kinds"}, f"{_AT}.gift", False, "domain"),
        ({"rule": "line_kinds", "gift": 1}, f"{_AT}.gift", 1, "bool_type"),
    ],
)  # fmt: skip
def test_a_bad_check_is_refused_at_its_field_without_the_rule_tag(
    entry: dict[str, Any], field: str, value: Any, code: str
) -> None:
    document = config_document(rules=review(checks=[{"rule": "discount_ceiling", "percent": 30}, entry]))

    assert problem_of(document) == (field, value, code)


@pytest.mark.parametrize(
    ("fields", "field", "value"),
    [
        ({"wait_minutes": -1}, "rules.review.wait_minutes", -1),
        ({"wait_minutes": 43_201}, "rules.review.wait_minutes", 43_201),
        ({"wait_minutes": "10"}, "rules.review.wait_minutes", "10"),
        ({"manual": 1}, "rules.review.manual", 1),
        ({"checks": {"rule": "amount"}}, "rules.review.checks", "<object with 1 keys>"),
    ],
)
def test_a_bad_review_field_is_refused_by_its_path(fields: dict[str, Any], field: str, value: Any) -> None:
    assert problem_of(config_document(rules=review(**fields)))[:2] == (field, value)


def test_more_checks_than_a_rule_table_holds_are_refused() -> None:
    checks = [{"rule": "price_floor", "percent": 50}] * 100_001

    assert problem_of(config_document(rules=review(checks=checks)))[0] == "rules.review.checks"


@pytest.mark.parametrize(
    ("checks", "field", "value"),
    [
        ([{"rule": "sku_list", "skus": ["TEA", "CUP", "TEA", "GHOST"]}], "shops.1.review.checks.0.skus.3", "GHOST"),
        ([{"rule": "price_floor", "percent": 0}], "shops.1.review.checks.0.percent", 0),
        ([{"rule": "amount", "min_minor": 5, "max_minor": 1}], "shops.1.review.checks.0.min_minor", 5),
        ([{"rule": "region_list", "regions": ["CN/ "]}], "shops.1.review.checks.0.regions.0", "CN/ "),
    ],
)
def test_a_shops_checks_are_refused_under_the_shops_path(checks: list[dict[str, Any]], field: str, value: Any) -> None:
    document = config_document()
    document["shops"][1]["review"] = {"checks": checks}

    assert problem_of(document)[:2] == (field, value)


def test_every_bad_check_is_reported() -> None:
    document = config_document(
        rules=review(checks=[{"rule": "sku_list", "skus": ["GHOST"]}, {"rule": "region_list", "regions": ["CN/ "]}])
    )

    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(document)

    assert [problem.field for problem in caught.value.errors] == [
        "rules.review.checks.0.skus.0",
        "rules.review.checks.1.regions.0",
    ]


# --- the JSON Schema ---------------------------------------------------------------------------------------------


def test_the_json_schema_accepts_the_checks_the_parser_accepts() -> None:
    document = config_document(rules=review(wait_minutes=20, manual=False, checks=[e for e, _ in EVERY_CHECK]))
    document["shops"][0]["review"] = {"manual": True, "checks": [{"rule": "line_kinds", "gift": True}]}
    schema = json_schema("merchant_config")

    parse_config(document)

    assert schema_problems(schema, document) == []


@pytest.mark.parametrize(
    "entry",
    [
        {"rule": "nearest_moon"},
        {"rule": "price_floor", "percent": 0},
        {"rule": "sku_list", "skus": []},
        {"rule": "amount", "min_minor": 1, "then": "hold"},
        {"rule": "recipient_list", "phones": ["n/a"]},
        {"rule": "line_kinds", "gift": True, "colour": "red"},
    ],
)
def test_the_json_schema_refuses_what_the_models_refuse(entry: dict[str, Any]) -> None:
    document = config_document(rules=review(checks=[entry]))
    schema = json_schema("merchant_config")

    with pytest.raises(InvalidConfigurationDocument):
        parse_config(document)
    assert schema_problems(schema, document) != []
