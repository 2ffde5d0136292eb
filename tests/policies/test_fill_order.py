"""The fill order: which waiting orders get scarce stock first, by the merchant's keys, the order id last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omscore.domain import (
    Address,
    Channel,
    ExternalOrderRef,
    InvalidConfiguration,
    LineId,
    Money,
    Order,
    OrderId,
    OrderLine,
    Recipient,
    SkuCode,
)
from omscore.policies.fill import (
    FillKey,
    FillOrder,
    explain_fill_order,
    explain_place,
    in_fill_order,
    sort_key,
)

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "outlet")
DOUYIN = Channel("douyin", "live")
START = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
HANGZHOU = Recipient("Lin", "138", Address("CN", "Zhejiang", "Hangzhou", street="1 Road"))


def order(
    order_id: str,
    *,
    minutes: int = 0,
    priority: int = 0,
    buyer: str = "b1",
    shop: Channel = TMALL,
) -> Order:
    ref = ExternalOrderRef(shop, f"E-{order_id}")
    line = OrderLine(LineId("1"), SkuCode("TEA"), 1, Money(3000, "CNY"), ref)
    return Order.receive(
        id=OrderId(order_id),
        ref=ref,
        revision=1,
        placed_at=START + timedelta(minutes=minutes),
        buyer_id=buyer,
        recipient=HANGZHOU,
        lines=[line],
        currency="CNY",
        shipping_fee=Money(0, "CNY"),
        priority=priority,
    )


def ids(orders: list[Order]) -> list[str]:
    return [o.id for o in orders]


# --- each key ------------------------------------------------------------------------------------------------


def test_the_default_serves_higher_priority_first_then_earlier_placement() -> None:
    early, urgent, late = order("A", minutes=0), order("B", minutes=30, priority=2), order("C", minutes=10)

    ranked = in_fill_order([late, early, urgent], FillOrder())

    assert ids(ranked) == ["B", "A", "C"]


def test_vip_buyers_come_first_even_when_they_placed_later() -> None:
    fill = FillOrder(keys=(FillKey.VIP, FillKey.PLACED_AT), vip_buyers={"gold"})
    plain, vip = order("A", minutes=0, buyer="b1"), order("B", minutes=30, buyer="gold")

    assert ids(in_fill_order([plain, vip], fill)) == ["B", "A"]


def test_the_higher_shop_fill_priority_comes_first_and_unlisted_shops_count_zero() -> None:
    fill = FillOrder(keys=(FillKey.SHOP, FillKey.PLACED_AT), shop_priority={JD: 5, DOUYIN: -1})
    tmall, jd, douyin = order("A", shop=TMALL), order("B", minutes=20, shop=JD), order("C", shop=DOUYIN)

    assert ids(in_fill_order([douyin, tmall, jd], fill)) == ["B", "A", "C"]


def test_a_merged_order_ranks_by_the_best_shop_of_its_platform_orders() -> None:
    fill = FillOrder(keys=(FillKey.SHOP,), shop_priority={JD: 5})
    tmall_part = order("A", shop=TMALL)
    jd_part = order("B", shop=JD)
    tmall_part.approve("ok")
    jd_part.approve("ok")
    merged = Order.merge(OrderId("M"), [tmall_part, jd_part])
    tmall_only = order("C", shop=TMALL)

    assert merged.channel == TMALL
    assert sort_key(fill, merged) == (-5, "M")
    assert ids(in_fill_order([tmall_only, merged], fill)) == ["M", "C"]


def test_keys_apply_in_the_order_listed() -> None:
    vip_late = order("A", minutes=30, buyer="gold")
    urgent = order("B", minutes=0, priority=3)
    vip_then_priority = FillOrder(keys=("vip", "priority"), vip_buyers={"gold"})
    priority_then_vip = FillOrder(keys=("priority", "vip"), vip_buyers={"gold"})

    assert ids(in_fill_order([urgent, vip_late], vip_then_priority)) == ["A", "B"]
    assert ids(in_fill_order([vip_late, urgent], priority_then_vip)) == ["B", "A"]


# --- ties ----------------------------------------------------------------------------------------------------


def test_the_order_id_breaks_the_last_tie() -> None:
    same = [order("C"), order("A"), order("B")]

    assert ids(in_fill_order(same, FillOrder())) == ["A", "B", "C"]
    assert ids(in_fill_order(same, FillOrder(keys=()))) == ["A", "B", "C"]


def test_without_the_vip_key_vip_buyers_change_nothing() -> None:
    fill = FillOrder(vip_buyers={"gold"})
    plain, vip = order("A", minutes=0), order("B", minutes=30, buyer="gold")

    assert ids(in_fill_order([vip, plain], fill)) == ["A", "B"]


@given(st.permutations(["A", "B", "C", "D"]))
def test_the_result_does_not_depend_on_the_order_orders_come_in(names: list[str]) -> None:
    fill = FillOrder(keys=(FillKey.VIP, FillKey.SHOP), vip_buyers={"gold"}, shop_priority={JD: 1})
    made = {
        "A": order("A", buyer="gold"),
        "B": order("B", shop=JD),
        "C": order("C"),
        "D": order("D", buyer="gold", shop=JD),
    }

    assert ids(in_fill_order([made[n] for n in names], fill)) == ["D", "A", "B", "C"]


# --- the default is Order.fill_key --------------------------------------------------------------------------


@st.composite
def orders(draw: st.DrawFn) -> list[Order]:
    count = draw(st.integers(min_value=0, max_value=12))
    names = draw(st.lists(st.text("ABCDEFGH0123", min_size=1, max_size=3), min_size=count, max_size=count, unique=True))
    return [
        order(
            name,
            minutes=draw(st.integers(min_value=-3, max_value=3)),
            priority=draw(st.integers(min_value=-2, max_value=2)),
            buyer=draw(st.sampled_from(["b1", "b2"])),
            shop=draw(st.sampled_from([TMALL, JD])),
        )
        for name in names
    ]


@given(orders())
def test_the_default_fill_order_is_the_order_of_fill_key(generated: list[Order]) -> None:
    default = FillOrder()

    ranked = in_fill_order(generated, default)

    assert ids(ranked) == ids(sorted(generated, key=lambda o: o.fill_key))
    assert all(sort_key(default, o) == o.fill_key for o in generated)


# --- explanations --------------------------------------------------------------------------------------------


def test_an_order_s_place_is_explained_key_by_key() -> None:
    fill = FillOrder(keys=("vip", "priority", "shop", "placed_at"), vip_buyers={"gold"}, shop_priority={TMALL: 4})

    place = explain_place(fill, order("A", minutes=3, priority=2, buyer="gold"))

    assert place == "vip buyer; priority 2; shop tmall:flagship fill priority 4; placed 2026-11-11 10:03:00+00:00"
    assert explain_place(FillOrder(keys=("vip",)), order("B")) == "buyer not vip"
    assert explain_place(FillOrder(keys=()), order("B")) == "by order id"


def test_the_fill_order_of_several_orders_is_explained_first_served_first() -> None:
    fill = FillOrder(keys=("vip", "placed_at"), vip_buyers={"gold"})

    explanation = explain_fill_order([order("A"), order("B", minutes=5, buyer="gold")], fill)

    assert explanation.policy == "fill"
    assert explanation.summary == "2 order(s) in fill order by vip, placed_at, order id"
    assert explanation.steps == (
        "1. B: vip buyer; placed 2026-11-11 10:05:00+00:00",
        "2. A: buyer not vip; placed 2026-11-11 10:00:00+00:00",
    )


# --- validation ----------------------------------------------------------------------------------------------


def test_key_names_are_converted_and_the_default_is_priority_then_placed_at() -> None:
    assert FillOrder(keys=["vip", "shop"]).keys == (FillKey.VIP, FillKey.SHOP)
    assert FillOrder().keys == (FillKey.PRIORITY, FillKey.PLACED_AT)


def test_an_unknown_key_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidConfiguration) as caught:
        FillOrder(keys=("priority", "loyalty"))

    assert (caught.value.field, caught.value.value) == ("keys.1", "loyalty")


def test_a_key_listed_twice_is_refused() -> None:
    with pytest.raises(InvalidConfiguration) as caught:
        FillOrder(keys=("placed_at", "vip", "placed_at"))

    assert (caught.value.field, caught.value.value) == ("keys.2", "placed_at")
    assert "twice" in caught.value.reason


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"keys": "vip"}, "keys"),
        ({"vip_buyers": "gold"}, "vip_buyers"),
        ({"vip_buyers": ["gold", ""]}, "vip_buyers"),
        ({"shop_priority": {TMALL: 1.5}}, "shop_priority.tmall:flagship"),
        ({"shop_priority": {TMALL: True}}, "shop_priority.tmall:flagship"),
        ({"shop_priority": {"tmall": 1}}, "shop_priority"),
    ],
)
def test_malformed_settings_are_refused_naming_the_field(arguments: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidConfiguration) as caught:
        FillOrder(**arguments)  # type: ignore[arg-type]

    assert caught.value.field == field
