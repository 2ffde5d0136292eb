"""A small catalog, orders and gift rules for the gift-rule tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from omscore.domain import (
    Catalog,
    Channel,
    ExternalOrderRef,
    LineId,
    Money,
    Order,
    OrderId,
    OrderLine,
    Sku,
    SkuCode,
)
from omscore.policies.gifts import (
    Gift,
    GiftDecision,
    GiftRule,
    GiftTrigger,
    SkuPurchase,
    decide_gifts,
)
from omscore.testing import SAMPLE_CHANNEL, SAMPLE_TIME, sample_recipient

JD = Channel("jd", "outlet")
REF = ExternalOrderRef(SAMPLE_CHANNEL, "E1")
CATALOG = Catalog.build([Sku(SkuCode(code)) for code in ("TEA", "POT", "CUP", "MUG", "BAG", "FAN")])
#: Plenty of every gift.
PLENTY = {"TEA": 100, "POT": 100, "CUP": 100, "MUG": 100, "BAG": 100, "FAN": 100}
CST = timezone(timedelta(hours=8))


def line(sku: str = "TEA", quantity: int = 1, amount: int = 10_000, *, gift: bool = False) -> OrderLine:
    """``quantity`` units of ``sku`` paid ``amount`` minor CNY (a gift line when ``gift``)."""
    line_id = f"{sku}-gift" if gift else sku
    return OrderLine(LineId(line_id), SkuCode(sku), quantity, Money(amount, "CNY"), REF, is_gift=gift)


def order(
    *lines: OrderLine,
    buyer: str = "buyer-1",
    channel: Channel = SAMPLE_CHANNEL,
    placed_at: datetime = SAMPLE_TIME,
    buyer_memo: str = "",
    seller_memo: str = "",
    shipping_fee: int = 0,
) -> Order:
    """An order of ``lines`` (one TEA line at 100.00 CNY when none are given)."""
    return Order.receive(
        id=OrderId("O1"),
        ref=ExternalOrderRef(channel, "E1"),
        revision=1,
        placed_at=placed_at,
        buyer_id=buyer,
        recipient=sample_recipient(),
        lines=lines or (line(),),
        currency="CNY",
        shipping_fee=Money(shipping_fee, "CNY"),
        buyer_memo=buyer_memo,
        seller_memo=seller_memo,
    )


def decide(
    the_order: Order,
    *rules: GiftRule,
    available: Mapping[str, int] = PLENTY,
    quota_left: Mapping[str, int] | None = None,
    buyer_quota_left: Mapping[tuple[str, str], int] | None = None,
) -> GiftDecision:
    return decide_gifts(
        the_order,
        rules,
        catalog=CATALOG,
        available=available,
        quota_left=quota_left or {},
        buyer_quota_left=buyer_quota_left or {},
    )


def given(decision: GiftDecision) -> list[tuple[str, str, int]]:
    """``(rule id, sku, quantity)`` of each grant, in the decision's order."""
    return [(grant.rule_id, grant.sku, grant.quantity) for grant in decision.grants]


def gift(sku: str, quantity: int = 1, *, fallbacks: Sequence[Gift] = ()) -> Gift:
    return Gift(SkuCode(sku), quantity, fallbacks)


def rule(rule_id: str = "r", trigger: GiftTrigger | None = None, *gifts: Gift, **extra: Any) -> GiftRule:
    """A rule that gives ``gifts`` (one CUP when none are given) to any order of TEA, unless told otherwise."""
    return GiftRule(rule_id, trigger or SkuPurchase({"TEA"}), gifts or (gift("CUP"),), **extra)


def cny(minor: int) -> Money:
    return Money(minor, "CNY")
