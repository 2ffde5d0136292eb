"""How the demo day's stock is laid out: the initial stock of every location and the goods receipts of the day,
both sized against the demand the day's orders make.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import attrs

from omscore.demo.merchant import EAST, FACTORY, SOUTH, STORE, WEST, StockEntry
from omscore.domain.identity import LocationId, SkuCode

NOON_RECEIPT_WAVE: Final = 6
LIVE_RECEIPT_WAVE: Final = 11


@attrs.frozen
class Receipt:
    """A goods receipt booked during the day."""

    location: LocationId
    sku: SkuCode
    quantity: int


def lay_out_stock(
    demand: Mapping[str, int], pickup_demand: Mapping[str, int]
) -> tuple[list[StockEntry], list[tuple[int, Receipt]]]:
    """Initial stock and the day's receipts, laid out against the day's demand.

    Staples sit mostly in the East China DC, partly in the South China DC and the western 3PL; kettles
    only in the east, cold-chain goods only in the south and west, made-to-order items only at the
    workshop. The east runs short of staples by the afternoon (orders split or move south) until the noon
    receipt; the limited edition sells out in the live stream and is restocked after it.

    Args:
        demand: units of each SKU the day's orders ask for, kits counted as their parts (store pickups apart).
        pickup_demand: the same for the orders picked up at the store.

    Returns:
        The stock entries sorted by (location, SKU), and every receipt with the wave it is booked in.
    """
    stock: dict[tuple[str, str], StockEntry] = {}
    receipts: list[tuple[int, Receipt]] = []

    def put(location: str, sku: str, share: float, safety: int = 0) -> None:
        units = math.ceil(demand.get(sku, 0) * share)
        if units > 0:
            stock[(location, sku)] = StockEntry(location, sku, units + safety, safety)

    def receive(wave: int, sku: str, share: float) -> None:
        units = math.ceil(demand.get(sku, 0) * share)
        if units > 0:
            receipts.append((wave, Receipt(LocationId(EAST), SkuCode(sku), units)))

    for sku in ("TEA-LJ-250", "TEA-PU-357", "CUP-CER-01", "POT-GLS-01", "TRAY-BMB-1", "TIN-GIFT-1"):
        put(EAST, sku, 0.62, safety=3)
        put(SOUTH, sku, 0.33)
        put(WEST, sku, 0.12)
        receive(NOON_RECEIPT_WAVE, sku, 0.2)
    put(EAST, "KETTLE-EL-1", 1.15)
    put(SOUTH, "MOON-CAKE-8", 1.1)
    put(SOUTH, "MILK-TEA-6", 0.75)
    put(WEST, "MILK-TEA-6", 0.45)
    put(FACTORY, "TABLE-TEA-1", 1.3)
    put(FACTORY, "POT-ZISHA-E", 1.3)
    put(EAST, "TEA-PU-LTD", 0.5)
    receive(LIVE_RECEIPT_WAVE, "TEA-PU-LTD", 0.7)
    for sku, units in sorted(pickup_demand.items()):
        stock[(STORE, sku)] = StockEntry(STORE, sku, math.ceil(units * 1.3) + 2)
    return sorted(stock.values(), key=lambda e: (e.location, e.sku)), receipts
