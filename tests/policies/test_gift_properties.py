"""Properties of the gift decision (赠品): the same inputs give the same gifts whatever order the lines and the
rules come in; the gifts never take more than the stock, the activity or the buyer has left; gift lines already
on the order change nothing; and an exclusive group gives through one rule at most."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from random import Random

import attrs
from hypothesis import given
from hypothesis import strategies as st

from omscore.domain import Catalog, Channel, ExternalOrderRef, LineId, Money, Order, OrderId, OrderLine, Sku, SkuCode
from omscore.policies.gifts import (
    AmountBand,
    BuyNGetM,
    Gift,
    GiftDecision,
    GiftRule,
    GiftTrigger,
    MemoKeyword,
    QuantityTier,
    SkuPurchase,
    decide_gifts,
)
from omscore.testing import SAMPLE_CHANNEL, SAMPLE_TIME, sample_recipient

JD = Channel("jd", "outlet")
SKUS = ("TEA", "POT", "CUP", "MUG", "BAG")
#: Gift SKUs also draw one the catalog does not know.
GIFT_SKUS = (*SKUS, "GHOST")
CATALOG = Catalog.build([Sku(SkuCode(code)) for code in SKUS])
BUYERS = ("b1", "b2")
MEMOS = ("", "送杯子", "客服：送 ｍｕｇ", "加急")
#: Activities that several rules share, beside each rule's own.
SHARED = ("spring", "vip")


@attrs.frozen
class Case:
    """Everything a decision takes, so that it can be run again with the lines, the rules or the gift lines
    changed."""

    channel: Channel
    hours: int
    buyer: str
    seller_memo: str
    buyer_memo: str
    lines: tuple[OrderLine, ...]
    gift_lines: tuple[OrderLine, ...]
    rules: tuple[GiftRule, ...]
    available: Mapping[str, int]
    quota_left: Mapping[str, int]
    buyer_quota_left: Mapping[tuple[str, str], int]

    def order(self, lines: Sequence[OrderLine] | None = None) -> Order:
        ref = ExternalOrderRef(self.channel, "E1")
        return Order.receive(
            id=OrderId("O1"),
            ref=ref,
            revision=1,
            placed_at=SAMPLE_TIME + timedelta(hours=self.hours),
            buyer_id=self.buyer,
            recipient=sample_recipient(),
            lines=(*self.lines, *self.gift_lines) if lines is None else lines,
            currency="CNY",
            shipping_fee=Money(0, "CNY"),
            buyer_memo=self.buyer_memo,
            seller_memo=self.seller_memo,
        )

    def decide(self, order: Order | None = None, rules: Sequence[GiftRule] | None = None) -> GiftDecision:
        return decide_gifts(
            self.order() if order is None else order,
            self.rules if rules is None else rules,
            catalog=CATALOG,
            available=self.available,
            quota_left=self.quota_left,
            buyer_quota_left=self.buyer_quota_left,
        )


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def sku(code: str) -> SkuCode:
    return SkuCode(code)


#: Triggers of every kind, met by some of the orders drawn and not by others (drawn whole: cheaper to generate).
TRIGGERS: tuple[GiftTrigger, ...] = (
    AmountBand(cny(0)),
    AmountBand(cny(9_900)),
    AmountBand(cny(29_900)),
    AmountBand(cny(5_000), skus={"TEA", "POT"}),
    QuantityTier(2),
    QuantityTier(6),
    QuantityTier(2, skus={"CUP"}),
    SkuPurchase({"TEA"}),
    SkuPurchase({"POT", "MUG"}, min_units=3),
    BuyNGetM({"TEA"}, 1),
    BuyNGetM({"TEA", "POT"}, 2),
    BuyNGetM({"BAG"}, 3),
    MemoKeyword(["送杯子"]),
    MemoKeyword(["mug", "加急"], buyer=True),
)
#: What rules give: one gift or two, with and without fallbacks, one of them a SKU the catalog lacks.
GIFTS: tuple[tuple[Gift, ...], ...] = (
    (Gift(sku("CUP")),),
    (Gift(sku("CUP"), 2, [Gift(sku("MUG"))]),),
    (Gift(sku("MUG"), 1, [Gift(sku("CUP"), 2), Gift(sku("BAG"))]),),
    (Gift(sku("TEA"), 3),),
    (Gift(sku("BAG")), Gift(sku("CUP"), 1, [Gift(sku("MUG"), 2)])),
    (Gift(sku("GHOST"), 1, [Gift(sku("POT"))]),),
    (Gift(sku("POT"), 2), Gift(sku("TEA"))),
)
#: Activity windows, in hours from the sample time; most rules have none.
WINDOWS = ((None, None), (None, None), (None, None), (-30, None), (None, 12), (-5, 5), (3, 40))
SHOPS: tuple[frozenset[Channel], ...] = (frozenset(), frozenset(), frozenset({SAMPLE_CHANNEL}), frozenset({JD}))
PLATFORMS: tuple[frozenset[str], ...] = (frozenset(), frozenset(), frozenset(), frozenset({"tmall"}))
CAPS = st.tuples(st.none() | st.integers(0, 8), st.none() | st.integers(0, 6))


def at(hours: int | None) -> datetime | None:
    return None if hours is None else SAMPLE_TIME + timedelta(hours=hours)


@st.composite
def rules(draw: st.DrawFn) -> tuple[GiftRule, ...]:
    shared_caps = {activity: draw(CAPS) for activity in SHARED}
    made = []
    for number in range(draw(st.integers(0, 6))):
        rule_id = f"r{number}"
        activity = draw(st.sampled_from((rule_id, rule_id, *SHARED)))
        quota, per_buyer = shared_caps[activity] if activity in SHARED else draw(CAPS)
        start, end = draw(st.sampled_from(WINDOWS))
        made.append(
            GiftRule(
                rule_id,
                draw(st.sampled_from(TRIGGERS)),
                draw(st.sampled_from(GIFTS)),
                channels=draw(st.sampled_from(SHOPS)),
                platforms=draw(st.sampled_from(PLATFORMS)),
                starts_at=at(start),
                ends_at=at(end),
                priority=draw(st.integers(0, 3)),
                group=draw(st.sampled_from((None, None, "g1", "g2"))),
                per_order_limit=draw(st.sampled_from((None, None, 1, 2))),
                quota=quota,
                per_buyer=per_buyer,
                activity=activity,
            )
        )
    return tuple(made)


def lines_of(draw: st.DrawFn, prefix: str, least: int, gift: bool) -> tuple[OrderLine, ...]:
    ref = ExternalOrderRef(SAMPLE_CHANNEL, "E1")
    return tuple(
        OrderLine(
            LineId(f"{prefix}{number}"),
            SkuCode(draw(st.sampled_from(SKUS))),
            draw(st.integers(1, 5)),
            Money(draw(st.integers(0, 30_000)), "CNY"),
            ref,
            is_gift=gift,
        )
        for number in range(draw(st.integers(least, 4)))
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    the_rules = draw(rules())
    activities = sorted({*SHARED, *(rule.activity for rule in the_rules)})
    figures = st.integers(-1, 8)
    return Case(
        channel=draw(st.sampled_from((SAMPLE_CHANNEL, SAMPLE_CHANNEL, JD))),
        hours=draw(st.sampled_from((0, 0, -10, 8, 30))),
        buyer=draw(st.sampled_from(BUYERS)),
        seller_memo=draw(st.sampled_from(MEMOS)),
        buyer_memo=draw(st.sampled_from(MEMOS)),
        lines=lines_of(draw, "L", 1, gift=False),
        gift_lines=lines_of(draw, "G", 0, gift=True),
        rules=the_rules,
        available=draw(st.dictionaries(st.sampled_from(GIFT_SKUS), st.integers(-1, 12), min_size=4)),
        quota_left=draw(st.dictionaries(st.sampled_from(activities), figures)),
        buyer_quota_left=draw(
            st.dictionaries(st.tuples(st.sampled_from(activities), st.sampled_from(BUYERS)), figures)
        ),
    )


@given(cases())
def test_the_same_inputs_give_the_same_gifts_and_explanation(case: Case) -> None:
    assert case.decide() == case.decide()


@given(cases(), st.randoms(use_true_random=False))
def test_the_gifts_do_not_depend_on_the_order_of_the_lines_or_of_the_rules(case: Case, rng: Random) -> None:
    lines = [*case.lines, *case.gift_lines]
    rules = list(case.rules)
    rng.shuffle(lines)
    rng.shuffle(rules)

    assert case.decide(case.order(lines), rules) == case.decide()


@given(cases())
def test_an_activity_never_gives_more_than_it_has_left_in_all_or_for_the_buyer(case: Case) -> None:
    decision = case.decide()

    given_units = decision.units_by_activity()
    for rule in case.rules:
        units = given_units.get(rule.activity, 0)
        for cap in (case.quota_left.get(rule.activity), rule.quota):
            if cap is not None:
                assert units <= max(0, cap)
        for cap in (case.buyer_quota_left.get((rule.activity, case.buyer)), rule.per_buyer):
            if cap is not None:
                assert units <= max(0, cap)


@given(cases())
def test_the_gifts_never_take_more_of_a_sku_than_is_available_nor_a_sku_the_catalog_lacks(case: Case) -> None:
    decision = case.decide()

    for sku, units in decision.units_by_sku().items():
        assert units <= max(0, case.available.get(sku, 0))
        assert CATALOG.sku(sku) is not None


@given(cases())
def test_gift_lines_already_on_the_order_change_nothing(case: Case) -> None:
    assert case.decide(case.order(case.lines)) == case.decide()


@given(cases())
def test_an_exclusive_group_gives_through_one_rule_at_most_and_grants_come_in_rule_order(case: Case) -> None:
    decision = case.decide()

    by_id = {rule.id: rule for rule in case.rules}
    giving = list(dict.fromkeys(grant.rule_id for grant in decision.grants))
    groups = [by_id[rule_id].group for rule_id in giving if by_id[rule_id].group is not None]
    assert len(groups) == len(set(groups))
    assert giving == sorted(giving, key=lambda rule_id: by_id[rule_id].rank)
    assert len(decision.explanation.steps) == len(case.rules)
