"""GIFT-QUOTA-RACE: 16 processes claim one gift activity (赠品活动) of 100 units, on SQLite (one database file)
and on PostgreSQL (the throwaway cluster of ``tests/postgres``, READ COMMITTED).

Each process takes 1 unit for each of 20 orders of its own, one unit of work per order, all starting at the
same moment: 320 attempts on a quota of 100. The 40 buyers have 8 orders each with a limit of 3 per buyer, so
the buyers' limits could let 120 through and the quota is what stops them: exactly 100 claims must be stored,
and no buyer may hold more than 3. Afterwards the stored claims are compared with what every worker was told,
and both counters with the sum of the claims.

Figures (printed): acknowledged takes and refusals, claims stored, units taken, units over the quota, buyers
over their limit, counter drift, acknowledged claims lost or stored without acknowledgement, attempts without
a definite outcome, re-runs inside the adapter. No worker retries anything: an attempt that raises counts as
"without a definite outcome".
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Literal

import attrs
import psycopg
import pytest

from omscore.adapters.postgres import PostgresDatabase, postgres_unit_of_work_factory
from omscore.adapters.sqlite import SqliteDatabase, sqlite_unit_of_work_factory
from omscore.domain.errors import OmsError
from omscore.domain.gifts import GiftClaim
from omscore.ports.unit_of_work import UnitOfWorkFactory
from postgres import conftest as postgres_fixtures

pytestmark = pytest.mark.slow

#: The fixtures of the PostgreSQL tests (tests/postgres/conftest.py): a throwaway cluster for the session, skipped
#: without the server binaries (failed when ``OMSCORE_REQUIRE_POSTGRES`` is set), and a fresh database per test.
postgres_cluster = postgres_fixtures.postgres_cluster
fresh_dsn = postgres_fixtures.fresh_dsn

Kind = Literal["sqlite", "postgres"]

PROCESSES, ORDERS, QUOTA, BUYERS, PER_BUYER = 16, 20, 100, 40, 3
ACTIVITY, TENANT = "DOUBLE11-CUP", "race"

#: Imported once by the fork server, so that a worker only runs this module's own body when it starts.
PRELOAD = ["pytest", "psycopg", "omscore.adapters.sqlite", "omscore.adapters.postgres"]


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(PROCESSES, mp_context=context) as executor:
        for future in [executor.submit(warm_up) for _ in range(PROCESSES)]:
            future.result(timeout=60)
        yield executor


def warm_up() -> None:
    """Start every pool process (and import this module in it) before a test measures anything."""
    time.sleep(0.3)


def _open(kind: Kind, address: str) -> tuple[Callable[[], None], UnitOfWorkFactory]:
    """This process's handle on the store: how to close it, and its units of work for the race's tenant."""
    if kind == "sqlite":
        sqlite = SqliteDatabase(address, busy_timeout_ms=30_000)
        return sqlite.close, sqlite_unit_of_work_factory(sqlite, TENANT)
    postgres = PostgresDatabase(address, pool_size=1)
    return postgres.close, postgres_unit_of_work_factory(postgres, TENANT)


def claim_worker(kind: Kind, address: str, worker: int, start_at: float) -> dict[str, Any]:
    """Take 1 unit for each of ``ORDERS`` orders of this worker, one unit of work each.

    Returns:
        ``taken``: order keys acknowledged as taken; ``refused``: order keys acknowledged as refused;
        ``undetermined``: error texts of attempts that got neither; ``reruns``: re-runs inside the adapter.
    """
    close, factory = _open(kind, address)
    taken: list[str] = []
    refused: list[str] = []
    undetermined: list[str] = []
    reruns = 0
    time.sleep(max(0.0, start_at - time.time()))
    for number in range(ORDERS):
        order = f"W{worker:02d}-O{number:02d}"
        claim = GiftClaim(ACTIVITY, order, f"B{(worker * ORDERS + number) % BUYERS:02d}", 1, QUOTA, PER_BUYER)
        uow = factory()
        try:
            with uow:
                took = uow.gift_quotas.take(claim)
                uow.commit()
        except OmsError as error:
            undetermined.append(f"{type(error).__name__}: {error}")
            continue
        finally:
            reruns += getattr(uow, "retries", 0)
        (taken if took else refused).append(order)
    close()
    return {"taken": taken, "refused": refused, "undetermined": undetermined, "reruns": reruns}


@attrs.frozen
class Stored:
    """What the database holds after the race, read with SQL straight from it."""

    claims: dict[str, tuple[str, int]]
    activity_taken: int
    buyers_taken: dict[str, int]


def _stored_sqlite(path: str) -> Stored:
    connection = sqlite3.connect(path)
    try:
        return _stored_from(
            connection.execute(
                "SELECT order_key, buyer, units FROM gift_claims WHERE tenant = ? AND activity = ?", (TENANT, ACTIVITY)
            ).fetchall(),
            connection.execute(
                "SELECT taken FROM gift_activities WHERE tenant = ? AND activity = ?", (TENANT, ACTIVITY)
            ).fetchall(),
            connection.execute(
                "SELECT buyer, taken FROM gift_buyers WHERE tenant = ? AND activity = ?", (TENANT, ACTIVITY)
            ).fetchall(),
        )
    finally:
        connection.close()


def _stored_postgres(dsn: str) -> Stored:
    with psycopg.connect(dsn) as connection:
        return _stored_from(
            connection.execute(
                "SELECT order_key, buyer, units FROM omscore.gift_claims WHERE tenant = %s AND activity = %s",
                (TENANT, ACTIVITY),
            ).fetchall(),
            connection.execute(
                "SELECT taken FROM omscore.gift_activities WHERE tenant = %s AND activity = %s", (TENANT, ACTIVITY)
            ).fetchall(),
            connection.execute(
                "SELECT buyer, taken FROM omscore.gift_buyers WHERE tenant = %s AND activity = %s", (TENANT, ACTIVITY)
            ).fetchall(),
        )


def _stored_from(claims: list[Any], activity: list[Any], buyers: list[Any]) -> Stored:
    return Stored(
        claims={order: (buyer, int(units)) for order, buyer, units in claims},
        activity_taken=int(activity[0][0]) if activity else 0,
        buyers_taken={buyer: int(taken) for buyer, taken in buyers},
    )


def _race(kind: Kind, address: str, pool: ProcessPoolExecutor, capsys: pytest.CaptureFixture[str]) -> None:
    start_at = time.time() + 0.5
    started = time.perf_counter()
    futures = [pool.submit(claim_worker, kind, address, worker, start_at) for worker in range(PROCESSES)]
    results = [future.result(timeout=120) for future in futures]
    elapsed = time.perf_counter() - started - 0.5

    close, factory = _open(kind, address)
    with factory() as uow:
        taken_by_port = uow.gift_quotas.taken(ACTIVITY)
    close()
    stored = _stored_sqlite(address) if kind == "sqlite" else _stored_postgres(address)

    acknowledged = {order for result in results for order in result["taken"]}
    refused = sum(len(result["refused"]) for result in results)
    undetermined = [text for result in results for text in result["undetermined"]]
    units = sum(units for _, units in stored.claims.values())
    per_buyer: Counter[str] = Counter()
    for buyer, claimed in stored.claims.values():
        per_buyer[buyer] += claimed
    drift = abs(stored.activity_taken - units) + sum(
        abs(stored.buyers_taken.get(buyer, 0) - per_buyer[buyer]) for buyer in set(per_buyer) | set(stored.buyers_taken)
    )
    lost = len(acknowledged - set(stored.claims)) + len(set(stored.claims) - acknowledged)
    buyers_over = sum(1 for claimed in per_buyer.values() if claimed > PER_BUYER)
    with capsys.disabled():
        print(
            f"\n[GIFT-QUOTA-RACE {kind}] processes={PROCESSES} attempts={PROCESSES * ORDERS}"
            f" taken_ok={len(acknowledged)} refused={refused} claims_stored={len(stored.claims)}"
            f" taken={taken_by_port}/{QUOTA}"
            f" over_quota={max(0, units - QUOTA)} buyers_over_limit={buyers_over} counter_drift={drift}"
            f" lost_or_unacknowledged={lost} undetermined={len(undetermined)}"
            f" internal_reruns={sum(result['reruns'] for result in results)} wall={elapsed:.2f}s"
        )

    assert undetermined == []
    assert len(acknowledged) + refused == PROCESSES * ORDERS
    assert len(stored.claims) == units == QUOTA
    assert taken_by_port == stored.activity_taken == QUOTA
    assert buyers_over == 0
    assert drift == 0
    assert lost == 0


def test_sixteen_processes_on_one_sqlite_file_take_exactly_the_quota(
    pool: ProcessPoolExecutor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "gifts.db")
    SqliteDatabase(path).close()  # migrated before the race

    _race("sqlite", path, pool, capsys)


@pytest.mark.postgres
def test_sixteen_processes_on_postgres_take_exactly_the_quota(
    pool: ProcessPoolExecutor,
    fresh_dsn: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _race("postgres", fresh_dsn, pool, capsys)
