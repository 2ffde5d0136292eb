"""The SQLite unit of work in use: its lifecycle, the write lock it holds, ids, cached documents, the relay."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from omscore.adapters.relay import OutboxRelay
from omscore.adapters.sqlite import SqliteDatabase, SqliteIds, SqliteUnitOfWork, sqlite_unit_of_work_factory
from omscore.domain import events as ev
from omscore.domain.catalog import Catalog, Sku
from omscore.domain.errors import InvalidInput, UnitOfWorkClosed
from omscore.domain.identity import LocationId, OrderId, SkuCode
from omscore.ports.outbox import OutboxRecord
from omscore.ports.unit_of_work import UnitOfWork
from omscore.testing.samples import rich_catalog, sample_order

WH, TEA = LocationId("WH-1"), SkuCode("TEA")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SqliteDatabase]:
    database = SqliteDatabase(tmp_path / "uow.db")
    yield database
    database.close()


# --- lifecycle ---------------------------------------------------------------------------------------------


def test_it_is_a_unit_of_work() -> None:
    def accepts(uow: UnitOfWork) -> None: ...

    accepts(SqliteUnitOfWork(SqliteDatabase(":memory:")))


def test_repositories_refuse_work_outside_the_with_block(db: SqliteDatabase) -> None:
    uow = SqliteUnitOfWork(db)

    with pytest.raises(UnitOfWorkClosed):
        uow.orders.count()
    with uow:
        uow.orders.count()
    with pytest.raises(UnitOfWorkClosed):
        uow.inventory.level(WH, TEA)
    with pytest.raises(UnitOfWorkClosed):
        uow.commit()


def test_a_unit_of_work_cannot_be_entered_twice(db: SqliteDatabase) -> None:
    uow = SqliteUnitOfWork(db)
    with uow:
        pass

    with pytest.raises(UnitOfWorkClosed), uow:
        pass


def test_a_tenant_must_be_named(db: SqliteDatabase) -> None:
    with pytest.raises(InvalidInput):
        SqliteUnitOfWork(db, "")
    with pytest.raises(InvalidInput):
        sqlite_unit_of_work_factory(db, "")


def test_work_after_a_commit_needs_another_commit(db: SqliteDatabase) -> None:
    with SqliteUnitOfWork(db) as uow:
        uow.inventory.receive(WH, TEA, 1)
        uow.commit()
        uow.inventory.receive(WH, TEA, 10)

    with SqliteUnitOfWork(db) as uow:
        assert uow.inventory.level(WH, TEA).on_hand == 1


def test_a_factory_may_be_given_a_path(tmp_path: Path) -> None:
    factory = sqlite_unit_of_work_factory(tmp_path / "by-path.db", "acme")

    with factory() as uow:
        uow.inventory.receive(WH, TEA, 2)
        uow.commit()

    with factory() as uow:
        assert (uow.tenant, uow.inventory.level(WH, TEA).on_hand) == ("acme", 2)


def test_units_of_work_reuse_pooled_connections(db: SqliteDatabase) -> None:
    with SqliteUnitOfWork(db):
        pass
    first = db.acquire()
    db.release(first)

    with SqliteUnitOfWork(db):
        again = db.acquire()
        db.release(again)

    assert again is not first  # the unit of work held the pooled one
    assert db.acquire() in (first, again)


# --- the write lock ----------------------------------------------------------------------------------------


def test_an_open_unit_of_work_keeps_other_writers_out_until_it_ends(db: SqliteDatabase) -> None:
    order: list[str] = []
    entered = threading.Event()

    def second_writer() -> None:
        entered.wait(5)
        with SqliteUnitOfWork(db) as uow:
            order.append("second starts")
            uow.outbox.append([ev.OrderReleased("second")])
            uow.commit()

    thread = threading.Thread(target=second_writer)
    with SqliteUnitOfWork(db) as uow:
        thread.start()
        uow.outbox.append([ev.OrderReleased("first")])
        entered.set()
        time.sleep(0.2)
        order.append("first commits")
        uow.commit()
    thread.join()

    with SqliteUnitOfWork(db) as uow:
        records = uow.outbox.undelivered()
    assert order == ["first commits", "second starts"]
    assert [r.payload["order_id"] for r in records] == ["first", "second"]
    assert records[0].id < records[1].id


# --- ids -----------------------------------------------------------------------------------------------------


def test_ids_have_their_prefix_and_sort_in_the_order_made(db: SqliteDatabase) -> None:
    ids = SqliteIds(db)

    made = [ids.next_id("O") for _ in range(12)] + [ids.next_id("S")]

    assert made[:3] == ["O00000001", "O00000002", "O00000003"]
    assert made[:12] == sorted(made[:12])
    assert made[12] == "S00000001"


def test_ids_continue_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "ids.db"
    with SqliteDatabase(path) as db:
        first = SqliteIds(db).next_id("O")
    with SqliteDatabase(path) as db:
        second = SqliteIds(db).next_id("O")

    assert (first, second) == ("O00000001", "O00000002")


def test_ids_drawn_inside_a_unit_of_work_use_its_transaction(db: SqliteDatabase) -> None:
    ids = SqliteIds(db, tenant="acme")

    with SqliteUnitOfWork(db, "acme") as uow:
        started = time.monotonic()
        order_id = ids.next_id("O")
        uow.orders.add(sample_order(order_id))
        uow.commit()
        assert time.monotonic() - started < 1  # no wait for its own lock
    with SqliteUnitOfWork(db, "acme") as uow:
        rolled_back = ids.next_id("O")
    after = ids.next_id("O")

    assert order_id == "O00000001"
    assert rolled_back == after == "O00000002"


def test_ids_of_tenants_are_counted_apart(db: SqliteDatabase) -> None:
    assert [SqliteIds(db, tenant=t).next_id("O") for t in ("a", "b", "a")] == ["O00000001", "O00000001", "O00000002"]


def _draw(path: str, count: int) -> list[str]:
    with SqliteDatabase(path) as db:
        ids = SqliteIds(db)
        return [ids.next_id("O") for _ in range(count)]


def test_processes_sharing_a_file_never_get_the_same_id(tmp_path: Path) -> None:
    path = str(tmp_path / "shared-ids.db")
    SqliteDatabase(path).close()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pytest", "omscore.testing.samples", "omscore.adapters.sqlite"])
    with context.Pool(4) as pool:
        drawn = pool.starmap(_draw, [(path, 150)] * 4)

    every = [identifier for batch in drawn for identifier in batch]
    assert len(set(every)) == 600
    assert all(batch == sorted(batch) for batch in drawn)


# --- cached documents --------------------------------------------------------------------------------------


def test_a_catalog_is_decoded_once_until_someone_stores_another(tmp_path: Path) -> None:
    path = tmp_path / "catalog.db"
    mine, theirs = SqliteDatabase(path), SqliteDatabase(path)
    with SqliteUnitOfWork(mine) as uow:
        uow.catalog.store(rich_catalog())
        uow.commit()

    with SqliteUnitOfWork(mine) as uow:
        first, second = uow.catalog.load(), uow.catalog.load()
    with SqliteUnitOfWork(theirs) as uow:
        uow.catalog.store(Catalog.build([Sku(TEA, "tea")]))
        uow.commit()
    with SqliteUnitOfWork(mine) as uow:
        third = uow.catalog.load()

    assert first is second
    assert first == rich_catalog()
    assert list(third.skus) == [TEA]
    mine.close()
    theirs.close()


def test_a_rolled_back_catalog_is_never_served(db: SqliteDatabase) -> None:
    with SqliteUnitOfWork(db) as uow:
        uow.catalog.store(rich_catalog())
        uow.commit()
    with SqliteUnitOfWork(db) as uow:
        uow.catalog.store(Catalog.build([Sku(TEA)]))
        assert list(uow.catalog.load().skus) == [TEA]

    with SqliteUnitOfWork(db) as uow:
        assert uow.catalog.load() == rich_catalog()


# --- the relay ---------------------------------------------------------------------------------------------


def _fill(db: SqliteDatabase, count: int) -> None:
    with SqliteUnitOfWork(db) as uow:
        uow.outbox.append([ev.OrderReleased(f"O{number}") for number in range(count)])
        uow.commit()


def test_the_relay_delivers_in_id_order_and_marks_what_it_delivered(db: SqliteDatabase) -> None:
    _fill(db, 7)
    seen: list[OutboxRecord] = []
    relay = OutboxRelay(sqlite_unit_of_work_factory(db), seen.append, batch_size=3)

    assert relay.drain() == 7
    assert relay.drain() == 0
    assert [r.payload["order_id"] for r in seen] == [f"O{number}" for number in range(7)]
    assert [r.id for r in seen] == sorted(r.id for r in seen)


def test_a_failing_sink_keeps_what_it_accepted_and_gets_the_rest_again(db: SqliteDatabase) -> None:
    _fill(db, 5)
    seen: list[str] = []

    def sink(record: OutboxRecord) -> None:
        if record.payload["order_id"] == "O2" and "O2" not in seen:
            seen.append("O2")
            raise ConnectionError("broker down")
        seen.append(record.payload["order_id"])

    relay = OutboxRelay(sqlite_unit_of_work_factory(db), sink)
    with pytest.raises(ConnectionError):
        relay.deliver_once()
    delivered_later = relay.drain()

    assert seen == ["O0", "O1", "O2", "O2", "O3", "O4"]
    assert delivered_later == 3


def test_the_relay_tails_until_told_to_stop(db: SqliteDatabase) -> None:
    seen: list[OutboxRecord] = []
    relay = OutboxRelay(sqlite_unit_of_work_factory(db), seen.append)
    stop = threading.Event()
    totals: list[int] = []
    tail = threading.Thread(target=lambda: totals.append(relay.run(stop, idle_seconds=0.01)))
    tail.start()
    for round_number in range(5):
        _fill(db, 2)
        time.sleep(0.02 * round_number)
    stop.set()
    tail.join()

    assert totals == [10]
    assert len(seen) == 10


@pytest.mark.parametrize("setting", [{"batch_size": 0}, {"attempts": 0}])
def test_relay_settings_must_be_positive(db: SqliteDatabase, setting: dict[str, int]) -> None:
    with pytest.raises(InvalidInput):
        OutboxRelay(sqlite_unit_of_work_factory(db), print, **setting)


def test_an_order_stored_and_committed_reaches_the_relay_with_its_events(db: SqliteDatabase) -> None:
    seen: list[str] = []
    with SqliteUnitOfWork(db) as uow:
        order = sample_order("O1")
        uow.orders.add(order)
        order.approve("fine")
        uow.orders.save(order)
        uow.commit()

    OutboxRelay(sqlite_unit_of_work_factory(db), lambda record: seen.append(record.name)).drain()

    assert seen == ["order.received", "order.approved"]
    with SqliteUnitOfWork(db) as uow:
        assert uow.orders.get(OrderId("O1")) is not None
