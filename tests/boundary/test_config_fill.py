"""The fill order of the configuration file: ``rules.fill_order`` and each shop's ``fill_priority``."""

from __future__ import annotations

from typing import Any

import pytest

from omscore.boundary import InvalidConfigurationDocument, parse_config
from omscore.boundary.config.fill import FillKeyName
from omscore.domain.identity import Channel
from omscore.policies.fill import FillKey, FillOrder

from .builders import config_document

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "self-run")


def shops(tmall: dict[str, Any] | None = None, jd: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [
        {"platform": "tmall", "shop": "flagship", **(tmall or {})},
        {"platform": "jd", "shop": "self-run", **(jd or {})},
    ]


def refused(**sections: Any) -> InvalidConfigurationDocument:
    with pytest.raises(InvalidConfigurationDocument) as caught:
        parse_config(config_document(**sections))
    return caught.value


def test_without_a_fill_order_section_the_default_fill_order_is_used() -> None:
    settings = parse_config(config_document()).settings

    assert settings.fill == FillOrder()
    assert settings.fill.keys == (FillKey.PRIORITY, FillKey.PLACED_AT)


def test_keys_and_vip_buyers_are_read_in_order() -> None:
    document = config_document(rules={"fill_order": {"keys": ["vip", "placed_at"], "vip_buyers": ["tb_1", "tb_2"]}})

    fill = parse_config(document).settings.fill

    assert fill == FillOrder(keys=(FillKey.VIP, FillKey.PLACED_AT), vip_buyers={"tb_1", "tb_2"})


def test_shops_give_their_fill_priority_and_shops_without_one_count_zero() -> None:
    document = config_document(
        shops=shops(jd={"fill_priority": 5}), rules={"fill_order": {"keys": ["shop", "priority", "placed_at"]}}
    )

    fill = parse_config(document).settings.fill

    assert fill.keys == (FillKey.SHOP, FillKey.PRIORITY, FillKey.PLACED_AT)
    assert fill.shop_priority == {JD: 5}


def test_the_toml_form_reads_the_same() -> None:
    text = """
[[shops]]
platform = "tmall"
shop = "flagship"
fill_priority = -2

[[skus]]
code = "TEA"
name = "Tea"

[[locations]]
id = "WH"

[rules.fill_order]
keys = ["vip", "shop"]
vip_buyers = ["tb_1"]
"""

    fill = parse_config(text, format="toml").settings.fill

    assert fill == FillOrder(keys=("vip", "shop"), vip_buyers={"tb_1"}, shop_priority={TMALL: -2})


def test_the_key_names_of_the_file_are_those_of_fill_key() -> None:
    assert set(FillKeyName.__args__) == {key.value for key in FillKey}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sections", "field", "value"),
    [
        ({"rules": {"fill_order": {"keys": ["priority", "loyalty"]}}}, "rules.fill_order.keys.1", "loyalty"),
        ({"rules": {"fill_order": {"keys": "vip"}}}, "rules.fill_order.keys", "vip"),
        ({"rules": {"fill_order": {"keys": ["vip", "vip"], "vip_buyers": ["b"]}}}, "rules.fill_order.keys.1", "vip"),
        ({"rules": {"fill_order": {"vip_buyers": [""]}}}, "rules.fill_order.vip_buyers.0", ""),
        ({"rules": {"fill_order": {"keys": ["vip"], "vip_buyers": ["b", "b"]}}}, "rules.fill_order.vip_buyers.1", "b"),
        ({"rules": {"fill_order": {"order": ["vip"]}}}, "rules.fill_order.order", "<array of 1 items>"),
        (
            {"shops": shops(jd={"fill_priority": 1001}), "rules": {"fill_order": {"keys": ["shop"]}}},
            "shops.1.fill_priority",
            1001,
        ),
        ({"shops": shops(tmall={"fill_priority": "5"})}, "shops.0.fill_priority", "5"),
        ({"shops": shops(tmall={"fill_priority": True})}, "shops.0.fill_priority", True),
    ],
)
def test_a_bad_fill_order_is_refused_by_its_path_and_value(sections: dict[str, Any], field: str, value: object) -> None:
    error = refused(**sections)

    assert (error.field, error.value) == (field, value)


def test_vip_buyers_without_the_vip_key_are_refused_as_doing_nothing() -> None:
    error = refused(rules={"fill_order": {"vip_buyers": ["tb_1"]}})

    assert (error.field, error.code) == ("rules.fill_order.vip_buyers", "vip_buyers_without_vip_key")


def test_a_shop_fill_priority_without_the_shop_key_is_refused_at_the_shop() -> None:
    error = refused(shops=shops(jd={"fill_priority": 3}))

    assert (error.field, error.value, error.code) == ("shops.1.fill_priority", 3, "fill_priority_without_shop_key")


def test_a_zero_fill_priority_needs_no_shop_key() -> None:
    fill = parse_config(config_document(shops=shops(jd={"fill_priority": 0}))).settings.fill

    assert fill == FillOrder()
