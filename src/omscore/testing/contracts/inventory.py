"""The contract of :class:`~omscore.ports.inventory.InventoryStore`.

It inherits the stock-level and reservation tests (``_inventory_levels``, ``_inventory_reservations``) and adds
the no-oversell invariant under concurrent workers and a property test against a reference model.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from hypothesis import given
from hypothesis import strategies as st

from omscore.domain.errors import TransientError
from omscore.domain.inventory import ReservationLine, ReserveOutcome, StockLevel
from omscore.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from omscore.testing.contracts._inventory_levels import CUP, TEA, WH, InventoryLevelsContract, _line, _stock
from omscore.testing.contracts._inventory_model import OPERATIONS, ModelStore, Names, Operation, assert_invariants
from omscore.testing.contracts._inventory_reservations import InventoryReservationsContract
from omscore.testing.contracts._support import MODEL_SETTINGS, committed, read

_T = TypeVar("_T")


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


# pytest collects the tests of the last base first, then the next, then the class's own: levels, reservations,
# concurrency and the model (the order the suite was written in).
class InventoryStoreContract(InventoryReservationsContract, InventoryLevelsContract):
    """Stock levels, all-or-nothing idempotent reservations, refusals and the no-oversell invariant under
    concurrency, plus a model-based property test.

    Needs the fixture ``uow_factory`` (see :mod:`omscore.testing.contracts`).
    """

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
    @MODEL_SETTINGS
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
