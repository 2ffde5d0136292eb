"""Gift settings (赠品规则设置): which rules run for a shop, and which settings are refused, naming the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from omscore.domain import (
    Catalog,
    Channel,
    ExternalOrderRef,
    InvalidConfiguration,
    InvalidInput,
    LineId,
    Money,
    Order,
    OrderId,
    OrderLine,
    Sku,
    SkuCode,
)
from omscore.policies.gifts import (
    AmountBand,
    BuyNGetM,
    Gift,
    GiftRule,
    GiftSettings,
    Match,
    MemoKeyword,
    Purchase,
    QuantityTier,
    SkuPurchase,
    decide_gifts,
)
from omscore.testing import SAMPLE_CHANNEL, SAMPLE_TIME, sample_order, sample_recipient

JD = Channel("jd", "outlet")
CUP = Gift(SkuCode("CUP"))
TEA = SkuPurchase({"TEA"})


def rule(rule_id: str = "r", **extra: Any) -> GiftRule:
    return GiftRule(rule_id, TEA, [CUP], **extra)


def refused(make: Callable[[], object]) -> InvalidConfiguration:
    with pytest.raises(InvalidConfiguration) as raised:
        make()
    return raised.value


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Gift(SkuCode("CUP"), 0), "quantity"),
        (lambda: Gift(SkuCode(" ")), "sku"),
        (lambda: Gift(SkuCode("CUP"), fallbacks=[Gift(SkuCode("CUP"), 2)]), "fallbacks.0.sku"),
        (lambda: Gift(SkuCode("CUP"), fallbacks=[Gift(SkuCode("MUG")), Gift(SkuCode("MUG"))]), "fallbacks.1.sku"),
        (lambda: Gift(SkuCode("CUP"), fallbacks=[Gift(SkuCode("MUG"), fallbacks=[CUP])]), "fallbacks.0.fallbacks"),
        (lambda: Gift(SkuCode("CUP"), fallbacks=["MUG"]), "fallbacks.0"),  # type: ignore[list-item]
        (lambda: QuantityTier(0), "min_units"),
        (lambda: BuyNGetM({"TEA"}, 0), "n"),
        (lambda: BuyNGetM((), 2), "skus"),
        (lambda: SkuPurchase("TEA"), "skus"),
        (lambda: SkuPurchase({"TEA"}, min_units=-1), "min_units"),
        (lambda: AmountBand(Money(-1, "CNY")), "minimum"),
        (lambda: AmountBand(199), "minimum"),  # type: ignore[arg-type]
        (lambda: MemoKeyword([" "]), "keywords.0"),
        (lambda: MemoKeyword([]), "keywords"),
        (lambda: MemoKeyword(["赠"], buyer=False, seller=False), "seller"),
        (lambda: rule(" "), "id"),
        (lambda: GiftRule("r", "TEA", [CUP]), "trigger"),  # type: ignore[arg-type]
        (lambda: GiftRule("r", TEA, []), "gifts"),
        (lambda: GiftRule("r", TEA, [CUP, Gift(SkuCode("CUP"), 2)]), "gifts.1.sku"),
        (lambda: rule(starts_at=datetime(2024, 11, 11)), "starts_at"),
        (lambda: rule(starts_at=SAMPLE_TIME, ends_at=SAMPLE_TIME - timedelta(hours=1)), "ends_at"),
        (lambda: rule(starts_at=SAMPLE_TIME, ends_at=SAMPLE_TIME), "ends_at"),
        (lambda: rule(per_order_limit=0), "per_order_limit"),
        (lambda: rule(quota=-1), "quota"),
        (lambda: rule(per_buyer=-2), "per_buyer"),
        (lambda: rule(priority=1.5), "priority"),
        (lambda: rule(group=""), "group"),
        (lambda: rule(activity=" "), "activity"),
        (lambda: rule(channels={"tmall:flagship"}), "channels.0"),
        (lambda: rule(platforms=[""]), "platforms.0"),
    ],
)
def test_a_setting_out_of_range_is_refused_naming_its_field(make: Callable[[], object], field: str) -> None:
    assert refused(make).field == field


def test_a_rule_id_used_twice_is_refused_in_the_settings_and_by_the_decision() -> None:
    assert refused(lambda: GiftSettings([rule("a"), rule("b"), rule("a")])).field == "rules.2.id"
    assert refused(lambda: GiftSettings([rule("a")], {JD: [rule("a")]})).field == "shop_rules.jd:outlet.0.id"
    catalog = Catalog.build([Sku(SkuCode("CUP"))])
    error = refused(lambda: decide_gifts(sample_order(), [rule("a"), rule("a")], catalog=catalog, available={}))
    assert (error.field, error.value) == ("rules.1.id", "a")


def test_rules_of_one_activity_must_state_the_same_caps() -> None:
    error = refused(lambda: GiftSettings([rule("a", activity="x", quota=10), rule("b", activity="x", quota=20)]))

    assert (error.field, error.value) == ("rules.1.quota", 20)
    assert "rule a of activity x states 10" in error.reason


def test_a_shops_own_rule_must_not_leave_that_shop_out() -> None:
    assert refused(lambda: GiftSettings(shop_rules={JD: [rule("a", platforms={"tmall"})]})).field == (
        "shop_rules.jd:outlet.0.channels"
    )
    assert refused(lambda: GiftSettings(shop_rules={"jd": []})).field == "shop_rules"  # type: ignore[dict-item]
    assert refused(lambda: GiftSettings(["a"])).field == "rules.0"  # type: ignore[list-item]


def test_a_shop_runs_the_rules_of_every_shop_then_its_own() -> None:
    everywhere, jd_only = rule("everywhere"), rule("jd-only", channels={JD})
    settings = GiftSettings([everywhere], {JD: [jd_only]})

    assert settings.rules_for(JD) == (everywhere, jd_only)
    assert settings.rules_for(SAMPLE_CHANNEL) == (everywhere,)


def test_a_rule_is_its_own_activity_unless_it_names_one() -> None:
    assert rule("spring-cup").activity == "spring-cup"
    assert rule("spring-cup", activity="spring").activity == "spring"


def test_a_trigger_answering_a_negative_count_is_a_fault() -> None:
    with pytest.raises(InvalidInput):
        Match(-1, "never")


def test_the_purchase_leaves_out_gift_lines_and_sorts_the_rest_by_line_id() -> None:
    ref = ExternalOrderRef(SAMPLE_CHANNEL, "E1")
    lines = [
        OrderLine(LineId("L2"), SkuCode("TEA"), 2, Money(5_000, "CNY"), ref),
        OrderLine(LineId("L3"), SkuCode("CUP"), 1, Money(0, "CNY"), ref, is_gift=True),
        OrderLine(LineId("L1"), SkuCode("POT"), 1, Money(9_000, "CNY"), ref),
    ]
    order = Order.receive(
        id=OrderId("O1"),
        ref=ref,
        revision=1,
        placed_at=SAMPLE_TIME,
        buyer_id="b",
        recipient=sample_recipient(),
        lines=lines,
        currency="CNY",
        shipping_fee=Money(800, "CNY"),
        seller_memo="送杯子",
    )

    purchase = Purchase.of(order)

    assert [line.id for line in purchase.lines] == ["L1", "L2"]
    assert (purchase.units(), purchase.units({SkuCode("TEA")})) == (3, 2)
    assert purchase.paid() == Money(14_000, "CNY")
    assert purchase.seller_memo == "送杯子"
