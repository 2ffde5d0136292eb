"""The contract of :class:`~omscore.ports.inbound.InboundStock`: expected receipts that round-trip and update in
place, all-or-nothing idempotent promises that never exceed a receipt's quantity, releases, arrivals, with the
unit of work and per tenant."""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omscore.domain.errors import InvalidInput, InvalidQuantity
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inbound import ExpectedReceipt, InboundKind
from omscore.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from omscore.testing.contracts._inbound_model import OPERATIONS, InboundModel, InboundNames, Operation
from omscore.testing.contracts._support import MODEL_SETTINGS, committed, read
from omscore.testing.contracts.inventory import _retrying, _run_threads
from omscore.testing.contracts.tenancy import UowFactoryFor

WH, STORE, TEA, CUP = LocationId("WH-1"), LocationId("STORE-1"), SkuCode("TEA"), SkuCode("CUP")
DAY = datetime.date(2024, 11, 1)


def _receipt(
    receipt_id: str = "ASN-1",
    quantity: int = 10,
    days: int = 0,
    location: LocationId = WH,
    sku: SkuCode = TEA,
    kind: InboundKind = InboundKind.ASN,
) -> ExpectedReceipt:
    return ExpectedReceipt(receipt_id, location, sku, quantity, DAY + datetime.timedelta(days=days), kind)


def _expect(*receipts: ExpectedReceipt) -> Callable[[UnitOfWork], None]:
    def expect(uow: UnitOfWork) -> None:
        for receipt in receipts:
            uow.inbound.expect(receipt)

    return expect


def _promise(order_key: str, units: int, receipt_id: str = "ASN-1") -> Callable[[UnitOfWork], bool]:
    def promise(uow: UnitOfWork) -> bool:
        return uow.inbound.promise(order_key, receipt_id, units)

    return promise


def _release(order_key: str) -> Callable[[UnitOfWork], int]:
    def release(uow: UnitOfWork) -> int:
        return uow.inbound.release(order_key)

    return release


def _promised(uow_factory: UnitOfWorkFactory, receipt_id: str = "ASN-1") -> int:
    return read(uow_factory, lambda uow: uow.inbound.promised(receipt_id))


def _held(uow_factory: UnitOfWorkFactory, order_key: str) -> dict[str, int]:
    return read(uow_factory, lambda uow: uow.inbound.promises_of(order_key))


class InboundStockContract:
    """Receipts, promises within a receipt's quantity, idempotency, releases, arrivals, rollback, tenancy,
    racing threads, and a property test against a reference model.

    Needs the fixtures ``uow_factory`` and ``uow_factory_for`` (see :mod:`omscore.testing.contracts`).
    """

    # --- receipts -----------------------------------------------------------------------------------------

    def test_an_expected_receipt_round_trips_and_is_open(self, uow_factory: UnitOfWorkFactory) -> None:
        po = _receipt("PO-7", quantity=24, days=3, kind=InboundKind.PO)
        committed(uow_factory, _expect(po))

        with uow_factory() as uow:
            assert uow.inbound.get("PO-7") == po
            assert uow.inbound.open_for(WH, TEA) == [po]
            assert uow.inbound.promised("PO-7") == 0

    def test_an_unknown_receipt_reads_as_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.inbound.get("NEVER") is None
            assert uow.inbound.open_for(WH, TEA) == []
            assert uow.inbound.promised("NEVER") == 0

    def test_expecting_again_is_idempotent_and_updates_quantity_date_and_kind(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        committed(uow_factory, _expect(_receipt(quantity=10), _receipt(quantity=10)))
        changed = _receipt(quantity=12, days=2, kind=InboundKind.PO)

        committed(uow_factory, _expect(changed))

        assert read(uow_factory, lambda uow: (uow.inbound.get("ASN-1"), uow.inbound.open_for(WH, TEA))) == (
            changed,
            [changed],
        )

    @pytest.mark.parametrize(
        ("field", "moved"), [("location", _receipt(quantity=3, location=STORE)), ("sku", _receipt(quantity=3, sku=CUP))]
    )
    def test_a_receipt_keeps_its_location_and_sku(
        self, uow_factory: UnitOfWorkFactory, field: str, moved: ExpectedReceipt
    ) -> None:
        committed(uow_factory, _expect(_receipt()))

        with uow_factory() as uow, pytest.raises(InvalidInput) as refused:
            uow.inbound.expect(moved)

        assert refused.value.field == field
        assert read(uow_factory, lambda uow: uow.inbound.get("ASN-1")) == _receipt()

    def test_the_quantity_may_not_drop_below_what_is_promised(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt(quantity=10)))
        committed(uow_factory, _promise("O1", 4))

        with uow_factory() as uow, pytest.raises(InvalidQuantity) as refused:
            uow.inbound.expect(_receipt(quantity=3))
        committed(uow_factory, _expect(_receipt(quantity=4)))

        assert refused.value.field == "quantity"
        assert read(uow_factory, lambda uow: uow.inbound.get("ASN-1")) == _receipt(quantity=4)
        assert committed(uow_factory, _promise("O2", 1)) is False

    def test_open_receipts_are_listed_by_date_then_id(self, uow_factory: UnitOfWorkFactory) -> None:
        late, b_first, a_first = _receipt("A-LATE", days=5), _receipt("B", days=1), _receipt("A", days=1)
        elsewhere, other_sku = _receipt("C", location=STORE), _receipt("D", sku=CUP)
        committed(uow_factory, _expect(late, b_first, _receipt("ARRIVED"), a_first, elsewhere, other_sku))
        committed(uow_factory, lambda uow: uow.inbound.arrive("ARRIVED"))

        with uow_factory() as uow:
            assert uow.inbound.open_for(WH, TEA) == [a_first, b_first, late]
            assert uow.inbound.open_for(STORE, TEA) == [elsewhere]
            assert uow.inbound.open_for(WH, CUP) == [other_sku]

    # --- promises -----------------------------------------------------------------------------------------

    def test_a_promise_within_the_quantity_is_made_and_counted(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt(quantity=5)))

        assert committed(uow_factory, _promise("O1", 3)) is True
        assert _promised(uow_factory) == 3
        assert _held(uow_factory, "O1") == {"ASN-1": 3}

    def test_a_promise_over_the_quantity_is_refused_and_changes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt(quantity=5)))
        committed(uow_factory, _promise("O1", 3))

        over = committed(uow_factory, _promise("O2", 3))
        exactly = committed(uow_factory, _promise("O3", 2))
        after_full = committed(uow_factory, _promise("O4", 1))

        assert (over, exactly, after_full) == (False, True, False)
        assert _promised(uow_factory) == 5
        assert [_held(uow_factory, order) for order in ("O2", "O3", "O4")] == [{}, {"ASN-1": 2}, {}]

    def test_nothing_is_promised_from_an_unknown_or_arrived_receipt(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt()))
        committed(uow_factory, lambda uow: uow.inbound.arrive("ASN-1"))

        assert committed(uow_factory, _promise("O1", 1, "NEVER")) is False
        assert committed(uow_factory, _promise("O1", 1)) is False
        assert (_promised(uow_factory), _held(uow_factory, "O1")) == (0, {})

    def test_promising_the_same_order_again_counts_once(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt(quantity=5)))
        committed(uow_factory, _promise("O1", 2))

        again = committed(uow_factory, _promise("O1", 2))
        bigger = committed(uow_factory, _promise("O1", 9))
        in_one = committed(uow_factory, lambda uow: [uow.inbound.promise("O2", "ASN-1", 1) for _ in range(3)])

        assert (again, bigger, in_one) == (True, True, [True, True, True])
        assert _promised(uow_factory) == 3
        assert _held(uow_factory, "O1") == {"ASN-1": 2}

    def test_an_order_may_hold_promises_on_several_receipts(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt("PO-2"), _receipt("ASN-1"), _receipt("ASN-9", sku=CUP)))
        for receipt_id, units in (("PO-2", 1), ("ASN-9", 3), ("ASN-1", 2)):
            committed(uow_factory, _promise("O1", units, receipt_id))

        assert list(_held(uow_factory, "O1").items()) == [("ASN-1", 2), ("ASN-9", 3), ("PO-2", 1)]

    def test_blank_ids_and_bad_units_are_refused_naming_the_field(self, uow_factory: UnitOfWorkFactory) -> None:
        calls: list[tuple[str, Callable[[UnitOfWork], object]]] = [
            ("receipt_id", lambda uow: uow.inbound.get(" ")),
            ("location", lambda uow: uow.inbound.open_for(LocationId(""), TEA)),
            ("sku", lambda uow: uow.inbound.open_for(WH, SkuCode(" "))),
            ("receipt_id", lambda uow: uow.inbound.promised("")),
            ("order_key", lambda uow: uow.inbound.promise("", "ASN-1", 1)),
            ("receipt_id", lambda uow: uow.inbound.promise("O1", " ", 1)),
            ("units", lambda uow: uow.inbound.promise("O1", "ASN-1", 0)),
            ("units", lambda uow: uow.inbound.promise("O1", "ASN-1", True)),
            ("order_key", lambda uow: uow.inbound.release(" ")),
            ("order_key", lambda uow: uow.inbound.promises_of("")),
            ("receipt_id", lambda uow: uow.inbound.arrive("")),
        ]
        committed(uow_factory, _expect(_receipt()))
        for field, call in calls:
            with uow_factory() as uow, pytest.raises(InvalidInput) as refused:
                call(uow)
            assert refused.value.field == field
        assert _promised(uow_factory) == 0

    # --- releases -----------------------------------------------------------------------------------------

    def test_releasing_gives_back_every_promise_of_the_order(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt("ASN-1", quantity=3), _receipt("PO-2", quantity=5)))
        committed(uow_factory, _promise("O1", 3))
        committed(uow_factory, _promise("O1", 2, "PO-2"))
        committed(uow_factory, _promise("O2", 1, "PO-2"))

        given_back = committed(uow_factory, _release("O1"))

        assert given_back == 5
        assert (_promised(uow_factory), _promised(uow_factory, "PO-2")) == (0, 1)
        assert (_held(uow_factory, "O1"), _held(uow_factory, "O2")) == ({}, {"PO-2": 1})
        assert committed(uow_factory, _promise("O3", 3)) is True

    def test_releasing_twice_gives_back_nothing_the_second_time(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt()))
        committed(uow_factory, _promise("O1", 4))

        first = committed(uow_factory, _release("O1"))
        second = committed(uow_factory, _release("O1"))
        never = committed(uow_factory, _release("O-NEVER"))

        assert (first, second, never) == (4, 0, 0)
        assert _promised(uow_factory) == 0

    def test_an_order_released_may_be_promised_again(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt(quantity=2)))
        committed(uow_factory, _promise("O1", 2))
        committed(uow_factory, _release("O1"))

        assert committed(uow_factory, _promise("O1", 1)) is True
        assert (_promised(uow_factory), _held(uow_factory, "O1")) == (1, {"ASN-1": 1})

    # --- arrivals -----------------------------------------------------------------------------------------

    def test_an_arrival_closes_the_receipt_and_ends_its_promises(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt("ASN-1"), _receipt("PO-2")))
        for order_key in ("O2", "O10", "O1"):
            committed(uow_factory, _promise(order_key, 2))
        committed(uow_factory, _promise("O1", 1, "PO-2"))

        holders = committed(uow_factory, lambda uow: uow.inbound.arrive("ASN-1"))

        assert holders == ("O1", "O10", "O2")
        with uow_factory() as uow:
            assert uow.inbound.get("ASN-1") == _receipt("ASN-1")
            assert uow.inbound.open_for(WH, TEA) == [_receipt("PO-2")]
            assert (uow.inbound.promised("ASN-1"), uow.inbound.promised("PO-2")) == (0, 1)
            assert [uow.inbound.promises_of(order) for order in ("O1", "O2")] == [{"PO-2": 1}, {}]
            assert uow.inbound.release("O2") == 0

    def test_arriving_twice_or_an_unknown_receipt_returns_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt()))
        committed(uow_factory, _promise("O1", 1))

        first = committed(uow_factory, lambda uow: uow.inbound.arrive("ASN-1"))
        second = committed(uow_factory, lambda uow: uow.inbound.arrive("ASN-1"))
        never = committed(uow_factory, lambda uow: uow.inbound.arrive("NEVER"))

        assert (first, second, never) == (("O1",), (), ())

    def test_an_arrived_receipt_expected_again_stays_arrived(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt(quantity=10)))
        committed(uow_factory, lambda uow: uow.inbound.arrive("ASN-1"))

        committed(uow_factory, _expect(_receipt(quantity=20, days=1)))

        with uow_factory() as uow:
            assert uow.inbound.get("ASN-1") == _receipt(quantity=10)
            assert uow.inbound.open_for(WH, TEA) == []
            assert uow.inbound.promise("O1", "ASN-1", 1) is False
            with pytest.raises(InvalidInput) as refused:
                uow.inbound.expect(_receipt(location=STORE))
        assert refused.value.field == "location"

    # --- the unit of work and tenants ---------------------------------------------------------------------

    def test_rolling_back_undoes_every_change(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt("ASN-1", quantity=5), _receipt("PO-2", quantity=5)))
        committed(uow_factory, _promise("O1", 2))
        committed(uow_factory, _promise("O2", 2, "PO-2"))
        with uow_factory() as uow:
            uow.inbound.expect(_receipt("ASN-1", quantity=9, days=4))
            uow.inbound.expect(_receipt("NEW"))
            assert uow.inbound.promise("O3", "ASN-1", 3)
            assert uow.inbound.release("O1") == 2
            assert uow.inbound.arrive("PO-2") == ("O2",)
            uow.rollback()
            assert uow.inbound.promised("ASN-1") == 2

        with uow_factory() as uow:
            assert uow.inbound.open_for(WH, TEA) == [_receipt("ASN-1", quantity=5), _receipt("PO-2", quantity=5)]
            assert uow.inbound.get("NEW") is None
            assert [uow.inbound.promises_of(order) for order in ("O1", "O2", "O3")] == [{"ASN-1": 2}, {"PO-2": 2}, {}]
            assert (uow.inbound.promised("ASN-1"), uow.inbound.promised("PO-2")) == (2, 2)

    def test_another_tenants_receipt_of_the_same_id_is_separate(self, uow_factory_for: UowFactoryFor) -> None:
        acme, globex = uow_factory_for("acme"), uow_factory_for("globex")
        committed(acme, _expect(_receipt(quantity=1)))
        committed(acme, _promise("O1", 1))

        with globex() as uow:
            assert (uow.inbound.get("ASN-1"), uow.inbound.open_for(WH, TEA)) == (None, [])
            assert (uow.inbound.promised("ASN-1"), uow.inbound.promises_of("O1")) == (0, {})
            assert (uow.inbound.release("O1"), uow.inbound.arrive("ASN-1")) == (0, ())
            assert uow.inbound.promise("O2", "ASN-1", 1) is False
            uow.inbound.expect(_receipt(quantity=7, location=STORE))
            assert uow.inbound.promise("O2", "ASN-1", 7)
            uow.commit()

        assert read(acme, lambda uow: uow.inbound.get("ASN-1")) == _receipt(quantity=1)
        assert _promised(acme) == 1
        assert (_held(acme, "O1"), _held(acme, "O2"), _held(globex, "O2")) == ({"ASN-1": 1}, {}, {"ASN-1": 7})

    # --- concurrency --------------------------------------------------------------------------------------

    def test_threads_racing_for_a_receipt_never_promise_more_than_it_brings(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        # 8 threads × 20 orders of 1–3 units (320 asked) for 100 units. Promised units only grow while they
        # race, so once a promise of at most 3 units is refused at least 98 are promised. Then the threads
        # release their orders, racing again on the same receipt, and every unit comes back.
        committed(uow_factory, _expect(_receipt(quantity=100)))
        kept: dict[str, int] = {}
        lock = threading.Lock()

        def promise(index: int) -> None:
            for number in range(20):
                order, units = f"T{index}-{number}", 1 + (index + number) % 3
                if _retrying(uow_factory, _promise(order, units)):
                    with lock:
                        kept[order] = units

        def release(index: int) -> None:
            for order in [order for order in kept if order.startswith(f"T{index}-")]:
                assert _retrying(uow_factory, _release(order)) == kept[order]

        _run_threads(8, promise)
        with uow_factory() as uow:
            promised = uow.inbound.promised("ASN-1")
            held = {order: uow.inbound.promises_of(order) for order in kept}
        _run_threads(8, release)

        assert 98 <= promised == sum(kept.values()) <= 100
        assert held == {order: {"ASN-1": units} for order, units in kept.items()}
        assert _promised(uow_factory) == 0

    def test_an_arrival_racing_promises_ends_every_promise_made_before_it(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _expect(_receipt(quantity=1_000)))
        made: list[str] = []
        ended: list[str] = []
        lock = threading.Lock()

        def work(index: int) -> None:
            if index == 0:
                ended.extend(_retrying(uow_factory, lambda uow: uow.inbound.arrive("ASN-1")))
                return
            for number in range(15):
                order = f"T{index}-{number}"
                if _retrying(uow_factory, _promise(order, 1)):
                    with lock:
                        made.append(order)

        _run_threads(6, work)

        assert ended == sorted(made)
        with uow_factory() as uow:
            assert (uow.inbound.promised("ASN-1"), uow.inbound.open_for(WH, TEA)) == (0, [])
            assert [order for order in made if uow.inbound.promises_of(order)] == []

    # --- against a model ----------------------------------------------------------------------------------

    # Every example uses ids of its own, so sharing the function-scoped store is safe.
    @MODEL_SETTINGS
    @given(steps=st.lists(st.tuples(OPERATIONS, st.sampled_from([True, True, False])), max_size=25))
    def test_random_operations_match_a_model_and_never_promise_too_much(
        self, uow_factory: UnitOfWorkFactory, steps: list[tuple[Operation, bool]]
    ) -> None:
        names = InboundNames(uuid.uuid4().hex[:10])
        model = InboundModel()
        for operation, commit in steps:
            with uow_factory() as uow:
                trial = model.copy()
                expected = operation.apply(trial, names)
                assert operation.apply(uow.inbound, names) == expected, operation
                if commit:
                    uow.commit()
                    model = trial

        with uow_factory() as uow:
            assert names.state(uow.inbound) == names.state(model)
            for receipt in model.receipts.values():
                assert uow.inbound.promised(receipt.id) <= receipt.quantity
