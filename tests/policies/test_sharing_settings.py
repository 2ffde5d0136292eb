"""Settings inheritance: listing SKU > listing > shop > merchant defaults, field by field."""

from __future__ import annotations

import pytest

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel, SkuCode
from omscore.policies.sharing import PoolRule, PoolSettings, ShareRule, ShareSettings, SharingConfig, SharingMethod

SHOP = Channel("tmall", "flagship")
TEA, CUP = SkuCode("TEA"), SkuCode("CUP")


def test_the_more_specific_level_wins_and_unset_fields_are_inherited() -> None:
    config = SharingConfig(
        defaults=ShareSettings(weight=1, lag_minutes=10.0),
        shops={SHOP: ShareSettings(weight=50, cap=100)},
        listings={(SHOP, "KIT-1"): ShareSettings(cap=20)},
        listing_skus={(SHOP, "KIT-1", TEA): ShareSettings(exclusive=5)},
    )
    assert config.rule_for(SHOP, "KIT-1", TEA) == ShareRule(weight=50, cap=20, exclusive=5, lag_minutes=10.0)
    assert config.rule_for(SHOP, "KIT-1", CUP) == ShareRule(weight=50, cap=20, lag_minutes=10.0)
    assert config.rule_for(SHOP, "OTHER", TEA) == ShareRule(weight=50, cap=100, lag_minutes=10.0)
    assert config.rule_for(Channel("jd", "main"), "X", TEA) == ShareRule(weight=1, lag_minutes=10.0)


def test_a_zero_set_at_a_specific_level_overrides_a_value_above_it() -> None:
    config = SharingConfig(shops={SHOP: ShareSettings(weight=3)}, listings={(SHOP, "L"): ShareSettings(weight=0)})
    assert config.rule_for(SHOP, "L", TEA).weight == 0


def test_pool_settings_are_merged_per_sku() -> None:
    config = SharingConfig(
        pool=PoolSettings(method=SharingMethod.WEBSTER, buffer=2),
        sku_pools={TEA: PoolSettings(buffer=5, presale_stock=100)},
    )
    assert config.pool_rule_for(TEA) == PoolRule(method=SharingMethod.WEBSTER, buffer=5, presale_stock=100)
    assert config.pool_rule_for(CUP) == PoolRule(method=SharingMethod.WEBSTER, buffer=2)


@pytest.mark.parametrize(
    "kwargs", [{"weight": -1}, {"cap": 1.5}, {"velocity": -2.0}, {"exclusive": True}, {"lag_minutes": float("nan")}]
)
def test_bad_values_are_refused_with_the_field_named(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidConfiguration) as error:
        ShareSettings(**kwargs)  # type: ignore[arg-type]
    assert error.value.field == next(iter(kwargs))


def test_a_floor_show_without_a_floor_is_refused() -> None:
    config = SharingConfig(defaults=ShareSettings(floor_show=2))
    with pytest.raises(InvalidConfiguration):
        config.rule_for(SHOP, "L", TEA)
