"""A small merchant for the tests: two shops, three locations, two carriers, a kit, scarce stock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from omscore.domain import (
    Address,
    Carrier,
    CarrierId,
    Catalog,
    Channel,
    ExternalOrderRef,
    GeoPoint,
    Kit,
    KitComponent,
    Listing,
    Location,
    LocationId,
    LocationKind,
    Money,
    Network,
    PaymentMode,
    Recipient,
    Sku,
    SkuCode,
)
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus

TMALL = Channel("tmall", "flagship")
JD = Channel("jd", "outlet")
START = datetime(2026, 11, 11, 8, 0, tzinfo=UTC)
HANGZHOU = Recipient("Li Lei", "13800138000", Address("CN", "Zhejiang", "Hangzhou", "Xihu", "12 Wensan Road"))


def catalog() -> Catalog:
    skus = [
        Sku(SkuCode("TEA"), "Green tea", weight_g=250, reference_price_minor=3000),
        Sku(SkuCode("CUP"), "Cup", weight_g=400, reference_price_minor=1000, tags=frozenset({"fragile"})),
        Sku(SkuCode("POT"), "Teapot", weight_g=1200, reference_price_minor=8000),
        Sku(SkuCode("FISH"), "Frozen fish", weight_g=2000, tags=frozenset({"cold_chain"})),
    ]
    kits = [Kit("GIFTSET", (KitComponent(SkuCode("POT"), 1), KitComponent(SkuCode("CUP"), 2)))]
    listings = [
        Listing(channel, f"L-{code}", sku=SkuCode(code))
        for channel in (TMALL, JD)
        for code in ("TEA", "CUP", "POT", "FISH")
    ] + [Listing(TMALL, "L-GIFTSET", kit="GIFTSET")]
    return Catalog.build(skus, kits, listings)


def network() -> Network:
    locations = [
        Location(LocationId("WH-EAST"), "East DC", geo=GeoPoint(30.3, 120.2), priority=10),
        Location(LocationId("WH-NORTH"), "North DC", geo=GeoPoint(39.9, 116.4), priority=20),
        Location(LocationId("STORE-HZ"), "Hangzhou store", LocationKind.STORE, regions=("CN/Zhejiang",), priority=30),
    ]
    carriers = [
        Carrier(CarrierId("YTO"), "YTO", max_weight_g=5000, priority=1, excluded_regions=("CN/Xinjiang",)),
        Carrier(CarrierId("SF"), "SF Express", supports_cod=True, priority=2),
    ]
    return Network.build(locations, carriers)


STOCK: Sequence[tuple[tuple[LocationId, SkuCode], int, int]] = (
    ((LocationId("WH-EAST"), SkuCode("TEA")), 10, 0),
    ((LocationId("WH-EAST"), SkuCode("CUP")), 10, 0),
    ((LocationId("WH-NORTH"), SkuCode("POT")), 5, 1),
    ((LocationId("WH-NORTH"), SkuCode("CUP")), 6, 0),
    ((LocationId("STORE-HZ"), SkuCode("TEA")), 2, 0),
)


def make_platform_order(
    external_id: str,
    *lines: tuple[str, int, int],
    channel: Channel = TMALL,
    revision: int = 1,
    status: PlatformStatus = PlatformStatus.OPEN,
    recipient: Recipient = HANGZHOU,
    buyer_id: str = "buyer-1",
    minutes: int = 0,
    shipping_fee: int = 800,
    payment: PaymentMode = PaymentMode.PREPAID,
    buyer_memo: str = "",
    seller_memo: str = "",
) -> PlatformOrder:
    """Build a platform order: ``make_platform_order("E1", ("L-TEA", 2, 6000), ...)``."""
    chosen = lines or (("L-TEA", 2, 6000),)
    return PlatformOrder(
        ref=ExternalOrderRef(channel, external_id),
        revision=revision,
        status=status,
        placed_at=START + timedelta(minutes=minutes),
        buyer_id=buyer_id,
        recipient=recipient,
        lines=tuple(
            PlatformLine(str(i), listing, qty, Money(amount, "CNY"))
            for i, (listing, qty, amount) in enumerate(chosen, 1)
        ),
        currency="CNY",
        shipping_fee=Money(shipping_fee, "CNY"),
        payment=payment,
        buyer_memo=buyer_memo,
        seller_memo=seller_memo,
    )
