"""The reservation part of the inventory contract: all-or-nothing, idempotent reserves, release and consume."""

from __future__ import annotations

import pytest

from omscore.domain.errors import InvalidInput
from omscore.domain.inventory import Reservation, ReservationLine, ReserveOutcome, Shortage, StockLevel
from omscore.ports.unit_of_work import UnitOfWorkFactory
from omscore.testing.contracts._inventory_levels import CUP, STORE, TEA, WH, _line, _stock
from omscore.testing.contracts._support import committed, read


class InventoryReservationsContract:
    """Reservations: every line or none, each shortage listed, a held key reserved again changes nothing, and
    release and consume give back or ship each line once; a unit of work left without commit undoes them all.

    Part of :class:`~omscore.testing.contracts.InventoryStoreContract`; needs the fixture ``uow_factory``.
    """

    # --- reserving ----------------------------------------------------------------------------------------

    def test_reserve_takes_every_line(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0), (STORE, CUP, 3, 0))
        lines = [_line(WH, TEA, 4, "S2"), _line(STORE, CUP, 3, "S1"), _line(WH, TEA, 1, "S1")]

        outcome = committed(uow_factory, lambda uow: uow.inventory.reserve("O1", lines))

        assert outcome == ReserveOutcome("O1", ok=True)
        with uow_factory() as uow:
            assert uow.inventory.level(WH, TEA) == StockLevel(WH, TEA, 10, 5, 0)
            assert uow.inventory.level(STORE, CUP).available == 0
            assert uow.inventory.reservation("O1") == Reservation("O1", tuple(sorted(lines)))
            assert uow.inventory.reservation_keys() == ["O1"]

    def test_reserve_is_all_or_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0), (WH, CUP, 1, 0))

        outcome = committed(
            uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 2), _line(WH, CUP, 2)])
        )

        assert not outcome.ok
        assert not outcome.repeated
        assert outcome.shortages == (Shortage(WH, CUP, requested=2, available=1),)
        with uow_factory() as uow:
            assert [level.reserved for level in uow.inventory.all_levels()] == [0, 0]
            assert uow.inventory.reservation("O1") is None
            assert uow.inventory.reservation_keys() == []

    def test_lines_of_the_same_key_are_added_together_before_the_check(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 5, 0))

        outcome = committed(
            uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 3, "S1"), _line(WH, TEA, 3, "S2")])
        )

        assert outcome.shortages == (Shortage(WH, TEA, requested=6, available=5),)
        assert read(uow_factory, lambda uow: uow.inventory.level(WH, TEA).reserved) == 0

    def test_every_shortage_is_listed_in_location_and_sku_order(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 1, 0), (WH, CUP, 9, 0))

        outcome = committed(
            uow_factory,
            lambda uow: uow.inventory.reserve(
                "O1", [_line(WH, TEA, 2), _line(WH, CUP, 1), _line(STORE, TEA, 1), _line(STORE, CUP, 4)]
            ),
        )

        assert outcome.shortages == (
            Shortage(STORE, CUP, requested=4, available=0),
            Shortage(STORE, TEA, requested=1, available=0),
            Shortage(WH, TEA, requested=2, available=1),
        )

    def test_reserve_leaves_safety_stock_alone(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 3))

        with uow_factory() as uow:
            too_much = uow.inventory.reserve("O1", [_line(WH, TEA, 8)])
            just_enough = uow.inventory.reserve("O2", [_line(WH, TEA, 7)])
            uow.commit()

        assert too_much.shortages == (Shortage(WH, TEA, requested=8, available=7),)
        assert just_enough.ok
        assert read(uow_factory, lambda uow: uow.inventory.level(WH, TEA)) == StockLevel(WH, TEA, 10, 7, 3)

    def test_reserving_a_held_key_again_changes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0))
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 2)]))

        again = committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 2)]))
        different = committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 9, "S9")]))

        assert again == ReserveOutcome("O1", ok=True, repeated=True)
        assert different == ReserveOutcome("O1", ok=True, repeated=True)
        with uow_factory() as uow:
            assert uow.inventory.level(WH, TEA).reserved == 2
            assert uow.inventory.reservation("O1") == Reservation("O1", (_line(WH, TEA, 2),))

    def test_a_failed_reserve_does_not_hold_its_key(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 2)]))
        _stock(uow_factory, (WH, TEA, 2, 0))

        retry = committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 2)]))

        assert retry == ReserveOutcome("O1", ok=True)
        assert read(uow_factory, lambda uow: uow.inventory.level(WH, TEA).reserved) == 2

    @pytest.mark.parametrize(
        ("key", "lines"),
        [("", [_line(WH, TEA, 1)]), ("O1", [])],
        ids=["empty key", "no lines"],
    )
    def test_reserve_refuses_an_empty_key_or_no_lines(
        self, uow_factory: UnitOfWorkFactory, key: str, lines: list[ReservationLine]
    ) -> None:
        _stock(uow_factory, (WH, TEA, 5, 0))

        with uow_factory() as uow:
            with pytest.raises(InvalidInput):
                uow.inventory.reserve(key, lines)
            assert uow.inventory.level(WH, TEA).reserved == 0

    # --- releasing and consuming --------------------------------------------------------------------------

    def test_release_gives_everything_back_once(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0), (WH, CUP, 5, 0))
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 3), _line(WH, CUP, 2, "S2")]))

        released = committed(uow_factory, lambda uow: uow.inventory.release("O1"))
        repeated = committed(uow_factory, lambda uow: uow.inventory.release("O1"))

        assert (released, repeated) == (5, 0)
        with uow_factory() as uow:
            assert [level.reserved for level in uow.inventory.all_levels()] == [0, 0]
            assert uow.inventory.reservation("O1") is None
            assert uow.inventory.reservation_keys() == []

    def test_release_of_one_ref_keeps_the_other_lines(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0))
        committed(
            uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 3, "S1"), _line(WH, TEA, 4, "S2")])
        )

        released = committed(uow_factory, lambda uow: uow.inventory.release("O1", "S2"))

        assert released == 4
        with uow_factory() as uow:
            assert uow.inventory.level(WH, TEA).reserved == 3
            assert uow.inventory.reservation("O1") == Reservation("O1", (_line(WH, TEA, 3, "S1"),))
            assert uow.inventory.release("O1", "S2") == 0

    def test_a_key_that_released_everything_may_reserve_anew(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0))
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 3)]))
        committed(uow_factory, lambda uow: uow.inventory.release("O1"))

        again = committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 4)]))

        assert again == ReserveOutcome("O1", ok=True)
        assert read(uow_factory, lambda uow: uow.inventory.level(WH, TEA).reserved) == 4

    def test_consume_ships_the_lines_of_one_ref(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 1), (STORE, TEA, 2, 0))
        lines = [_line(WH, TEA, 3, "S1"), _line(STORE, TEA, 2, "S1"), _line(WH, TEA, 4, "S2")]
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", lines))

        consumed = committed(uow_factory, lambda uow: uow.inventory.consume("O1", "S1"))
        repeated = committed(uow_factory, lambda uow: uow.inventory.consume("O1", "S1"))

        assert (consumed, repeated) == (5, 0)
        with uow_factory() as uow:
            assert uow.inventory.level(WH, TEA) == StockLevel(WH, TEA, 7, 4, 1)
            assert uow.inventory.level(STORE, TEA) == StockLevel(STORE, TEA, 0, 0, 0)
            assert uow.inventory.reservation("O1") == Reservation("O1", (_line(WH, TEA, 4, "S2"),))

    def test_consuming_the_last_ref_frees_the_key(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0))
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 3, "S1")]))

        consumed = committed(uow_factory, lambda uow: uow.inventory.consume("O1", "S1"))

        assert consumed == 3
        with uow_factory() as uow:
            assert uow.inventory.reservation("O1") is None
            assert uow.inventory.reservation_keys() == []
            assert uow.inventory.level(WH, TEA) == StockLevel(WH, TEA, 7, 0, 0)

    def test_release_and_consume_of_unknown_keys_or_refs_do_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0))
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 3, "S1")]))

        with uow_factory() as uow:
            results = [
                uow.inventory.release("nobody"),
                uow.inventory.release("nobody", "S1"),
                uow.inventory.consume("nobody", "S1"),
                uow.inventory.release("O1", "S9"),
                uow.inventory.consume("O1", "S9"),
            ]
            level = uow.inventory.level(WH, TEA)

        assert results == [0, 0, 0, 0, 0]
        assert level == StockLevel(WH, TEA, 10, 3, 0)

    def test_reservation_keys_are_sorted(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0))

        with uow_factory() as uow:
            for key in ("O3", "O1", "O2"):
                uow.inventory.reserve(key, [_line(WH, TEA, 1)])
            uow.commit()

        assert read(uow_factory, lambda uow: uow.inventory.reservation_keys()) == ["O1", "O2", "O3"]

    def test_inventory_changes_of_a_unit_of_work_left_without_commit_are_undone(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _stock(uow_factory, (WH, TEA, 10, 0))
        committed(uow_factory, lambda uow: uow.inventory.reserve("O1", [_line(WH, TEA, 2, "S1")]))

        with uow_factory() as uow:
            uow.inventory.receive(WH, TEA, 5)
            uow.inventory.receive(STORE, CUP, 5)
            uow.inventory.set_safety(WH, TEA, 1)
            uow.inventory.consume("O1", "S1")
            uow.inventory.reserve("O2", [_line(WH, TEA, 4)])

        with uow_factory() as uow:
            assert uow.inventory.all_levels() == [StockLevel(WH, TEA, 10, 2, 0)]
            assert uow.inventory.reservation_keys() == ["O1"]
            assert uow.inventory.reservation("O1") == Reservation("O1", (_line(WH, TEA, 2, "S1"),))
