"""The contract of :class:`~omscore.ports.gift_quotas.GiftQuotas`: all-or-nothing, idempotent claims that never
pass an activity's quota or a buyer's limit, given back on cancellation, with the unit of work and per tenant."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omscore.domain.errors import InvalidInput
from omscore.domain.gifts import GiftClaim
from omscore.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from omscore.testing.contracts._gift_model import OPERATIONS, GiftModel, GiftNames, Operation
from omscore.testing.contracts._support import MODEL_SETTINGS, committed, read
from omscore.testing.contracts.inventory import _retrying, _run_threads
from omscore.testing.contracts.tenancy import UowFactoryFor

CUP = "DOUBLE11-CUP"


def _claim(
    order_key: str,
    buyer: str = "B1",
    units: int = 1,
    quota: int | None = 100,
    per_buyer: int | None = None,
    activity: str = CUP,
) -> GiftClaim:
    return GiftClaim(activity, order_key, buyer, units, quota, per_buyer)


def _take(claim: GiftClaim) -> Callable[[UnitOfWork], bool]:
    def take(uow: UnitOfWork) -> bool:
        return uow.gift_quotas.take(claim)

    return take


def _give_back(order_key: str, activity: str = CUP) -> Callable[[UnitOfWork], int]:
    def give_back(uow: UnitOfWork) -> int:
        return uow.gift_quotas.give_back(activity, order_key)

    return give_back


def _counts(uow_factory: UnitOfWorkFactory, *buyers: str) -> tuple[int, ...]:
    """The activity's units taken, then each buyer's."""
    with uow_factory() as uow:
        quotas = uow.gift_quotas
        return (quotas.taken(CUP), *(quotas.taken_by(CUP, buyer) for buyer in buyers))


class GiftQuotasContract:
    """Taking within and over the limits, idempotency, giving back, rollback, tenancy, racing threads, and a
    property test against a reference model.

    Needs the fixtures ``uow_factory`` and ``uow_factory_for`` (see :mod:`omscore.testing.contracts`).
    """

    # --- taking -------------------------------------------------------------------------------------------

    def test_a_claim_within_the_quota_is_taken_and_counted(self, uow_factory: UnitOfWorkFactory) -> None:
        took = committed(uow_factory, _take(_claim("O1", units=2, quota=3)))

        assert took is True
        assert _counts(uow_factory, "B1") == (2, 2)
        assert read(uow_factory, lambda uow: uow.gift_quotas.held_by("O1")) == {CUP: 2}

    def test_a_claim_over_the_quota_is_refused_and_records_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _take(_claim("O1", units=2, quota=3)))

        over = committed(uow_factory, _take(_claim("O2", "B2", units=2, quota=3)))
        exactly = committed(uow_factory, _take(_claim("O3", "B3", units=1, quota=3)))
        after_full = committed(uow_factory, _take(_claim("O4", "B4", units=1, quota=3)))

        assert (over, exactly, after_full) == (False, True, False)
        assert _counts(uow_factory, "B2", "B3", "B4") == (3, 0, 1, 0)
        assert read(uow_factory, lambda uow: uow.gift_quotas.held_by("O2")) == {}

    def test_a_quota_of_zero_gives_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        assert committed(uow_factory, _take(_claim("O1", quota=0))) is False
        assert _counts(uow_factory, "B1") == (0, 0)

    def test_the_per_buyer_limit_refuses_a_buyers_next_claim_but_not_another_buyers(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first = committed(uow_factory, _take(_claim("O1", "B1", per_buyer=1)))
        second = committed(uow_factory, _take(_claim("O2", "B1", per_buyer=1)))
        other = committed(uow_factory, _take(_claim("O3", "B2", per_buyer=1)))

        assert (first, second, other) == (True, False, True)
        assert _counts(uow_factory, "B1", "B2") == (2, 1, 1)
        assert read(uow_factory, lambda uow: uow.gift_quotas.held_by("O2")) == {}

    def test_no_limits_mean_unlimited(self, uow_factory: UnitOfWorkFactory) -> None:
        def take_many(uow: UnitOfWork) -> list[bool]:
            return [uow.gift_quotas.take(_claim(f"O{n}", units=1000, quota=None)) for n in range(50)]

        assert all(committed(uow_factory, take_many))
        assert _counts(uow_factory, "B1") == (50_000, 50_000)

    def test_taking_the_same_order_again_counts_once(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _take(_claim("O1", units=2, quota=2)))

        again = committed(uow_factory, _take(_claim("O1", units=2, quota=2)))
        changed = committed(uow_factory, _take(_claim("O1", "B2", units=5, quota=1)))
        in_one = committed(uow_factory, lambda uow: [uow.gift_quotas.take(_claim("O5")) for _ in range(3)])

        assert (again, changed, in_one) == (True, True, [True, True, True])
        assert _counts(uow_factory, "B1", "B2") == (3, 3, 0)
        assert read(uow_factory, lambda uow: uow.gift_quotas.held_by("O1")) == {CUP: 2}

    def test_claims_in_several_activities_are_counted_apart(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _take(_claim("O1", activity="TOTE", units=2, quota=2)))
        committed(uow_factory, _take(_claim("O1", quota=1)))

        with uow_factory() as uow:
            assert uow.gift_quotas.held_by("O1") == {CUP: 1, "TOTE": 2}
            assert (uow.gift_quotas.taken(CUP), uow.gift_quotas.taken("TOTE")) == (1, 2)
            assert uow.gift_quotas.taken("NEVER-CLAIMED") == 0

    # --- giving back --------------------------------------------------------------------------------------

    def test_giving_back_returns_the_units_and_frees_the_quota(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _take(_claim("O1", units=2, quota=2, per_buyer=2)))
        refused = committed(uow_factory, _take(_claim("O2", units=1, quota=2, per_buyer=2)))

        given_back = committed(uow_factory, _give_back("O1"))

        assert (refused, given_back) == (False, 2)
        assert _counts(uow_factory, "B1") == (0, 0)
        assert read(uow_factory, lambda uow: uow.gift_quotas.held_by("O1")) == {}
        assert committed(uow_factory, _take(_claim("O2", units=2, quota=2, per_buyer=2))) is True

    def test_giving_back_twice_gives_back_nothing_the_second_time(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _take(_claim("O1", units=3)))

        first, second = committed(uow_factory, _give_back("O1")), committed(uow_factory, _give_back("O1"))
        never = committed(uow_factory, _give_back("O-NEVER"))

        assert (first, second, never) == (3, 0, 0)
        assert _counts(uow_factory, "B1") == (0, 0)

    def test_an_order_given_back_may_claim_again(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _take(_claim("O1", quota=1)))
        committed(uow_factory, _give_back("O1"))

        assert committed(uow_factory, _take(_claim("O1", quota=1))) is True
        assert _counts(uow_factory, "B1") == (1, 1)

    def test_blank_ids_are_refused_naming_the_field(self, uow_factory: UnitOfWorkFactory) -> None:
        calls: list[tuple[str, Callable[[UnitOfWork], object]]] = [
            ("activity", lambda uow: uow.gift_quotas.give_back(" ", "O1")),
            ("order_key", lambda uow: uow.gift_quotas.give_back(CUP, "")),
            ("activity", lambda uow: uow.gift_quotas.taken("")),
            ("buyer", lambda uow: uow.gift_quotas.taken_by(CUP, "")),
            ("order_key", lambda uow: uow.gift_quotas.held_by(" ")),
        ]
        for field, call in calls:
            with uow_factory() as uow, pytest.raises(InvalidInput) as refused:
                call(uow)
            assert refused.value.field == field

    # --- the unit of work and tenants ---------------------------------------------------------------------

    def test_rolling_back_the_unit_of_work_undoes_a_take_and_a_give_back(self, uow_factory: UnitOfWorkFactory) -> None:
        committed(uow_factory, _take(_claim("O1", quota=2)))
        with uow_factory() as uow:
            assert uow.gift_quotas.take(_claim("O2", "B2", quota=2))
            assert uow.gift_quotas.give_back(CUP, "O1") == 1
            uow.rollback()
            assert uow.gift_quotas.take(_claim("O3", "B3", quota=2))
        with uow_factory() as uow:
            assert uow.gift_quotas.take(_claim("O4", "B4", quota=2))

        assert _counts(uow_factory, "B1", "B2", "B3", "B4") == (1, 1, 0, 0, 0)
        with uow_factory() as uow:
            assert [uow.gift_quotas.held_by(order) for order in ("O1", "O2", "O3", "O4")] == [{CUP: 1}, {}, {}, {}]

    def test_another_tenants_activity_of_the_same_name_is_separate(self, uow_factory_for: UowFactoryFor) -> None:
        acme, globex = uow_factory_for("acme"), uow_factory_for("globex")
        committed(acme, _take(_claim("O1", quota=1)))

        with globex() as uow:
            assert (uow.gift_quotas.taken(CUP), uow.gift_quotas.taken_by(CUP, "B1")) == (0, 0)
            assert uow.gift_quotas.held_by("O1") == {}
            assert uow.gift_quotas.give_back(CUP, "O1") == 0
            assert uow.gift_quotas.take(_claim("O2", quota=1))
            uow.commit()

        assert _counts(acme, "B1") == (1, 1)
        assert read(acme, lambda uow: (uow.gift_quotas.held_by("O1"), uow.gift_quotas.held_by("O2"))) == ({CUP: 1}, {})
        assert read(globex, lambda uow: uow.gift_quotas.held_by("O2")) == {CUP: 1}

    # --- concurrency --------------------------------------------------------------------------------------

    def test_threads_racing_for_a_quota_never_pass_it_or_a_buyers_limit(self, uow_factory: UnitOfWorkFactory) -> None:
        # 8 threads × 30 orders; 60 buyers with 4 orders each and a limit of 2 could take 120 units, so the
        # quota of 100 is what stops them, and exactly 100 orders get the gift.
        taken: list[str] = []
        lock = threading.Lock()

        def buyer(index: int) -> None:
            for number in range(30):
                order = f"T{index}-{number}"
                claim = _claim(order, f"B{(index * 30 + number) % 60}", quota=100, per_buyer=2)
                if _retrying(uow_factory, _take(claim)):
                    with lock:
                        taken.append(order)

        _run_threads(8, buyer)

        with uow_factory() as uow:
            quotas = uow.gift_quotas
            per_buyer = [quotas.taken_by(CUP, f"B{n}") for n in range(60)]
            assert len(taken) == 100
            assert quotas.taken(CUP) == 100
            assert sum(per_buyer) == 100
            assert max(per_buyer) <= 2
            assert all(quotas.held_by(order) == {CUP: 1} for order in taken)

    # --- against a model ----------------------------------------------------------------------------------

    # Every example uses ids of its own, so sharing the function-scoped store is safe.
    @MODEL_SETTINGS
    @given(steps=st.lists(st.tuples(OPERATIONS, st.sampled_from([True, True, False])), max_size=25))
    def test_random_takes_and_give_backs_match_a_model_and_never_pass_a_limit(
        self, uow_factory: UnitOfWorkFactory, steps: list[tuple[Operation, bool]]
    ) -> None:
        names = GiftNames(uuid.uuid4().hex[:10])
        model = GiftModel()
        for operation, commit in steps:
            with uow_factory() as uow:
                trial = model.copy()
                expected = operation.apply(trial, names)
                assert operation.apply(uow.gift_quotas, names) == expected, operation
                if commit:
                    uow.commit()
                    model = trial

        with uow_factory() as uow:
            assert names.counts(uow.gift_quotas) == names.counts(model)
            for order in names.orders():
                assert uow.gift_quotas.held_by(order) == model.held_by(order)
