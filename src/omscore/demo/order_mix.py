"""The order mix of the demo day: which buyer orders what, how it is paid, and what the order carries.

:class:`OrderMix` makes the contents of each platform order of the day (kits, gifts, presale lines, COD, memos,
unmapped listings, store pickup) and counts the demand the day's stock is laid out against.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Final

from omscore.demo.merchant import (
    ASSORTMENT,
    KITS,
    PRODUCT_BY_CODE,
    SHOPS,
    STORE,
    kit_price_minor,
    listing_id,
    unmapped_listing_id,
)
from omscore.demo.people import Buyer, at_store, new_buyer
from omscore.domain.address import Recipient
from omscore.domain.identity import Channel, ExternalOrderRef, LocationId
from omscore.domain.money import Money
from omscore.domain.order import PaymentMode
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus

PRESALE_DATE: Final = date(2026, 11, 20)

_POPULARITY: Final = {
    "TEA-LJ-250": 30, "TEA-PU-357": 18, "TEA-PU-LTD": 10, "CUP-CER-01": 16, "POT-GLS-01": 10, "KETTLE-EL-1": 7,
    "MOON-CAKE-8": 9, "MILK-TEA-6": 8, "TRAY-BMB-1": 6, "TIN-GIFT-1": 2, "TABLE-TEA-1": 1, "POT-ZISHA-E": 3,
    "KIT-GIFT-SET": 6, "KIT-TASTING-DUO": 5,
}  # fmt: skip
_COD_SHARE: Final = {"jd": 0.35, "douyin": 0.15}
_BUYER_MEMOS: Final = ("请尽快发货，谢谢", "送礼用，请不要放发票", "please deliver after 6 pm", "包装结实一点，易碎品")
_SELLER_MEMOS: Final = ("VIP 老客户，优先发货", "已电话确认地址")
#: Items a store keeps for pickup.
_PICKUP_ITEMS: Final = frozenset({"TEA-LJ-250", "TEA-PU-357", "CUP-CER-01", "POT-GLS-01", "TIN-GIFT-1"})


class OrderMix:
    """The buyers of the day and the contents of their orders, drawn from the day's ``rng``; counts the demand
    (shipped and picked up) the stock is laid out against, and every platform order made, in order."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.seed = seed
        self.refs: list[ExternalOrderRef] = []
        self.regulars: dict[str, list[Buyer]] = {}
        self.buyers = 0
        self.demand: dict[str, int] = {}
        self.pickup_demand: dict[str, int] = {}

    def buyer(self, platform: str) -> Buyer:
        """A buyer on ``platform``: one of its regulars a quarter of the time (once it has any), else a new one."""
        regulars = self.regulars.setdefault(platform, [])
        if regulars and self.rng.random() < 0.25:
            return self.rng.choice(regulars)
        self.buyers += 1
        buyer = new_buyer(self.rng, platform, self.buyers)
        regulars.append(buyer)
        return buyer

    def contents(
        self,
        platform: str,
        shop: str,
        buyer: Buyer,
        placed_at: datetime,
        *,
        spike: bool,
        payment: PaymentMode | None = None,
        plain: bool = False,
    ) -> PlatformOrder:
        """One platform order of ``buyer``; ``plain`` leaves out what would hold it (memos, unmapped listings)
        and store pickup."""
        rng = self.rng
        channel = Channel(platform, shop)
        currency = next(c for p, s, _, c in SHOPS if (p, s) == (platform, shop))
        pickup = (
            not plain
            and platform in {"tmall", "douyin"}
            and buyer.region.city == "Hangzhou"
            and buyer.region.country == "CN"
            and rng.random() < 0.35
        )
        if payment is None:
            cod = not pickup and rng.random() < _COD_SHARE.get(platform, 0.0)
            payment = PaymentMode.COD if cod else PaymentMode.PREPAID
        assortment = [i for i in ASSORTMENT[(platform, shop)] if not pickup or i in _PICKUP_ITEMS]
        weights = [_POPULARITY[i] * (12 if spike and i == "TEA-PU-LTD" else 1) for i in assortment]
        count = rng.choices((1, 2, 3, 4), weights=(58, 28, 11, 3))[0]
        big = payment is PaymentMode.COD and rng.random() < 0.3  # likely above the shop's COD limit
        if big:
            count = max(count, 3)
        items: list[str] = []
        for _ in range(count):
            item = rng.choices(assortment, weights=weights)[0]
            if item not in items:
                items.append(item)
        lines: list[PlatformLine] = []
        for index, item in enumerate(items, start=1):
            if item == "TABLE-TEA-1":
                quantity = 1
            elif big:
                quantity = rng.choice((2, 3, 5))
            else:
                quantity = rng.choices((1, 2, 3, 5), weights=(74, 18, 6, 2))[0]
            unit = kit_price_minor(item) if item in KITS else PRODUCT_BY_CODE[item].price_minor
            if currency == "USD":
                unit = max(99, unit * 100 // 710 // 100 * 100 - 1)
            gross = unit * quantity
            discount = 0 if rng.random() < 0.7 else gross * rng.randint(5, 20) // 100
            presale = PRESALE_DATE if shop == "outlet" and item == "MOON-CAKE-8" and rng.random() < 0.3 else None
            listing = listing_id(platform, shop, item)
            if not plain and rng.random() < 0.012:
                listing = unmapped_listing_id(platform, shop)
            else:
                self._count_demand(item, quantity, pickup)
            lines.append(
                PlatformLine(
                    line_id=str(index),
                    listing_id=listing,
                    quantity=quantity,
                    amount=Money(gross - discount, currency),
                    unit_price=Money(unit, currency),
                    discount=Money(discount, currency),
                    presale_ship_date=presale,
                )
            )
        goods = sum(line.amount.minor for line in lines)
        if platform == "tmall" and goods >= 50_000:
            lines.append(
                PlatformLine(
                    line_id=str(len(lines) + 1),
                    listing_id=listing_id(platform, shop, "TIN-GIFT-1"),
                    quantity=1,
                    amount=Money(0, currency),
                    is_gift=True,
                )
            )
            self._count_demand("TIN-GIFT-1", 1, pickup)
        fee = 1_500 if currency == "USD" else (0 if goods >= 9_900 else 800)
        buyer_memo = rng.choice(_BUYER_MEMOS) if not plain and rng.random() < 0.04 else ""
        seller_memo = rng.choice(_SELLER_MEMOS) if not plain and rng.random() < 0.01 else ""
        recipient: Recipient = at_store(buyer) if pickup else buyer.recipient
        ref = ExternalOrderRef(channel, self._external_id(platform))
        self.refs.append(ref)
        return PlatformOrder(
            ref=ref,
            revision=1,
            status=PlatformStatus.OPEN,
            placed_at=placed_at,
            buyer_id=buyer.buyer_id,
            recipient=recipient,
            lines=tuple(lines),
            currency=currency,
            shipping_fee=Money(fee, currency),
            payment=payment,
            buyer_memo=buyer_memo,
            seller_memo=seller_memo,
            priority=10 if seller_memo.startswith("VIP") else 0,
            pickup_location=LocationId(STORE) if pickup else None,
        )

    def _external_id(self, platform: str) -> str:
        prefix = {"tmall": "39", "jd": "28", "douyin": "69", "shopify": "10"}[platform]
        return f"{prefix}{len(str(self.seed))}{self.seed}{len(self.refs) + 1:08d}"

    def _count_demand(self, item: str, quantity: int, pickup: bool) -> None:
        target = self.pickup_demand if pickup else self.demand
        for sku, per_kit in KITS.get(item, ((item, 1),)):
            target[sku] = target.get(sku, 0) + per_kit * quantity
