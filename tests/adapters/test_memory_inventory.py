"""The in-memory inventory store names the refused field, and keeps its cost to what a unit of work touches."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from omscore.adapters.memory import MemoryDatabase, MemoryUnitOfWork
from omscore.domain.errors import InvalidQuantity
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import ReservationLine, StockLevel
from omscore.ports.unit_of_work import UnitOfWork

WH, TEA = LocationId("WH-1"), SkuCode("TEA")


@pytest.fixture
def uow() -> Iterator[UnitOfWork]:
    with MemoryUnitOfWork(MemoryDatabase()) as uow:
        uow.inventory.receive(WH, TEA, 10)
        uow.inventory.reserve("O1", [ReservationLine(WH, TEA, 4, "S1")])
        yield uow


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda uow: uow.inventory.receive(WH, TEA, 0), "quantity"),
        (lambda uow: uow.inventory.receive(WH, TEA, 1.5), "quantity"),
        (lambda uow: uow.inventory.adjust(WH, TEA, -7), "delta"),
        (lambda uow: uow.inventory.adjust(WH, TEA, -11), "delta"),
        (lambda uow: uow.inventory.adjust(WH, TEA, 0.5), "delta"),
        (lambda uow: uow.inventory.set_safety(WH, TEA, 7), "safety"),
        (lambda uow: uow.inventory.set_safety(WH, TEA, -1), "safety"),
    ],
    ids=["receive 0", "receive fraction", "below reserved", "below zero", "fraction", "safety", "negative safety"],
)
def test_refusals_name_the_field(uow: UnitOfWork, call: Callable[[UnitOfWork], object], field: str) -> None:
    with pytest.raises(InvalidQuantity) as refused:
        call(uow)

    assert refused.value.field == field
    assert uow.inventory.level(WH, TEA) == StockLevel(WH, TEA, 10, 4, 0)


def test_levels_come_back_in_the_order_asked(uow: UnitOfWork) -> None:
    keys = [(LocationId("WH-9"), TEA), (WH, TEA), (WH, SkuCode("CUP"))]

    assert list(uow.inventory.levels(keys)) == keys


def test_reading_or_refusing_does_not_create_stock_records(uow: UnitOfWork) -> None:
    unknown = LocationId("WH-9")

    uow.inventory.level(unknown, TEA)
    uow.inventory.adjust(unknown, TEA, 0)
    uow.inventory.set_safety(unknown, TEA, 0)
    with pytest.raises(InvalidQuantity):
        uow.inventory.set_safety(unknown, TEA, 1)

    assert [(level.location, level.sku) for level in uow.inventory.all_levels()] == [(WH, TEA)]
    assert uow.inventory.levels_of_sku(TEA) == [StockLevel(WH, TEA, 10, 4, 0)]


def test_a_rolled_back_new_stock_record_disappears_from_every_listing() -> None:
    db = MemoryDatabase()
    with MemoryUnitOfWork(db) as uow:
        uow.inventory.receive(LocationId("WH-9"), TEA, 3)

    with MemoryUnitOfWork(db) as uow:
        assert uow.inventory.all_levels() == []
        assert uow.inventory.levels_of_sku(TEA) == []
