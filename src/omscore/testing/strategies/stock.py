"""Strategies for stock levels of a network's locations and a catalog's SKUs, ready to load into a store."""

from __future__ import annotations

from hypothesis import strategies as st

from omscore.domain.catalog import Catalog
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.domain.network import Network


@st.composite
def _stock_levels(draw: st.DrawFn, keys: tuple[tuple[LocationId, SkuCode], ...], max_on_hand: int) -> list[StockLevel]:
    levels: list[StockLevel] = []
    for location, sku in keys:
        if draw(st.integers(0, 3)) == 0:
            continue
        on_hand = draw(st.integers(1, max_on_hand))
        safety = draw(st.integers(0, min(on_hand, 3)))
        levels.append(StockLevel(location, sku, on_hand=on_hand, safety=safety))
    return levels


def stock_levels(network: Network, catalog: Catalog, *, max_on_hand: int = 50) -> st.SearchStrategy[list[StockLevel]]:
    """Stock of some (location, SKU) pairs of ``network`` × ``catalog``, sorted by (location, SKU).

    Levels have nothing reserved (reservations are made through the inventory port) and a safety stock of at
    most on hand, so they can be loaded with ``receive`` and ``set_safety``. About a quarter of the pairs are
    left out (no stock record at all).

    Args:
        network: where the stock is.
        catalog: what SKUs there are.
        max_on_hand: the most units of one SKU at one location (at least 1).

    Returns:
        A strategy of lists of :class:`StockLevel`.
    """
    keys = tuple(sorted((location, sku) for location in network.locations for sku in catalog.skus))
    return _stock_levels(keys, max(max_on_hand, 1))
