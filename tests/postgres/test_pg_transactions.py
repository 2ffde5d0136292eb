"""What the PostgreSQL transaction machinery retries, what it surfaces, and how (see
:mod:`omscore.adapters.postgres.transaction`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from omscore.adapters.postgres import PostgresDatabase, PostgresUnitOfWork, reserve_at_once
from omscore.domain.errors import LockTimeout, TransientError
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import ReservationLine

pytestmark = pytest.mark.postgres

L1 = LocationId("L1")
X, Y, H = SkuCode("X"), SkuCode("Y"), SkuCode("H")


def _stock(db: PostgresDatabase, *skus: SkuCode, units: int = 10) -> None:
    with PostgresUnitOfWork(db) as uow:
        for sku in skus:
            uow.inventory.receive(L1, sku, units)
        uow.commit()


def _line(sku: SkuCode, quantity: int = 1) -> list[ReservationLine]:
    return [ReservationLine(L1, sku, quantity, "s")]


@pytest.fixture
def repeatable_read(fresh_dsn: str) -> Iterator[PostgresDatabase]:
    with PostgresDatabase(fresh_dsn, isolation="repeatable read") as db:
        yield db


def test_a_lock_not_granted_in_time_is_a_lock_timeout_and_leaves_no_partial_write(fresh_dsn: str) -> None:
    with PostgresDatabase(fresh_dsn, lock_timeout_ms=300) as db:
        _stock(db, X, H)
        with psycopg.connect(fresh_dsn) as holder:
            holder.execute("SELECT 1 FROM omscore.stock WHERE sku = 'H' FOR UPDATE")
            with PostgresUnitOfWork(db) as uow:
                uow.inventory.receive(L1, X, 5)
                started = time.monotonic()
                with pytest.raises(LockTimeout) as caught:
                    uow.inventory.reserve("k", _line(H))
                waited = time.monotonic() - started
                holder.rollback()
                uow.inventory.receive(L1, X, 1)
                uow.commit()
        with PostgresUnitOfWork(db) as uow:
            x, h, held = uow.inventory.level(L1, X), uow.inventory.level(L1, H), uow.inventory.reservation("k")

    print(f"\n[PG lock timeout] raised after {waited:.2f} s with lock_timeout 0.30 s")
    assert isinstance(caught.value.__cause__, psycopg.errors.LockNotAvailable)
    assert waited < 0.45
    assert x.on_hand == 16
    assert h.reserved == 0
    assert held is None


def test_a_deadlock_between_two_units_of_work_is_retried_without_the_callers_noticing(
    pg_database: PostgresDatabase,
) -> None:
    _stock(pg_database, X, Y)
    both_hold_one = threading.Barrier(2)
    outcomes: dict[str, bool] = {}
    retries: dict[str, int] = {}
    failures: list[BaseException] = []

    def worker(name: str, first: SkuCode, second: SkuCode) -> None:
        try:
            with PostgresUnitOfWork(pg_database) as uow:
                uow.inventory.reserve(f"{name}-1", _line(first))
                both_hold_one.wait(timeout=10)
                outcomes[name] = uow.inventory.reserve(f"{name}-2", _line(second)).ok
                uow.commit()
                retries[name] = uow.retries
        except BaseException as exc:  # the assertion below reports it
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=("a", X, Y)), threading.Thread(target=worker, args=("b", Y, X))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with PostgresUnitOfWork(pg_database) as uow:
        levels = [uow.inventory.level(L1, sku).reserved for sku in (X, Y)]

    print(f"\n[PG deadlock] outcomes={outcomes} re-runs={retries} caller-visible failures={len(failures)}")
    assert failures == []
    assert outcomes == {"a": True, "b": True}
    assert sum(retries.values()) >= 1
    assert levels == [2, 2]


def test_a_serialization_failure_is_retried_without_the_caller_noticing_when_the_rerun_reads_the_same(
    repeatable_read: PostgresDatabase,
) -> None:
    _stock(repeatable_read, X, H)
    with PostgresUnitOfWork(repeatable_read) as slow:
        first = slow.inventory.reserve("slow-1", _line(X))
        with PostgresUnitOfWork(repeatable_read) as fast:
            fast.inventory.reserve("fast", _line(H))
            fast.commit()
        second = slow.inventory.reserve("slow-2", _line(H))
        slow.commit()
        reruns = slow.retries
    with PostgresUnitOfWork(repeatable_read) as uow:
        reserved = [uow.inventory.level(L1, sku).reserved for sku in (X, H)]

    print(f"\n[PG 40001 re-run] re-runs={reruns} outcomes={first.ok, second.ok}")
    assert (first.ok, second.ok) == (True, True)
    assert reruns == 1
    assert reserved == [1, 2]


def test_a_rerun_that_would_read_different_data_gives_the_caller_a_transient_error(
    repeatable_read: PostgresDatabase,
) -> None:
    _stock(repeatable_read, H)
    with PostgresUnitOfWork(repeatable_read) as slow:
        seen = slow.inventory.level(L1, H)
        with PostgresUnitOfWork(repeatable_read) as fast:
            fast.inventory.reserve("fast", _line(H))
            fast.commit()
        with pytest.raises(TransientError):
            slow.inventory.reserve("slow", _line(H, seen.available))
        with pytest.raises(TransientError):
            slow.inventory.level(L1, H)
    with PostgresUnitOfWork(repeatable_read) as uow:
        level, held = uow.inventory.level(L1, H), uow.inventory.reservation("slow")

    assert (level.reserved, held) == (1, None)


def test_a_lost_connection_is_replaced_and_the_transaction_rerun(fresh_dsn: str) -> None:
    with PostgresDatabase(fresh_dsn) as db:
        with PostgresUnitOfWork(db) as uow:
            uow.inventory.receive(L1, X, 3)
            with psycopg.connect(fresh_dsn, autocommit=True) as admin:
                killed = admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()
            uow.inventory.receive(L1, Y, 4)
            uow.commit()
            reruns = uow.retries
        with PostgresUnitOfWork(db) as uow:
            levels = [uow.inventory.level(L1, sku).on_hand for sku in (X, Y)]

    print(f"\n[PG reconnect] backends terminated={killed} re-runs={reruns}")
    assert killed is not None
    assert killed[0] >= 1
    assert reruns >= 1
    assert levels == [3, 4]


def test_a_database_that_cannot_be_reached_is_a_transient_error(tmp_path: object) -> None:
    with pytest.raises(TransientError) as caught:
        PostgresDatabase(f"postgresql://postgres@/none?host={tmp_path}&port=1", connect_timeout=1)

    assert isinstance(caught.value.__cause__, psycopg.OperationalError)


def test_reserve_at_once_is_all_or_nothing_idempotent_and_committed(pg_database: PostgresDatabase) -> None:
    _stock(pg_database, X, Y, units=3)

    single = reserve_at_once(pg_database, "default", "one", _line(X, 2))
    again = reserve_at_once(pg_database, "default", "one", _line(X, 2))
    short = reserve_at_once(pg_database, "default", "two", [*_line(X, 2), *_line(Y, 1)])
    both = reserve_at_once(pg_database, "default", "three", [*_line(X, 1), *_line(Y, 3)])
    with PostgresUnitOfWork(pg_database) as uow:
        reserved = [uow.inventory.level(L1, sku).reserved for sku in (X, Y)]
        keys = uow.inventory.reservation_keys()

    assert (single.ok, again.ok, again.repeated) == (True, True, True)
    assert not short.ok
    assert [(s.sku, s.requested, s.available) for s in short.shortages] == [(X, 2, 1)]
    assert both.ok
    assert reserved == [3, 3]
    assert keys == ["one", "three"]
