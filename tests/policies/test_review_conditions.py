"""The configurable review conditions (审单条件): what each matches, where its bounds lie, what its ``then`` does
with a match, which settings it refuses, and how an allow list ends a review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from omscore.domain import (
    Address,
    Catalog,
    ExternalOrderRef,
    Hold,
    HoldKind,
    InvalidConfiguration,
    LineId,
    Money,
    Order,
    OrderId,
    OrderLine,
    Recipient,
    Sku,
    SkuCode,
)
from omscore.policies.review import (
    AmountRange,
    Approve,
    BuyerList,
    DiscountCeiling,
    IncompleteAddress,
    LineKinds,
    MemoKeywords,
    MemoPresent,
    PriceFloor,
    QuantityRange,
    RecipientList,
    RegionList,
    ReviewRule,
    ReviewSettings,
    SkuList,
    TagList,
    Then,
    default_rules,
    review,
)
from omscore.testing import SAMPLE_CHANNEL, SAMPLE_TIME, sample_recipient

REF = ExternalOrderRef(SAMPLE_CHANNEL, "E1")
CATALOG = Catalog.build(
    [
        Sku(SkuCode("TEA"), tags=frozenset({"fragile"}), reference_price_minor=10_000),
        Sku(SkuCode("ICE"), tags=frozenset({"cold_chain", "fragile"}), reference_price_minor=2_000),
        Sku(SkuCode("BAG")),
    ]
)
URUMQI = Recipient("王芳", "13900139000", Address("CN", "新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放北路 1 号"))


def line(
    sku: str = "TEA",
    quantity: int = 1,
    amount: int = 10_000,
    *,
    line_id: str | None = None,
    unit_price: int | None = None,
    **extra: Any,
) -> OrderLine:
    """A line of ``quantity`` units of ``sku`` paid ``amount`` minor CNY; with ``unit_price`` the difference to
    ``unit_price × quantity`` is its discount."""
    price = None if unit_price is None else Money(unit_price, "CNY")
    discount = None if unit_price is None else Money(unit_price * quantity - amount, "CNY")
    return OrderLine(
        LineId(line_id or sku), SkuCode(sku), quantity, Money(amount, "CNY"), REF, price, discount, **extra
    )


def order(
    *lines: OrderLine,
    shipping_fee: int = 0,
    buyer: str = "buyer-1",
    recipient: Recipient | None = None,
    buyer_memo: str = "",
    seller_memo: str = "",
) -> Order:
    """An order of ``lines`` (one TEA line at 100.00 CNY when none are given)."""
    return Order.receive(
        id=OrderId("O1"),
        ref=REF,
        revision=1,
        placed_at=SAMPLE_TIME,
        buyer_id=buyer,
        recipient=recipient or sample_recipient(),
        lines=lines or (line(),),
        currency="CNY",
        shipping_fee=Money(shipping_fee, "CNY"),
        buyer_memo=buyer_memo,
        seller_memo=seller_memo,
    )


def detail(rule: ReviewRule, the_order: Order) -> str | None:
    """The reason of the hold ``rule`` puts on ``the_order``, or ``None`` when it passes."""
    verdict = rule.check(the_order, CATALOG)
    assert not isinstance(verdict, Approve)
    return None if verdict is None else verdict.detail


def refused(make: Callable[[], object]) -> InvalidConfiguration:
    with pytest.raises(InvalidConfiguration) as raised:
        make()
    return raised.value


# --- amount and quantity ranges -------------------------------------------------------------------------------


def test_an_order_total_above_the_amount_range_is_held_with_both_amounts_in_the_order_currency() -> None:
    rule = AmountRange(max_minor=500_000)

    verdict = rule.check(order(line(amount=600_000)), CATALOG)

    assert verdict == Hold(HoldKind.MANUAL, "amount: total 6000.00 CNY is above 5000.00")


def test_the_amount_range_includes_its_bounds_and_counts_the_shipping_fee() -> None:
    rule = AmountRange(min_minor=5_000, max_minor=10_000)

    assert detail(rule, order(line(amount=5_000))) is None
    assert detail(rule, order(line(amount=9_000), shipping_fee=1_000)) is None
    assert detail(rule, order(line(amount=9_000), shipping_fee=1_001)) == "amount: total 100.01 CNY is above 100.00"
    assert detail(rule, order(line(amount=4_999))) == "amount: total 49.99 CNY is below 50.00"


def test_an_amount_range_with_one_bound_leaves_the_other_side_open() -> None:
    assert detail(AmountRange(min_minor=1_000), order(line(amount=10**9))) is None
    assert detail(AmountRange(max_minor=1_000), order(line(amount=0))) is None


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({}, "min_minor"),
        ({"min_minor": -1}, "min_minor"),
        ({"max_minor": -1}, "max_minor"),
        ({"min_minor": 2, "max_minor": 1}, "min_minor"),
        ({"max_minor": 1.5}, "max_minor"),
        ({"max_minor": True}, "max_minor"),
    ],
)
def test_an_amount_range_refuses_no_bounds_negative_bounds_crossed_bounds_and_non_integers(
    settings: dict[str, Any], field: str
) -> None:
    assert refused(lambda: AmountRange(**settings)).field == field


def test_an_order_of_more_units_than_the_quantity_range_allows_is_held() -> None:
    rule = QuantityRange(max_units=5)

    the_order = order(line("TEA", 4), line("BAG", 2, 0))

    assert detail(rule, the_order) == "quantity: total 6 units is above 5"


def test_the_quantity_range_includes_its_bounds() -> None:
    rule = QuantityRange(min_units=2, max_units=5)

    assert detail(rule, order(line(quantity=2))) is None
    assert detail(rule, order(line(quantity=5))) is None
    assert detail(rule, order(line(quantity=1))) == "quantity: total 1 unit is below 2"


@pytest.mark.parametrize(
    ("settings", "field"),
    [({}, "min_units"), ({"min_units": -1}, "min_units"), ({"min_units": 3, "max_units": 2}, "min_units")],
)
def test_a_quantity_range_refuses_no_bounds_negative_bounds_and_crossed_bounds(
    settings: dict[str, Any], field: str
) -> None:
    assert refused(lambda: QuantityRange(**settings)).field == field


# --- SKUs, tags and prices -----------------------------------------------------------------------------------


def test_an_order_with_a_listed_sku_is_held_naming_each_listed_sku_once_in_order() -> None:
    rule = SkuList({"TEA", "ICE", "CUP"})

    the_order = order(line("TEA", line_id="3"), line("ICE", line_id="1"), line("TEA", line_id="2"), line("BAG"))

    assert detail(rule, the_order) == "sku_list: listed SKU(s) ICE, TEA"
    assert detail(rule, order(line("BAG"))) is None


def test_an_order_with_a_sku_carrying_a_listed_tag_is_held_naming_the_sku_and_its_listed_tags() -> None:
    rule = TagList({"cold_chain", "fragile"})

    assert (
        detail(rule, order(line("ICE"), line("TEA")))
        == "tag_list: tagged SKU(s) ICE (cold_chain, fragile), TEA (fragile)"
    )
    assert detail(TagList({"cold_chain"}), order(line("TEA"), line("BAG"))) is None


def test_a_sku_missing_from_the_catalog_carries_no_tags() -> None:
    assert detail(TagList({"fragile"}), order(line("GHOST"))) is None


def test_a_line_sold_below_the_price_floor_is_held_and_a_line_exactly_at_it_passes() -> None:
    rule = PriceFloor(50)  # TEA's reference price is 100.00 a unit

    assert detail(rule, order(line("TEA", 3, 15_000))) is None
    assert detail(rule, order(line("TEA", 3, 14_999, line_id="L1"))) == (
        "price_floor: line L1 (TEA) paid 149.99 CNY for 3 unit(s), below 50% of the reference price 100.00 CNY a unit"
    )


def test_the_price_floor_skips_gifts_skus_without_a_reference_price_and_skus_missing_from_the_catalog() -> None:
    rule = PriceFloor(100)

    the_order = order(line("TEA", amount=0, is_gift=True), line("BAG", amount=0), line("GHOST", amount=0))

    assert detail(rule, the_order) is None


def test_the_price_floor_lists_every_cheap_line_by_line_id() -> None:
    the_order = order(line("ICE", amount=100, line_id="2"), line("TEA", amount=100, line_id="1"))

    assert detail(PriceFloor(10), the_order) == (
        "price_floor: line 1 (TEA) paid 1.00 CNY for 1 unit(s), below 10% of the reference price 100.00 CNY a unit; "
        "line 2 (ICE) paid 1.00 CNY for 1 unit(s), below 10% of the reference price 20.00 CNY a unit"
    )


@pytest.mark.parametrize("percent", [0, 101, -5])
def test_a_price_floor_refuses_a_percentage_outside_1_to_100(percent: int) -> None:
    assert refused(lambda: PriceFloor(percent)).field == "percent"


def test_a_price_floor_takes_1_and_100_percent() -> None:
    assert PriceFloor(1).percent == 1
    assert PriceFloor(100).percent == 100


def test_an_order_discounted_above_the_ceiling_is_held_and_one_exactly_at_it_passes() -> None:
    rule = DiscountCeiling(20)

    assert detail(rule, order(line(amount=8_000, unit_price=10_000))) is None
    assert detail(rule, order(line(amount=7_999, unit_price=10_000))) == (
        "discount_ceiling: discount 20.01 CNY on gross 100.00 CNY is above 20%"
    )


def test_a_discount_ceiling_of_zero_holds_any_discount_and_an_order_worth_nothing_passes() -> None:
    assert detail(DiscountCeiling(0), order(line(amount=9_999, unit_price=10_000))) is not None
    assert detail(DiscountCeiling(0), order(line(amount=10_000, unit_price=10_000))) is None
    assert detail(DiscountCeiling(0), order(line(amount=0, unit_price=0))) is None


@pytest.mark.parametrize("percent", [-1, 101])
def test_a_discount_ceiling_refuses_a_percentage_outside_0_to_100(percent: int) -> None:
    assert refused(lambda: DiscountCeiling(percent)).field == "percent"


# --- buyer, recipient and region -----------------------------------------------------------------------------


def test_an_order_of_a_listed_buyer_is_held_and_other_buyers_pass() -> None:
    rule = BuyerList({"tb-bad-1", "tb-bad-2"})

    assert detail(rule, order(buyer="tb-bad-2")) == "buyer_list: buyer tb-bad-2 is on the list"
    assert detail(rule, order(buyer="tb-good")) is None


def test_a_listed_recipient_phone_matches_however_it_is_written() -> None:
    rule = RecipientList(phones={"+86 138-0013-8000"})

    assert detail(rule, order(recipient=sample_recipient(phone="0086 13800138000"))) == (
        "recipient_list: recipient phone is on the list"
    )
    assert detail(rule, order(recipient=sample_recipient(phone="13800138001"))) is None


def test_a_listed_recipient_name_matches_with_width_case_and_spaces_folded() -> None:
    rule = RecipientList(names={"Li  Si", "张三"})

    assert detail(rule, order(recipient=sample_recipient(name="ＬＩ si"))) == (
        "recipient_list: recipient name is on the list"
    )
    assert detail(rule, order(recipient=sample_recipient(name="李四"))) is None


def test_a_recipient_listed_by_phone_and_name_is_held_once_naming_both() -> None:
    rule = RecipientList(phones={"13800138000"}, names={"张三"})

    assert detail(rule, order()) == "recipient_list: recipient phone and name are on the list"


@pytest.mark.parametrize(
    ("settings", "field"),
    [({}, "phones"), ({"phones": {"ext."}}, "phones"), ({"names": {" "}}, "names")],
)
def test_a_recipient_list_refuses_no_entries_a_phone_without_digits_and_a_blank_name(
    settings: dict[str, Any], field: str
) -> None:
    assert refused(lambda: RecipientList(**settings)).field == field


def test_an_order_to_a_listed_region_is_held_naming_the_regions_that_cover_it() -> None:
    rule = RegionList(("CN/西藏自治区", "CN/新疆维吾尔自治区/乌鲁木齐市", "CN/新疆维吾尔自治区"))

    assert detail(rule, order(recipient=URUMQI)) == (
        "region_list: recipient region cn/新疆维吾尔自治区/乌鲁木齐市/天山区 is in "
        "CN/新疆维吾尔自治区, CN/新疆维吾尔自治区/乌鲁木齐市"
    )
    assert detail(rule, order()) is None


def test_a_region_covers_its_sub_regions_but_not_its_siblings_and_is_written_from_the_country() -> None:
    hangzhou = order(recipient=sample_recipient())  # CN/浙江省/杭州市/西湖区

    assert detail(RegionList(("cn / 浙江省 / 杭州市",)), hangzhou) is not None
    assert detail(RegionList(("CN/浙江省/宁波市",)), hangzhou) is None
    assert detail(RegionList(("浙江省",)), hangzhou) is None


@pytest.mark.parametrize(("regions", "field"), [((), "regions"), (("CN", " / "), "regions.1"), (("",), "regions.0")])
def test_a_region_list_refuses_no_regions_and_a_region_without_parts(regions: tuple[str, ...], field: str) -> None:
    assert refused(lambda: RegionList(regions)).field == field


# --- memos and line kinds ------------------------------------------------------------------------------------


def test_a_memo_mentioning_a_keyword_is_held_naming_the_memo_and_its_keywords() -> None:
    rule = MemoKeywords(("加急", "VIP", "发票"))

    the_order = order(buyer_memo="请开发票, 加急!", seller_memo="ｖｉｐ 客户")

    assert detail(rule, the_order) == "memo_keywords: buyer memo mentions 加急, 发票; seller memo mentions VIP"
    assert detail(rule, order(buyer_memo="周末送货")) is None


def test_memo_keywords_look_only_in_the_memos_they_are_told_to() -> None:
    the_order = order(buyer_memo="", seller_memo="加急")

    assert detail(MemoKeywords(("加急",), seller=False), the_order) is None
    assert detail(MemoKeywords(("加急",), buyer=False), the_order) == "memo_keywords: seller memo mentions 加急"


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"keywords": ()}, "keywords"),
        ({"keywords": ("加急", "  ")}, "keywords.1"),
        ({"keywords": ("加急",), "buyer": False, "seller": False}, "buyer"),
    ],
)
def test_memo_keywords_refuse_no_keywords_a_blank_keyword_and_no_memo_to_look_in(
    settings: dict[str, Any], field: str
) -> None:
    assert refused(lambda: MemoKeywords(**settings)).field == field


def test_an_order_with_a_gift_or_presale_line_is_held_when_that_kind_is_asked_for() -> None:
    the_order = order(
        line("TEA", line_id="2", presale_ship_date=date(2024, 12, 1)),
        line("BAG", amount=0, line_id="1", is_gift=True),
    )

    assert detail(LineKinds(gift=True), the_order) == "line_kinds: gift line(s) 1"
    assert detail(LineKinds(presale=True), the_order) == "line_kinds: presale line(s) 2"
    assert detail(LineKinds(gift=True, presale=True), the_order) == "line_kinds: gift line(s) 1; presale line(s) 2"
    assert detail(LineKinds(gift=True, presale=True), order()) is None


def test_line_kinds_pass_an_order_whose_only_special_line_is_of_the_other_kind() -> None:
    assert detail(LineKinds(presale=True), order(line(is_gift=True))) is None


def test_line_kinds_refuse_to_match_nothing() -> None:
    assert refused(LineKinds).field == "gift"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: SkuList(frozenset()), "skus"),
        (lambda: SkuList({"TEA", ""}), "skus"),
        (lambda: TagList(frozenset()), "tags"),
        (lambda: BuyerList(frozenset()), "buyers"),
        (lambda: BuyerList({"\u3000"}), "buyers"),
    ],
)
def test_the_list_rules_refuse_an_empty_list_and_a_blank_entry(make: Callable[[], object], field: str) -> None:
    assert refused(make).field == field


# --- what then does with a match ------------------------------------------------------------------------------

#: Each rule (built with a given ``then``) and an order it matches.
MATCHES: list[tuple[Callable[[Then | str], ReviewRule], Order]] = [
    (lambda then: AmountRange(max_minor=0, then=then), order()),
    (lambda then: QuantityRange(min_units=2, then=then), order()),
    (lambda then: SkuList({"TEA"}, then=then), order()),
    (lambda then: TagList({"fragile"}, then=then), order()),
    (lambda then: PriceFloor(100, then=then), order(line(amount=1))),
    (lambda then: DiscountCeiling(0, then=then), order(line(amount=1, unit_price=2))),
    (lambda then: BuyerList({"buyer-1"}, then=then), order()),
    (lambda then: RecipientList(names={"张三"}, then=then), order()),
    (lambda then: RegionList(("CN",), then=then), order()),
    (lambda then: MemoKeywords(("vip",), then=then), order(seller_memo="VIP")),
    (lambda then: LineKinds(gift=True, then=then), order(line(is_gift=True))),
]


@pytest.mark.parametrize(("make", "the_order"), MATCHES)
def test_every_rule_holds_for_a_person_by_default_and_as_a_risk_or_approves_when_told(
    make: Callable[[Then | str], ReviewRule], the_order: Order
) -> None:
    manual = make(Then.MANUAL).check(the_order, CATALOG)
    risk = make("risk").check(the_order, CATALOG)
    approve = make(Then.APPROVE).check(the_order, CATALOG)

    assert isinstance(manual, Hold)
    assert manual.kind is HoldKind.MANUAL
    assert risk == Hold(HoldKind.RISK, manual.detail)
    assert approve == Approve(manual.detail)
    assert manual.detail.startswith(f"{make(Then.MANUAL).name}: ")


@pytest.mark.parametrize(("make", "the_order"), MATCHES)
def test_every_rule_refuses_an_unknown_then(make: Callable[[Then | str], ReviewRule], the_order: Order) -> None:
    error = refused(lambda: make("hold"))

    assert (error.field, error.value) == ("then", "hold")


def test_a_rule_takes_another_name_for_its_holds() -> None:
    rule = SkuList({"TEA"}, name="fragile_tea")

    assert detail(rule, order()) == "fragile_tea: listed SKU(s) TEA"


def test_rules_with_the_same_settings_are_equal_and_hash_alike() -> None:
    assert SkuList(["TEA", "ICE"]) == SkuList({"ICE", "TEA"})
    assert len({RegionList(["CN/浙江省"]), RegionList(("CN/浙江省",))}) == 1


# --- in a review ---------------------------------------------------------------------------------------------


def test_an_allow_list_first_approves_the_order_and_the_rules_after_it_do_not_run() -> None:
    rules: list[ReviewRule] = [BuyerList({"vip-1"}, then="approve"), AmountRange(max_minor=0), MemoPresent()]

    decision = review(order(buyer="vip-1", buyer_memo="快点"), CATALOG, rules)

    assert decision.approved
    assert decision.approved_by == Approve("buyer_list: buyer vip-1 is on the list")
    assert decision.explanation.steps == (
        "buyer_list: approve (buyer_list: buyer vip-1 is on the list); the rules after it do not run",
    )


def test_a_buyer_missing_from_the_allow_list_is_reviewed_by_the_rules_after_it() -> None:
    rules: list[ReviewRule] = [BuyerList({"vip-1"}, then=Then.APPROVE), AmountRange(max_minor=0, then=Then.RISK)]

    decision = review(order(buyer="someone"), CATALOG, rules)

    assert decision.holds == (Hold(HoldKind.RISK, "amount: total 100.00 CNY is above 0.00"),)
    assert decision.approved_by is None


def test_the_conditions_run_as_a_shops_checks_after_the_address_check() -> None:
    settings = ReviewSettings(checks=(SkuList({"TEA"}, then=Then.RISK),), cod_limit_minor=None)
    no_street = Recipient("张三", "13800138000", Address("CN", "浙江省", "杭州市"))

    decision = review(order(recipient=no_street), CATALOG, default_rules(settings))

    assert isinstance(default_rules(settings)[0], IncompleteAddress)
    assert [hold.kind for hold in decision.holds] == [HoldKind.INCOMPLETE_ADDRESS, HoldKind.RISK]
