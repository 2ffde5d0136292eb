"""The demo merchant: a tea and teaware brand selling on five shops and shipping from five locations.

The merchant is written as a configuration document (the same shape ``omscore run --config`` reads), so the
demo goes through the boundary's validation like any real merchant. Only the stock section depends on the day:
:func:`merchant_document` takes it from the generator, which lays stock out against the day's demand.

Stock is shared among the shops by Webster ratios that follow their share of the orders; the outlet hides a
listing rather than show fewer than three units, the global web shop shows at most 40 of anything, and during
the evening live stream 100 Longjing teas are locked for the Douyin room (:data:`SHARING`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

#: The shops, as (platform, shop, display name, currency).
SHOPS: Final = (
    ("tmall", "flagship", "Tmall flagship 天猫旗舰店", "CNY"),
    ("tmall", "outlet", "Tmall outlet 天猫折扣店", "CNY"),
    ("jd", "self-run", "JD self-run 京东自营店", "CNY"),
    ("douyin", "live", "Douyin live room 抖音直播间", "CNY"),
    ("shopify", "global", "Global web shop (Shopify)", "USD"),
)

#: The pickup store and the drop-ship factory, named because the generator refers to them.
STORE: Final = "STORE-HZ"
FACTORY: Final = "SUP-YIXING"
EAST: Final = "WH-EAST"
SOUTH: Final = "WH-SOUTH"
WEST: Final = "3PL-WEST"


@attrs.frozen
class Product:
    """A SKU of the demo catalog with the figures the generator needs."""

    code: str
    name: str
    weight_g: int
    price_minor: int
    """List price in CNY fen."""
    tags: tuple[str, ...] = ()


PRODUCTS: Final = (
    Product("TEA-LJ-250", "Longjing green tea 250 g", 300, 12_800),
    Product("TEA-PU-357", "Pu'er tea cake 357 g", 420, 26_800),
    Product("TEA-PU-LTD", "Pu'er 2026 limited edition (live-stream special)", 420, 39_900),
    Product("CUP-CER-01", "Ceramic tea cup", 180, 3_900, ("fragile",)),
    Product("POT-GLS-01", "Glass teapot 600 ml", 650, 8_900, ("fragile",)),
    Product("KETTLE-EL-1", "Electric kettle 1.5 l", 1_400, 19_900, ("battery",)),
    Product("MOON-CAKE-8", "Ice-skin mooncakes, box of 8", 900, 16_800, ("cold_chain",)),
    Product("MILK-TEA-6", "Fresh milk tea, 6 bottles", 2_100, 5_900, ("cold_chain", "liquid")),
    Product("TRAY-BMB-1", "Bamboo tea tray", 1_100, 9_900),
    Product("TIN-GIFT-1", "Gift tin", 150, 1_500),
    Product("TABLE-TEA-1", "Solid wood tea table (made to order)", 28_000, 259_900, ("oversize", "ship_alone")),
    Product("POT-ZISHA-E", "Engraved Yixing clay teapot (made to order)", 800, 29_900, ("fragile",)),
)
PRODUCT_BY_CODE: Final = {p.code: p for p in PRODUCTS}

#: Kits (组合商品): code → ((SKU, quantity), …).
KITS: Final = {
    "KIT-GIFT-SET": (("POT-GLS-01", 1), ("CUP-CER-01", 4), ("TEA-LJ-250", 1)),
    "KIT-TASTING-DUO": (("TEA-LJ-250", 1), ("TEA-PU-357", 1)),
}

#: What each shop lists: the SKUs and kits it sells (SKU codes, then kit codes).
ASSORTMENT: Final = {
    ("tmall", "flagship"): (
        "TEA-LJ-250", "TEA-PU-357", "CUP-CER-01", "POT-GLS-01", "KETTLE-EL-1", "MOON-CAKE-8", "TRAY-BMB-1",
        "TABLE-TEA-1", "POT-ZISHA-E", "TIN-GIFT-1", "KIT-GIFT-SET", "KIT-TASTING-DUO",
    ),
    ("tmall", "outlet"): ("TEA-LJ-250", "TEA-PU-357", "CUP-CER-01", "MOON-CAKE-8", "MILK-TEA-6", "TIN-GIFT-1"),
    ("jd", "self-run"): (
        "TEA-LJ-250", "TEA-PU-357", "CUP-CER-01", "POT-GLS-01", "KETTLE-EL-1", "MILK-TEA-6", "TRAY-BMB-1",
        "TABLE-TEA-1", "KIT-GIFT-SET",
    ),
    ("douyin", "live"): ("TEA-PU-LTD", "TEA-LJ-250", "MILK-TEA-6", "CUP-CER-01", "KIT-TASTING-DUO"),
    ("shopify", "global"): ("TEA-LJ-250", "TEA-PU-357", "POT-GLS-01", "POT-ZISHA-E", "KIT-GIFT-SET"),
}  # fmt: skip

#: A listing every shop has on sale that nobody mapped to a SKU yet (review holds its orders).
UNMAPPED_SUFFIX: Final = "9999"

_LISTING_BASE: Final = {
    ("tmall", "flagship"): 602_100,
    ("tmall", "outlet"): 603_100,
    ("jd", "self-run"): 100_045_000,
    ("douyin", "live"): 358_000,
    ("shopify", "global"): 77_000,
}


#: The wait window after payment (审单等待): orders are reviewed 30 minutes after they are paid, so that a buyer's
#: second order within that time still merges with the first.
WAIT_MINUTES: Final = 30

#: Buyers the merchant serves first when stock is short (the fill order's VIP class).
VIP_BUYERS: Final = tuple(f"{prefix}_{number:06d}" for prefix in ("tb", "jd", "dy") for number in range(7, 3_000, 61))


#: The 双11 gift activities (赠品): on the Tmall shops, a gift tin for every order of at least 299 CNY paid on the
#: day — 400 tins in all, one per buyer, a tea cup when the tins run out; in the live room, a cup for every two
#: limited-edition cakes, 150 cups in all.
GIFT_RULES: Final[tuple[Mapping[str, Any], ...]] = (
    {
        "id": "d11-tin",
        "trigger": {"kind": "amount_band", "minimum_minor": 29_900, "currency": "CNY"},
        "gifts": [{"sku": "TIN-GIFT-1", "fallbacks": [{"sku": "CUP-CER-01"}]}],
        "platforms": ["tmall"],
        "starts_at": "2026-11-11T00:00:00+08:00",
        "ends_at": "2026-11-12T00:00:00+08:00",
        "quota": 400,
        "per_buyer": 1,
    },
    {
        "id": "live-cup",
        "trigger": {"kind": "buy_n_get_m", "skus": ["TEA-PU-LTD"], "n": 2},
        "gifts": [{"sku": "CUP-CER-01"}],
        "shops": [{"platform": "douyin", "shop": "live"}],
        "quota": 150,
    },
)


def listing_id(platform: str, shop: str, item: str) -> str:
    """The platform's listing id of ``item`` (a SKU or kit code) in the shop."""
    return str(_LISTING_BASE[(platform, shop)] + ASSORTMENT[(platform, shop)].index(item) + 1)


def unmapped_listing_id(platform: str, shop: str) -> str:
    """A listing of the shop that the catalog does not know."""
    return f"{_LISTING_BASE[(platform, shop)] // 100}{UNMAPPED_SUFFIX}"


def kit_price_minor(kit: str) -> int:
    """A kit sells for its components' list price less 10 %."""
    return sum(PRODUCT_BY_CODE[sku].price_minor * qty for sku, qty in KITS[kit]) * 9 // 10


_WEST_PROVINCES: Final = (
    "Sichuan", "Chongqing", "Yunnan", "Guizhou", "Shaanxi", "Gansu", "Qinghai", "Ningxia", "Xinjiang", "Tibet",
)  # fmt: skip

_LOCATIONS: Final[tuple[dict[str, Any], ...]] = (
    {
        "id": EAST,
        "name": "Shanghai East China DC 华东仓",
        "kind": "warehouse",
        "geo": {"lat": 31.23, "lon": 121.47},
        "regions": ["CN", "HK", "SG"],
        "capabilities": ["cod", "fragile"],
        "priority": 10,
    },
    {
        "id": SOUTH,
        "name": "Guangzhou South China DC 华南仓 (cold chain)",
        "kind": "warehouse",
        "geo": {"lat": 23.13, "lon": 113.26},
        "regions": ["CN"],
        "capabilities": ["cod", "cold_chain"],
        "priority": 20,
    },
    {
        "id": WEST,
        "name": "Chengdu 3PL 西南三方仓",
        "kind": "3pl",
        "geo": {"lat": 30.57, "lon": 104.07},
        "regions": [f"CN/{p}" for p in _WEST_PROVINCES],
        "capabilities": ["cold_chain"],
        "priority": 5,
    },
    {
        "id": FACTORY,
        "name": "Yixing workshop (drop-ship 工厂代发)",
        "kind": "supplier",
        "geo": {"lat": 31.36, "lon": 119.82},
        "regions": ["CN"],
        "capabilities": ["oversize"],
        "priority": 80,
    },
    {
        "id": STORE,
        "name": "Hangzhou West Lake store 杭州门店 (pickup)",
        "kind": "store",
        "geo": {"lat": 30.25, "lon": 120.15},
        "regions": ["CN/Zhejiang/Hangzhou"],
        "capabilities": ["pickup"],
        "priority": 90,
    },
)

_CARRIERS: Final[tuple[dict[str, Any], ...]] = (
    {
        "id": "HZ-CITY",
        "name": "Store counter and same-city courier 门店自提/同城",
        "regions": ["CN/Zhejiang/Hangzhou"],
        "supports_cod": True,
        "max_weight_g": 20_000,
        "base_cost_minor": 0,
        "sla_days": 0,
        "priority": 5,
        "locations": [STORE],
    },
    {
        "id": "ZTO",
        "name": "ZTO Express 中通",
        "regions": ["CN"],
        "excluded_regions": ["CN/Xinjiang", "CN/Tibet", "CN/Qinghai"],
        "max_weight_g": 30_000,
        "base_cost_minor": 800,
        "per_kg_minor": 300,
        "sla_days": 3,
        "priority": 10,
        "locations": [EAST, SOUTH, WEST, FACTORY],
    },
    {
        "id": "SF",
        "name": "SF Express 顺丰",
        "regions": ["CN", "HK"],
        "excluded_regions": ["CN/Xinjiang", "CN/Tibet"],
        "max_weight_g": 20_000,
        "supports_cod": True,
        "base_cost_minor": 1_800,
        "per_kg_minor": 500,
        "sla_days": 1,
        "priority": 20,
        "locations": [EAST, SOUTH, WEST],
    },
    {
        "id": "EMS",
        "name": "China Post EMS 邮政",
        "regions": ["CN"],
        "max_weight_g": 30_000,
        "supports_cod": True,
        "base_cost_minor": 2_000,
        "per_kg_minor": 600,
        "sla_days": 4,
        "priority": 30,
    },
    {
        "id": "DEPPON",
        "name": "Deppon freight 德邦快运",
        "regions": ["CN"],
        "excluded_regions": ["CN/Tibet"],
        "base_cost_minor": 3_000,
        "per_kg_minor": 200,
        "sla_days": 4,
        "priority": 40,
    },
    {
        "id": "DHL",
        "name": "DHL Express",
        "regions": ["HK", "SG"],
        "max_weight_g": 30_000,
        "base_cost_minor": 9_000,
        "per_kg_minor": 2_500,
        "sla_days": 3,
        "priority": 50,
        "locations": [EAST],
    },
)


#: The evening live stream on Douyin (China time), when its lock holds.
LIVE_STREAM: Final = ("2026-11-11T20:00:00+08:00", "2026-11-11T22:00:00+08:00")

#: The merchant's stock sharing (库存分配): the configuration file's ``sharing`` section.
SHARING: Final[Mapping[str, Any]] = {
    "defaults": {"lag_minutes": 5},
    "pool": {"method": "webster"},
    "shops": [
        {"platform": "tmall", "shop": "flagship", "weight": 35},
        {"platform": "tmall", "shop": "outlet", "weight": 12, "floor": 3, "floor_show": 0},
        {"platform": "jd", "shop": "self-run", "weight": 25},
        {"platform": "douyin", "shop": "live", "weight": 18},
        {"platform": "shopify", "shop": "global", "weight": 10, "cap": 40},
    ],
    "locks": [
        {
            "key": "douyin-live-1111",
            "platform": "douyin",
            "shop": "live",
            "sku": "TEA-LJ-250",
            "quantity": 100,
            "starts": LIVE_STREAM[0],
            "until": LIVE_STREAM[1],
            "listing_id": listing_id("douyin", "live", "TEA-LJ-250"),
        }
    ],
}


@attrs.frozen
class StockEntry:
    """Initial stock of one SKU at one location."""

    location: str
    sku: str
    on_hand: int
    safety: int = 0


def merchant_document(stock: Sequence[StockEntry]) -> dict[str, Any]:
    """The demo merchant's configuration document with ``stock`` as its initial stock.

    Returns:
        A dict in the shape of the merchant configuration file, ready for
        :func:`omscore.boundary.parse_config`.
    """
    shops: list[dict[str, Any]] = []
    for platform, shop, name, _currency in SHOPS:
        entry: dict[str, Any] = {"platform": platform, "shop": shop, "name": name}
        entry.update(_SHOP_RULES.get((platform, shop), {}))
        shops.append(entry)
    listings = [
        {
            "platform": platform,
            "shop": shop,
            "listing_id": listing_id(platform, shop, item),
            **({"kit": item} if item in KITS else {"sku": item}),
        }
        for (platform, shop), items in ASSORTMENT.items()
        for item in items
    ]
    return {
        "shops": shops,
        "skus": [
            {
                "code": p.code,
                "name": p.name,
                "weight_g": p.weight_g,
                "tags": list(p.tags),
                "reference_price_minor": p.price_minor,
            }
            for p in PRODUCTS
        ],
        "kits": [
            {"code": code, "components": [{"sku": sku, "quantity": qty} for sku, qty in parts]}
            for code, parts in KITS.items()
        ],
        "listings": listings,
        "locations": [dict(location) for location in _LOCATIONS],
        "carriers": [dict(carrier) for carrier in _CARRIERS],
        "stock": [
            {"location": e.location, "sku": e.sku, "on_hand": e.on_hand, "safety": e.safety}
            for e in stock
            if e.on_hand > 0 or e.safety > 0
        ],
        "rules": {
            "review": {
                "cod_limit_minor": 50_000,
                "hold_on_buyer_memo": True,
                "hold_on_seller_memo": True,
                "wait_minutes": WAIT_MINUTES,
                "checks": [
                    {"rule": "amount", "max_minor": 1_500_000},
                    {"rule": "discount_ceiling", "percent": 90, "then": "risk"},
                ],
            },
            "fill_order": {"keys": ["vip", "priority", "placed_at"], "vip_buyers": list(VIP_BUYERS)},
            "gifts": {"rules": copy.deepcopy(list(GIFT_RULES))},
            "merge": {"enabled": True, "window_minutes": 120},
            "routing": {"allow_split": True},
        },
        "sharing": copy.deepcopy(dict(SHARING)),
    }


_SHOP_RULES: Final[Mapping[tuple[str, str], dict[str, Any]]] = {
    ("tmall", "outlet"): {"merge": {"window_minutes": 240}, "routing": {"backorder": True}},
    ("jd", "self-run"): {"review": {"cod_limit_minor": 80_000}},
    ("douyin", "live"): {"review": {"hold_on_buyer_memo": False}, "routing": {"max_shipments": 2}},
    ("shopify", "global"): {"routing": {"allow_split": False}},
}
