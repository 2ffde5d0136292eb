"""The availability model: which quantity counts per location, which locations serve which shop, kits."""

from __future__ import annotations

import pytest

from omscore.domain.catalog import Kit, KitComponent
from omscore.domain.errors import InvalidQuantity
from omscore.domain.identity import Channel, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.policies.sharing import AvailabilityModel, Counted, LocationStock, kit_quantity

TEA = SkuCode("TEA")
NORTH, SOUTH, STORE = LocationId("north"), LocationId("south"), LocationId("store")


def stock(location: LocationId, on_hand: int, reserved: int = 0, safety: int = 0, **extra: int) -> LocationStock:
    return LocationStock(location, TEA, on_hand, reserved, safety, **extra)


def test_each_basis_counts_its_own_quantity() -> None:
    level = stock(NORTH, 10, reserved=3, safety=1, locked=2, in_transit=5)
    assert level.counted(Counted.ON_HAND) == 8
    assert level.counted(Counted.AVAILABLE) == 4
    assert level.counted(Counted.IN_TRANSIT) == 9


def test_a_location_below_zero_adds_nothing() -> None:
    assert stock(NORTH, 2, reserved=5).counted(Counted.AVAILABLE) == 0


def test_the_pool_sums_every_location_on_its_own_basis() -> None:
    model = AvailabilityModel(counts={STORE: Counted.ON_HAND})
    assert model.pool([stock(NORTH, 10, reserved=4), stock(STORE, 3, reserved=3)]) == 9


def test_a_stock_level_converts_with_locked_and_in_transit_units() -> None:
    level = LocationStock.of(StockLevel(NORTH, TEA, 10, 2, 1), locked=1, in_transit=4)
    assert (level.on_hand, level.reserved, level.safety, level.locked, level.in_transit) == (10, 2, 1, 1, 4)


def test_negative_quantities_are_refused() -> None:
    with pytest.raises(InvalidQuantity):
        stock(NORTH, -1)


def test_a_location_serving_several_groups_of_shops_is_split_so_no_unit_counts_twice() -> None:
    tmall, store_app = Channel("tmall", "flagship"), Channel("own", "store-app")
    model = AvailabilityModel(serving={store_app: frozenset({STORE})})
    groups = [model.locations_of(tmall), model.locations_of(store_app)]
    assert groups == [None, frozenset({STORE})]
    pools = model.split_pools([stock(NORTH, 10), stock(STORE, 6)], groups, [3, 1])
    assert pools == [10 + 5, 1]  # the store's 6 split 3:1 by Webster
    assert sum(pools) == 16


def test_a_kit_is_available_as_the_minimum_over_its_components() -> None:
    kit = Kit("GIFT", (KitComponent(TEA, 2), KitComponent(SkuCode("CUP"), 1)))
    assert kit_quantity(kit, {TEA: 7, SkuCode("CUP"): 5}) == 3
    assert kit_quantity(kit, {TEA: 7}) == 0
