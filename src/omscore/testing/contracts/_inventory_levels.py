"""The stock-level part of the inventory contract: reading levels, receive, adjust and safety stock.

It also holds the locations, SKUs and stock set-up that the other parts of
:class:`~omscore.testing.contracts.inventory.InventoryStoreContract` use.
"""

from __future__ import annotations

import pytest

from omscore.domain.errors import InvalidQuantity
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import ReservationLine, StockLevel
from omscore.ports.unit_of_work import UnitOfWorkFactory
from omscore.testing.contracts._support import committed, read

WH, STORE = LocationId("WH-1"), LocationId("STORE-1")
TEA, CUP = SkuCode("TEA"), SkuCode("CUP")


def _line(location: LocationId, sku: SkuCode, quantity: int, ref: str = "S1") -> ReservationLine:
    return ReservationLine(location, sku, quantity, ref)


def _stock(uow_factory: UnitOfWorkFactory, *levels: tuple[LocationId, SkuCode, int, int]) -> None:
    """Receive (location, SKU, on hand, safety) levels and commit."""
    with uow_factory() as uow:
        for location, sku, on_hand, safety in levels:
            uow.inventory.receive(location, sku, on_hand)
            if safety:
                uow.inventory.set_safety(location, sku, safety)
        uow.commit()


class InventoryLevelsContract:
    """Stock levels: unknown keys read as zeros, levels are listed in key order, and receive, adjust and safety
    stock change them only within the port's limits.

    Part of :class:`~omscore.testing.contracts.InventoryStoreContract`; needs the fixture ``uow_factory``.
    """

    # --- reading ------------------------------------------------------------------------------------------

    def test_unknown_keys_read_as_zeros(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            inventory = uow.inventory

            assert inventory.level(WH, TEA) == StockLevel(WH, TEA, 0, 0, 0)
            assert inventory.levels([(WH, TEA), (STORE, CUP)]) == {
                (WH, TEA): StockLevel(WH, TEA),
                (STORE, CUP): StockLevel(STORE, CUP),
            }
            assert inventory.levels_of_sku(TEA) == []
            assert inventory.all_levels() == []
            assert inventory.reservation("nobody") is None
            assert inventory.reservation_keys() == []

    def test_levels_are_listed_in_key_order(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 5, 0), (STORE, TEA, 2, 0), (WH, CUP, 7, 1))

        with uow_factory() as uow:
            of_tea = uow.inventory.levels_of_sku(TEA)
            everything = uow.inventory.all_levels()
            some = uow.inventory.levels([(WH, CUP), (STORE, CUP)])

        assert of_tea == [StockLevel(STORE, TEA, 2), StockLevel(WH, TEA, 5)]
        assert [(level.location, level.sku) for level in everything] == [(STORE, TEA), (WH, CUP), (WH, TEA)]
        assert some == {(WH, CUP): StockLevel(WH, CUP, 7, 0, 1), (STORE, CUP): StockLevel(STORE, CUP)}

    # --- counting stock -----------------------------------------------------------------------------------

    def test_receive_adds_to_on_hand(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            first = uow.inventory.receive(WH, TEA, 5)
            second = uow.inventory.receive(WH, TEA, 3)
            uow.commit()

        assert (first.on_hand, second.on_hand) == (5, 8)
        assert read(uow_factory, lambda uow: uow.inventory.level(WH, TEA)) == StockLevel(WH, TEA, 8, 0, 0)

    @pytest.mark.parametrize("quantity", [0, -1])
    def test_receive_refuses_a_quantity_that_is_not_positive(
        self, uow_factory: UnitOfWorkFactory, quantity: int
    ) -> None:
        _stock(uow_factory, (WH, TEA, 5, 0))

        with uow_factory() as uow:
            with pytest.raises(InvalidQuantity):
                uow.inventory.receive(WH, TEA, quantity)
            assert uow.inventory.level(WH, TEA).on_hand == 5

    def test_adjust_moves_on_hand_both_ways(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 5, 0))

        with uow_factory() as uow:
            up = uow.inventory.adjust(WH, TEA, 4)
            down = uow.inventory.adjust(WH, TEA, -6)
            uow.commit()

        assert (up.on_hand, down.on_hand) == (9, 3)

    def test_adjust_refuses_to_count_below_zero(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 5, 0))

        with uow_factory() as uow:
            with pytest.raises(InvalidQuantity):
                uow.inventory.adjust(WH, TEA, -6)
            assert uow.inventory.level(WH, TEA).on_hand == 5

    def test_adjust_refuses_to_count_below_reserved_plus_safety(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 2))
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 5)]))

        with uow_factory() as uow:
            with pytest.raises(InvalidQuantity):
                uow.inventory.adjust(WH, TEA, -4)
            at_the_limit = uow.inventory.adjust(WH, TEA, -3)

        assert at_the_limit == StockLevel(WH, TEA, 7, 5, 2)
        assert at_the_limit.available == 0

    def test_safety_stock_is_kept_out_of_available(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0))

        with uow_factory() as uow:
            level = uow.inventory.set_safety(WH, TEA, 3)
            uow.commit()

        assert (level.safety, level.available) == (3, 7)

    def test_set_safety_refuses_a_negative_value(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 2))

        with uow_factory() as uow:
            with pytest.raises(InvalidQuantity):
                uow.inventory.set_safety(WH, TEA, -1)
            assert uow.inventory.level(WH, TEA).safety == 2

    def test_set_safety_refuses_to_push_available_below_zero(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0))
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 6)]))

        with uow_factory() as uow:
            with pytest.raises(InvalidQuantity):
                uow.inventory.set_safety(WH, TEA, 5)
            at_the_limit = uow.inventory.set_safety(WH, TEA, 4)

        assert at_the_limit.available == 0
