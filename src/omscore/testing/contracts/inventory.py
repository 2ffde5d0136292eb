"""The contract of :class:`~omscore.ports.inventory.InventoryStore`."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omscore.domain.errors import InvalidInput, InvalidQuantity, TransientError
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import Reservation, ReservationLine, ReserveOutcome, Shortage, StockLevel
from omscore.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from omscore.testing.contracts._inventory_model import OPERATIONS, ModelStore, Names, Operation, assert_invariants
from omscore.testing.contracts._support import committed, read

WH, STORE = LocationId("WH-1"), LocationId("STORE-1")
TEA, CUP = SkuCode("TEA"), SkuCode("CUP")
_T = TypeVar("_T")


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


def _retrying(uow_factory: UnitOfWorkFactory, action: Callable[[UnitOfWork], _T], attempts: int = 100) -> _T:
    """Run ``action`` in a committed unit of work, again on a transient fault (as the port allows)."""
    for attempt in range(attempts):
        try:
            return committed(uow_factory, action)
        except TransientError:
            time.sleep(min(0.001 * 2**attempt, 0.05))
    raise AssertionError(f"still failing transiently after {attempts} attempts")


def _reserving(key: str, lines: Sequence[ReservationLine]) -> Callable[[UnitOfWork], ReserveOutcome]:
    def reserve(uow: UnitOfWork) -> ReserveOutcome:
        return uow.inventory.reserve(key, lines)

    return reserve


def _run_threads(count: int, work: Callable[[int], None]) -> None:
    """Run ``work(index)`` on ``count`` threads started together; re-raise the first failure."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class InventoryStoreContract:
    """Stock levels, all-or-nothing idempotent reservations, refusals and the no-oversell invariant under
    concurrency, plus a model-based property test.

    Needs the fixture ``uow_factory`` (see :mod:`omscore.testing.contracts`).
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

    # --- concurrency --------------------------------------------------------------------------------------

    def test_concurrent_reservations_of_a_hot_sku_never_oversell(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 100, 0))
        outcomes: list[ReserveOutcome] = []
        lock = threading.Lock()

        def buyer(index: int) -> None:
            for attempt in range(50):
                outcome = _retrying(uow_factory, _reserving(f"T{index}-{attempt}", [_line(WH, TEA, 1)]))
                with lock:
                    outcomes.append(outcome)

        _run_threads(8, buyer)

        level = read(uow_factory, lambda uow: uow.inventory.level(WH, TEA))
        assert len(outcomes) == 400
        assert sum(outcome.ok for outcome in outcomes) == 100
        assert level == StockLevel(WH, TEA, 100, 100, 0)
        assert len(read(uow_factory, lambda uow: uow.inventory.reservation_keys())) == 100

    def test_concurrent_reservations_of_two_skus_stay_all_or_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        _stock(uow_factory, (WH, TEA, 60, 0), (WH, CUP, 40, 0))

        def buyer(index: int) -> None:
            for attempt in range(25):
                lines = [_line(WH, TEA, 1), _line(WH, CUP, 1)]
                if (index + attempt) % 2:
                    lines.reverse()
                _retrying(uow_factory, _reserving(f"T{index}-{attempt}", lines))

        _run_threads(4, buyer)

        with uow_factory() as uow:
            tea, cup = uow.inventory.level(WH, TEA), uow.inventory.level(WH, CUP)
            keys = uow.inventory.reservation_keys()
        assert (tea.reserved, cup.reserved) == (40, 40)
        assert len(keys) == 40

    # --- against a model ----------------------------------------------------------------------------------

    # Every example uses ids of its own, so sharing the function-scoped store is safe; each adapter's subclass
    # runs the same test function (a different executor), which is what the suite is for.
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
            HealthCheck.too_slow,
        ],
    )
    @given(steps=st.lists(st.tuples(OPERATIONS, st.sampled_from([True, True, False])), max_size=25))
    def test_random_operations_match_a_model_and_never_oversell(
        self, uow_factory: UnitOfWorkFactory, steps: list[tuple[Operation, bool]]
    ) -> None:
        names = Names(uuid.uuid4().hex[:10])
        model = ModelStore()
        for operation, commit in steps:
            with uow_factory() as uow:
                trial = model.copy()
                expected = operation.apply(trial, names)
                actual = operation.apply(uow.inventory, names)
                assert actual == expected, operation
                assert_invariants(uow.inventory, names)
                if commit:
                    uow.commit()
                    model = trial

        with uow_factory() as uow:
            for stock_key in names.stock_keys():
                assert uow.inventory.level(*stock_key) == model.level(*stock_key)
            for reservation_key in names.reservation_keys():
                assert uow.inventory.reservation(reservation_key) == model.reservation(reservation_key)
            assert_invariants(uow.inventory, names)
