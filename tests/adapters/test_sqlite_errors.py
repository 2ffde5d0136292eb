"""Driver errors reach callers as omscore's persistence errors, raised ``from`` the sqlite3 error."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from omscore.adapters.sqlite import SqliteDatabase, SqliteUnitOfWork
from omscore.adapters.sqlite.errors import translate
from omscore.domain.errors import (
    DuplicateKey,
    InvalidInput,
    LockTimeout,
    PersistenceError,
    TransientError,
)
from omscore.domain.identity import LocationId, OrderId, SkuCode
from omscore.domain.inventory import ReservationLine
from omscore.testing.samples import sample_order

WH, TEA = LocationId("WH-1"), SkuCode("TEA")


def _error(sql: str, *setup: str) -> sqlite3.Error:
    connection = sqlite3.connect(":memory:")
    for statement in setup:
        connection.execute(statement)
    try:
        connection.execute(sql)
    except sqlite3.Error as error:
        return error
    finally:
        connection.close()
    raise AssertionError("no error")


# --- the mapping ---------------------------------------------------------------------------------------------


def test_a_unique_violation_becomes_duplicate_key_naming_the_table() -> None:
    error = _error("INSERT INTO t VALUES (1)", "CREATE TABLE t (x PRIMARY KEY)", "INSERT INTO t VALUES (1)")

    translated = translate(error)

    assert isinstance(translated, DuplicateKey)
    assert translated.entity == "t"


def test_a_check_violation_is_a_plain_persistence_error() -> None:
    error = _error("INSERT INTO t VALUES (-1)", "CREATE TABLE t (x CHECK (x >= 0))")

    translated = translate(error)

    assert type(translated) is PersistenceError
    assert "CHECK" in str(translated)


def test_a_busy_database_becomes_a_lock_timeout_which_is_transient() -> None:
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = 5

    translated = translate(busy, waited_ms=120)

    assert isinstance(translated, LockTimeout)
    assert isinstance(translated, TransientError)
    assert "120 ms" in str(translated)


def test_a_lock_protocol_error_is_transient() -> None:
    protocol = sqlite3.OperationalError("locking protocol")
    protocol.sqlite_errorcode = 15

    assert type(translate(protocol)) is TransientError


def test_any_other_driver_error_is_a_persistence_error() -> None:
    error = _error("SELECT * FROM missing")

    assert type(translate(error)) is PersistenceError


# --- in the adapter ---------------------------------------------------------------------------------------


def test_a_writer_waiting_past_the_busy_timeout_gets_lock_timeout_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    with SqliteDatabase(path) as setup, SqliteUnitOfWork(setup) as uow:
        uow.inventory.receive(WH, TEA, 10)
        uow.commit()
    holding, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with SqliteDatabase(path) as db, SqliteUnitOfWork(db):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    holding.wait(10)
    db = SqliteDatabase(path, busy_timeout_ms=200)
    started = time.monotonic()
    try:
        with pytest.raises(LockTimeout) as timed_out, SqliteUnitOfWork(db) as uow:
            uow.inventory.reserve("O1", [ReservationLine(WH, TEA, 1)])
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join()

    assert 0.15 <= waited < 1.5
    assert isinstance(timed_out.value.__cause__, sqlite3.OperationalError)
    with SqliteUnitOfWork(db) as uow:
        assert uow.inventory.level(WH, TEA).reserved == 0
    db.close()


def test_a_second_unit_of_work_on_the_same_thread_fails_at_once(tmp_path: Path) -> None:
    with SqliteDatabase(tmp_path / "nested.db") as db, SqliteUnitOfWork(db):
        started = time.monotonic()
        with pytest.raises(LockTimeout, match="already has a unit of work open"), SqliteUnitOfWork(db):
            pass
        assert time.monotonic() - started < 0.1


def test_after_a_lock_timeout_the_database_still_works(tmp_path: Path) -> None:
    with SqliteDatabase(tmp_path / "after.db", busy_timeout_ms=50) as db:
        with SqliteUnitOfWork(db), pytest.raises(LockTimeout), SqliteUnitOfWork(db):
            pass
        with SqliteUnitOfWork(db) as uow:
            uow.inventory.receive(WH, TEA, 1)
            uow.commit()
        with SqliteUnitOfWork(db) as uow:
            assert uow.inventory.level(WH, TEA).on_hand == 1


def test_duplicate_keys_are_reported_with_the_entity_and_the_unit_of_work_goes_on(tmp_path: Path) -> None:
    with SqliteDatabase(tmp_path / "dup.db") as db, SqliteUnitOfWork(db) as uow:
        uow.orders.add(sample_order("O1", external_id="E1"))
        with pytest.raises(DuplicateKey) as duplicate:
            uow.orders.add(sample_order("O2", external_id="E1"))
        uow.orders.add(sample_order("O3", external_id="E3"))
        uow.commit()

        assert duplicate.value.entity == "order_ref"
        assert isinstance(duplicate.value.__cause__, DuplicateKey)
        assert isinstance(duplicate.value.__cause__.__cause__, sqlite3.IntegrityError)
        assert uow.orders.get(OrderId("O2")) is None
        assert uow.orders.count() == 2


def test_text_that_is_not_valid_unicode_is_bad_input_not_a_crash(tmp_path: Path) -> None:
    with SqliteDatabase(tmp_path / "text.db") as db, SqliteUnitOfWork(db) as uow:
        with pytest.raises(InvalidInput, match="surrogate"):
            uow.inventory.receive(LocationId("WH-\ud800"), TEA, 1)
        uow.inventory.receive(WH, TEA, 1)
        uow.commit()
