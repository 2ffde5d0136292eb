"""Behaviour of the in-memory unit of work beyond the port contract: locking, tenancy, events, reuse."""

from __future__ import annotations

import threading

import pytest

from omscore.adapters.memory import MemoryDatabase, MemoryUnitOfWork, memory_unit_of_work_factory
from omscore.domain.errors import InvalidInput, LockTimeout
from omscore.domain.identity import LocationId, OrderId, SkuCode
from omscore.testing.samples import sample_order, sample_shipment

WH, TEA = LocationId("WH-1"), SkuCode("TEA")


def test_a_unit_of_work_waits_for_the_one_that_is_open() -> None:
    db = MemoryDatabase(lock_timeout=0.05)
    entered, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with MemoryUnitOfWork(db):
            entered.set()
            release.wait(5)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    entered.wait(5)
    try:
        with pytest.raises(LockTimeout), MemoryUnitOfWork(db, "another tenant"):
            pass
    finally:
        release.set()
        holder.join()

    with MemoryUnitOfWork(db) as uow:
        assert uow.orders.count() == 0


def test_nesting_units_of_work_on_one_thread_fails_fast_instead_of_deadlocking() -> None:
    db = MemoryDatabase()

    with MemoryUnitOfWork(db) as outer:
        outer.inventory.receive(WH, TEA, 1)
        with pytest.raises(LockTimeout), MemoryUnitOfWork(db):
            pass
        outer.commit()

    with MemoryUnitOfWork(db) as uow:
        assert uow.inventory.level(WH, TEA).on_hand == 1


def test_changes_after_a_commit_need_another_commit() -> None:
    db = MemoryDatabase()

    with MemoryUnitOfWork(db) as uow:
        uow.inventory.receive(WH, TEA, 5)
        uow.commit()
        uow.inventory.receive(WH, TEA, 7)

    with MemoryUnitOfWork(db) as uow:
        assert uow.inventory.level(WH, TEA).on_hand == 5


def test_storing_an_aggregate_takes_its_recorded_events() -> None:
    order = sample_order("O1")
    shipment = sample_shipment("S1", order)

    with MemoryUnitOfWork(MemoryDatabase()) as uow:
        uow.orders.add(order)
        uow.shipments.add(shipment)
        uow.commit()

    assert order.events == []
    assert shipment.events == []


def test_a_failed_save_leaves_the_events_with_the_aggregate() -> None:
    with MemoryUnitOfWork(MemoryDatabase()) as uow:
        order = sample_order("O1")
        order.approve("not stored yet")
        with pytest.raises(LookupError):
            uow.orders.save(order)

    assert [event.name for event in order.events] == ["order.received", "order.approved"]


def test_the_factory_makes_a_new_unit_of_work_for_its_tenant_on_each_call() -> None:
    db = MemoryDatabase()
    acme = memory_unit_of_work_factory(db, "acme")

    with acme() as uow:
        uow.orders.add(sample_order("O1"))
        uow.commit()

    first, second = acme(), acme()
    assert first is not second
    with second as uow:
        assert uow.orders.get(OrderId("O1")) is not None
    with memory_unit_of_work_factory(db, "globex")() as uow:
        assert uow.orders.get(OrderId("O1")) is None
    assert db.tenants() == ["acme", "globex"]


@pytest.mark.parametrize("tenant", ["", "   "])
def test_a_blank_tenant_is_refused(tenant: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        MemoryUnitOfWork(MemoryDatabase(), tenant)

    assert refused.value.field == "tenant"


def test_a_lock_timeout_must_be_positive() -> None:
    with pytest.raises(InvalidInput) as refused:
        MemoryDatabase(lock_timeout=0)

    assert refused.value.field == "lock_timeout"


def test_leaving_a_unit_of_work_that_was_never_entered_does_nothing() -> None:
    uow = MemoryUnitOfWork(MemoryDatabase())

    uow.__exit__(None, None, None)

    with uow:
        assert uow.orders.count() == 0
