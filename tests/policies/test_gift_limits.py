"""Gift rules (赠品): how priorities, exclusive groups, per-order limits, activity quotas and gift stock bound what an
order gets, and how the decision explains it."""

from __future__ import annotations

from gift_world import (
    JD,
    cny,
    decide,
    gift,
    given,
    line,
    order,
    rule,
)
from omscore.domain import SkuCode
from omscore.policies.gifts import (
    AmountBand,
    BuyNGetM,
    GiftGrant,
    MemoKeyword,
    QuantityTier,
    SkuPurchase,
)


def test_the_highest_band_of_an_exclusive_group_wins_and_excludes_the_others() -> None:
    bands = [
        rule("band-199", AmountBand(cny(19_900)), gift("CUP"), group="bands", priority=2),
        rule("band-299", AmountBand(cny(29_900)), gift("BAG"), group="bands", priority=1),
        rule("band-99", AmountBand(cny(9_900)), gift("MUG"), group="bands", priority=3),
    ]

    decision = decide(order(line(amount=30_000)), *bands)

    assert given(decision) == [("band-299", "BAG", 1)]
    assert decision.explanation.steps[1:] == (
        "band-199: excluded by rule band-299 of group bands",
        "band-99: excluded by rule band-299 of group bands",
    )
    assert given(decide(order(line(amount=20_000)), *bands)) == [("band-199", "CUP", 1)]


def test_rules_of_equal_priority_in_a_group_are_taken_by_id() -> None:
    decision = decide(order(), rule("b", group="g"), rule("a", None, gift("MUG"), group="g"))

    assert given(decision) == [("a", "MUG", 1)]


def test_a_group_stays_open_when_its_first_rule_gets_no_stock() -> None:
    top = rule("top", None, gift("BAG"), group="g", priority=1)
    next_one = rule("next", group="g", priority=2)

    decision = decide(order(), top, next_one, available={"CUP": 1})

    assert given(decision) == [("next", "CUP", 1)]
    assert decision.explanation.steps[0] == (
        "top: applies ×1 (bought 1 unit of TEA); no gift: BAG short (0 available, 1 needed); gives nothing; "
        "group g stays open"
    )


def test_rules_without_a_group_stack_and_each_group_gives_once() -> None:
    rules = [
        rule("a", None, gift("CUP")),
        rule("b", None, gift("MUG")),
        rule("c", None, gift("BAG"), group="g1"),
        rule("d", None, gift("FAN"), group="g2"),
        rule("e", None, gift("POT"), group="g2"),
    ]

    assert [sku for _, sku, _ in given(decide(order(), *rules))] == ["CUP", "MUG", "BAG", "FAN"]


def test_grants_come_by_priority_then_id_and_within_a_rule_in_gift_order_whatever_order_rules_come_in() -> None:
    late = rule("late", None, gift("FAN"), gift("BAG"), priority=5)
    early = rule("z-early", priority=-1)
    tie = rule("tie", None, gift("MUG"), priority=5)

    decision = decide(order(), late, early, tie)

    assert given(decision) == [("z-early", "CUP", 1), ("late", "FAN", 1), ("late", "BAG", 1), ("tie", "MUG", 1)]
    assert decide(order(), tie, early, late) == decision


def test_the_per_order_limit_caps_the_applications() -> None:
    limited = rule("1+1", BuyNGetM({"TEA"}, 1), gift("TEA"), per_order_limit=2)

    decision = decide(order(line("TEA", 5)), limited)

    assert given(decision) == [("1+1", "TEA", 2)]
    assert decision.explanation.steps == (
        "1+1: applies ×2 of 5, per-order limit 2 (bought 5 units of TEA: one per 1); gives TEA ×2",
    )


# --- quotas --------------------------------------------------------------------------------------------------


def test_the_units_left_in_an_activity_bound_the_applications_given() -> None:
    two_per_pair = rule("pairs", BuyNGetM({"TEA"}, 2), gift("CUP", 2), quota=100)

    decision = decide(order(line("TEA", 6)), two_per_pair, quota_left={"pairs": 5})

    assert given(decision) == [("pairs", "CUP", 4)]
    assert decision.explanation.steps == (
        "pairs: applies ×3 (bought 6 units of TEA: one per 2); quota left 1 of activity pairs (2 needed); "
        "2 of 3 applications given; gives CUP ×4",
    )


def test_an_activity_with_no_units_left_gives_nothing() -> None:
    decision = decide(order(), rule("r", quota=10), quota_left={"r": 0})

    assert given(decision) == []
    assert decision.explanation.steps == (
        "r: applies ×1 (bought 1 unit of TEA); quota left 0 of activity r; gives nothing",
    )
    assert decision.explanation.summary == "no gift (1 rule checked)"


def test_an_activity_the_store_does_not_list_has_its_full_quota_and_never_more() -> None:
    many = rule("many", BuyNGetM({"TEA"}, 1), gift("CUP"), quota=3)

    assert given(decide(order(line("TEA", 5)), many)) == [("many", "CUP", 3)]
    assert given(decide(order(line("TEA", 5)), many, quota_left={"many": 50})) == [("many", "CUP", 3)]


def test_the_units_left_for_the_buyer_bound_the_gift_and_other_buyers_do_not_count() -> None:
    per_buyer = rule("vip", BuyNGetM({"TEA"}, 1), gift("CUP"), per_buyer=2)
    left = {("vip", "buyer-1"): 1, ("vip", "buyer-2"): 0}

    decision = decide(order(line("TEA", 4), buyer="buyer-1"), per_buyer, buyer_quota_left=left)

    assert given(decision) == [("vip", "CUP", 1)]
    assert "buyer quota left 0 of activity vip" in decision.explanation.steps[0]
    assert given(decide(order(line("TEA", 4), buyer="buyer-3"), per_buyer, buyer_quota_left=left)) == [
        ("vip", "CUP", 2)
    ]


def test_rules_of_one_activity_share_what_it_has_left() -> None:
    first = rule("a", None, gift("CUP", 2), activity="spring", quota=3)
    second = rule("b", None, gift("MUG", 2), activity="spring", quota=3)

    decision = decide(order(), first, second)

    assert given(decision) == [("a", "CUP", 2)]
    assert decision.grants[0] == GiftGrant("a", "spring", SkuCode("CUP"), 2)
    assert decision.explanation.steps[1] == (
        "b: applies ×1 (bought 1 unit of TEA); quota left 1 of activity spring (2 needed); gives nothing"
    )


def test_figures_below_zero_count_as_zero() -> None:
    decision = decide(order(), rule("r"), available={"CUP": -3}, quota_left={"r": -1})

    assert given(decision) == []
    assert decision.explanation.steps == (
        "r: applies ×1 (bought 1 unit of TEA); quota left 0 of activity r; gives nothing",
    )


# --- stock ---------------------------------------------------------------------------------------------------


def test_a_gift_short_of_stock_gives_way_to_its_first_fallback_in_stock() -> None:
    cups = gift("CUP", 2, fallbacks=[gift("MUG", 2), gift("BAG")])

    decision = decide(order(), rule("r", None, cups), available={"CUP": 1, "MUG": 1, "BAG": 1})

    assert given(decision) == [("r", "BAG", 1)]
    assert decision.explanation.steps == (
        "r: applies ×1 (bought 1 unit of TEA); CUP short (1 available, 2 needed), MUG short (1 available, 2 needed): "
        "fallback BAG; gives BAG ×1",
    )


def test_no_gift_when_the_gift_and_its_fallbacks_are_short() -> None:
    cups = gift("CUP", 2, fallbacks=[gift("MUG")])

    decision = decide(order(), rule("r", None, cups), available={"CUP": 1})

    assert given(decision) == []
    assert decision.explanation.steps == (
        "r: applies ×1 (bought 1 unit of TEA); no gift: CUP short (1 available, 2 needed) and MUG short "
        "(0 available, 1 needed); gives nothing",
    )


def test_a_gift_exactly_in_stock_is_given_and_later_applications_take_the_fallback() -> None:
    one_per_tea = rule("r", BuyNGetM({"TEA"}, 1), gift("CUP", fallbacks=[gift("MUG")]))

    decision = decide(order(line("TEA", 3)), one_per_tea, available={"CUP": 2, "MUG": 5})

    assert given(decision) == [("r", "CUP", 2), ("r", "MUG", 1)]
    assert "CUP short (0 available, 1 needed): fallback MUG" in decision.explanation.steps[0]


def test_what_earlier_rules_take_is_not_available_to_later_ones() -> None:
    later = rule("b", None, gift("CUP", fallbacks=[gift("MUG")]))

    decision = decide(order(), rule("a"), later, available={"CUP": 1, "MUG": 1})

    assert given(decision) == [("a", "CUP", 1), ("b", "MUG", 1)]
    assert decision.units_by_sku() == {"CUP": 1, "MUG": 1}


def test_one_gift_short_does_not_stop_the_other_gifts_of_the_rule() -> None:
    decision = decide(order(), rule("r", None, gift("CUP"), gift("BAG")), available={"BAG": 1})

    assert given(decision) == [("r", "BAG", 1)]
    assert decision.explanation.steps == (
        "r: applies ×1 (bought 1 unit of TEA); no gift: CUP short (0 available, 1 needed); gives BAG ×1",
    )


def test_a_gift_missing_from_the_catalog_is_never_given() -> None:
    ghost = gift("GHOST", fallbacks=[gift("CUP")])

    decision = decide(order(), rule("r", None, ghost), available={"GHOST": 10, "CUP": 1})

    assert given(decision) == [("r", "CUP", 1)]
    assert "GHOST not in the catalog: fallback CUP" in decision.explanation.steps[0]


# --- gift lines and the explanation --------------------------------------------------------------------------


def test_gift_lines_on_the_order_never_count_towards_a_threshold() -> None:
    rules = [rule("band", AmountBand(cny(19_900))), rule("tier", QuantityTier(3)), rule("pot", SkuPurchase({"POT"}))]

    decision = decide(order(line("TEA", 2, 15_000), line("POT", 5, 50_000, gift=True)), *rules)

    assert given(decision) == []


def test_an_order_of_gift_lines_only_gets_no_gift() -> None:
    decision = decide(order(line("TEA", gift=True), seller_memo="送杯子"), rule("memo", MemoKeyword(["送杯子"])))

    assert given(decision) == []
    assert decision.explanation.summary == "no gift: every line of the order is a gift"
    assert decision.explanation.steps == ("memo: not checked: every line of the order is a gift",)


def test_the_explanation_sums_up_the_gifts_with_one_step_per_rule() -> None:
    rules = [rule("a"), rule("b", None, gift("MUG", 2), activity="spring"), rule("c", channels={JD})]

    decision = decide(order(), *rules)

    assert decision.explanation.policy == "gifts"
    assert decision.explanation.summary == "3 gift units from 2 rules: CUP ×1, MUG ×2"
    assert len(decision.explanation.steps) == 3
    assert decision.units == 3
    assert decision.units_by_activity() == {"a": 1, "spring": 2}
