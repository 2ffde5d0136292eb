"""Gift rules (赠品): what each trigger gives, and where and when a rule applies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gift_world import (
    CST,
    JD,
    cny,
    decide,
    gift,
    given,
    line,
    order,
    rule,
)
from omscore.domain import InvalidInput, Money
from omscore.policies.gifts import (
    AmountBand,
    BuyNGetM,
    MemoKeyword,
    QuantityTier,
    SkuPurchase,
)
from omscore.testing import SAMPLE_TIME

# --- triggers ------------------------------------------------------------------------------------------------


def test_an_amount_band_gives_from_its_threshold_on_counting_what_was_paid_without_shipping() -> None:
    band = rule("band", AmountBand(cny(19_900)))

    assert given(decide(order(line(amount=19_900)), band)) == [("band", "CUP", 1)]
    below = decide(order(line(amount=19_899), shipping_fee=1_000), band)
    assert given(below) == []
    assert below.explanation.steps == ("band: below threshold: non-gift lines paid 198.99 CNY, needs 199.00 CNY",)


def test_an_amount_band_over_listed_skus_counts_only_their_lines() -> None:
    band = rule("band", AmountBand(cny(10_000), skus={"POT"}))

    decision = decide(order(line("TEA", amount=50_000), line("POT", amount=9_000)), band)

    assert given(decision) == []
    assert decision.explanation.steps == ("band: below threshold: lines of POT paid 90.00 CNY, needs 100.00 CNY",)


def test_an_amount_band_in_another_currency_is_not_reached() -> None:
    decision = decide(order(line(amount=900_000)), rule("band", AmountBand(Money(100, "USD"))))

    assert given(decision) == []
    assert decision.explanation.steps == ("band: below threshold: the order is in CNY, the threshold is 1.00 USD",)


def test_a_quantity_tier_counts_the_units_of_the_listed_skus_only() -> None:
    store_wide = rule("all", QuantityTier(5))
    pots_only = rule("pots", QuantityTier(3, skus={"POT"}))

    decision = decide(order(line("TEA", 3), line("POT", 2)), store_wide, pots_only)

    assert given(decision) == [("all", "CUP", 1)]
    assert decision.explanation.steps == (
        "all: applies ×1 (5 units of non-gift lines ≥ 5); gives CUP ×1",
        "pots: below threshold: 2 units of lines of POT, needs 3",
    )


def test_buying_one_of_the_listed_skus_gives_the_gift_and_buying_none_says_so() -> None:
    buy_a = rule("buy-pot", SkuPurchase({"POT", "FAN"}), gift("BAG"))
    two_teas = rule("two-teas", SkuPurchase({"TEA"}, min_units=2))

    decision = decide(order(line("TEA")), buy_a, two_teas)

    assert given(decision) == []
    assert decision.explanation.steps == (
        "buy-pot: below threshold: none of FAN, POT bought",
        "two-teas: below threshold: 1 unit of TEA, needs 2",
    )
    assert given(decide(order(line("FAN")), buy_a)) == [("buy-pot", "BAG", 1)]


def test_buy_n_get_m_gives_m_units_for_every_n_bought() -> None:
    three_get_two = rule("3+2", BuyNGetM({"TEA"}, 3), gift("TEA", 2))

    decision = decide(order(line("TEA", 7)), three_get_two)

    assert given(decision) == [("3+2", "TEA", 4)]
    assert decision.explanation.steps == ("3+2: applies ×2 (bought 7 units of TEA: one per 3); gives TEA ×4",)


def test_buy_n_get_m_may_give_another_sku_and_stops_short_of_n() -> None:
    pot_per_two = rule("pot", BuyNGetM({"TEA"}, 2), gift("POT"))

    assert given(decide(order(line("TEA", 5)), pot_per_two)) == [("pot", "POT", 2)]
    assert decide(order(line("TEA", 1)), pot_per_two).explanation.steps == (
        "pot: below threshold: 1 unit of TEA, needs 2",
    )


def test_a_memo_keyword_is_found_in_the_seller_memo_with_width_and_case_folded() -> None:
    promised = rule("promised", MemoKeyword(["送 FAN"]), gift("FAN"))

    decision = decide(order(seller_memo="客服：已答应送ｆａｎ一个"), promised)

    assert given(decision) == [("promised", "FAN", 1)]
    assert decision.explanation.steps == ("promised: applies ×1 (seller memo mentions 送 FAN); gives FAN ×1",)


def test_a_memo_keyword_reads_the_buyer_memo_only_when_told_to() -> None:
    seller_only = rule("seller", MemoKeyword(["送杯子"]))
    both = rule("both", MemoKeyword(["送杯子"], buyer=True), gift("MUG"))

    decision = decide(order(buyer_memo="请送杯子"), seller_only, both)

    assert given(decision) == [("both", "MUG", 1)]
    assert decision.explanation.steps[1] == "seller: not met: no seller memo mentions 送杯子"


# --- where and when ------------------------------------------------------------------------------------------


def test_the_window_includes_its_start_and_excludes_its_end() -> None:
    start, end = SAMPLE_TIME, SAMPLE_TIME + timedelta(days=1)
    windowed = rule("w", starts_at=start, ends_at=end)

    assert given(decide(order(placed_at=start), windowed)) == [("w", "CUP", 1)]
    assert given(decide(order(placed_at=end - timedelta(seconds=1)), windowed)) == [("w", "CUP", 1)]
    at_end = decide(order(placed_at=end), windowed)
    before = decide(order(placed_at=start - timedelta(seconds=1)), windowed)
    assert given(at_end) == given(before) == []
    assert at_end.explanation.steps == (
        "w: outside its window (placed 2024-11-12 00:05:00+00:00, at or after its end 2024-11-12 00:05:00+00:00)",
    )
    assert before.explanation.steps == (
        "w: outside its window (placed 2024-11-11 00:04:59+00:00, before its start 2024-11-11 00:05:00+00:00)",
    )


def test_the_window_compares_instants_across_time_zones() -> None:
    singles_day_cst = rule(
        "w", starts_at=datetime(2024, 11, 11, tzinfo=CST), ends_at=datetime(2024, 11, 12, tzinfo=CST)
    )

    assert given(decide(order(placed_at=datetime(2024, 11, 10, 16, 0, tzinfo=UTC)), singles_day_cst)) == [
        ("w", "CUP", 1)
    ]
    assert given(decide(order(placed_at=datetime(2024, 11, 10, 15, 59, tzinfo=UTC)), singles_day_cst)) == []


def test_an_order_placed_at_a_naive_time_is_refused_when_a_rule_has_a_window() -> None:
    with pytest.raises(InvalidInput) as raised:
        decide(order(placed_at=datetime(2024, 11, 11)), rule(starts_at=SAMPLE_TIME))

    assert raised.value.field == "placed_at"


def test_a_rule_applies_to_its_shops_and_to_every_shop_of_its_platforms() -> None:
    jd_only = rule("jd", channels={JD})
    tmall_platform = rule("tmall", None, gift("MUG"), platforms={"tmall"})

    decision = decide(order(), jd_only, tmall_platform)

    assert given(decision) == [("tmall", "MUG", 1)]
    assert decision.explanation.steps[0] == "jd: other shop (tmall:flagship)"
    assert given(decide(order(channel=JD), jd_only, tmall_platform)) == [("jd", "CUP", 1)]


# --- priority, groups, limits --------------------------------------------------------------------------------
