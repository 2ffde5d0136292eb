"""Fixtures for the PostgreSQL tests: a throwaway cluster for the session and a fresh database per test.

The cluster is started from the server binaries found on ``PATH`` or under ``/usr/lib/postgresql/*/bin``
(see :mod:`omscore.testing.postgres`). Without them the tests are skipped with the reason, unless
``OMSCORE_REQUIRE_POSTGRES=1`` is set (CI sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterator
from multiprocessing.pool import Pool

import psycopg
import pytest
from psycopg import sql

from omscore.adapters.postgres import PostgresDatabase, PostgresUnitOfWork, postgres_unit_of_work_factory
from omscore.testing.postgres import ClusterStartError, PostgresCluster, find_server_binaries, throwaway_cluster

REQUIRE_VARIABLE = "OMSCORE_REQUIRE_POSTGRES"
_TEMPLATE = "omscore_template"
_numbers = itertools.count(1)


def _required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE, "") not in ("", "0")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A throwaway cluster for the whole test session, stopped and deleted at its end."""
    bindir = find_server_binaries()
    if bindir is None:
        reason = (
            "PostgreSQL server binaries (initdb, postgres) were not found on PATH or under "
            "/usr/lib/postgresql/*/bin; install the postgresql package to run these tests"
        )
        if _required():
            pytest.fail(f"{REQUIRE_VARIABLE} is set, so PostgreSQL tests must run, but {reason}", pytrace=False)
        pytest.skip(reason)
    try:
        cluster_context = throwaway_cluster(bindir, settings={"deadlock_timeout": "'100ms'"})
        cluster = cluster_context.__enter__()
    except ClusterStartError as exc:
        pytest.fail(f"could not start a throwaway PostgreSQL cluster from {bindir}: {exc}", pytrace=False)
    try:
        with psycopg.connect(cluster.dsn_for("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_TEMPLATE)))
        PostgresDatabase(cluster.dsn_for(_TEMPLATE), pool_size=0).close()
        yield cluster
    finally:
        cluster_context.__exit__(None, None, None)


@pytest.fixture(scope="session")
def postgres_dsn(postgres_cluster: PostgresCluster) -> str:
    """The DSN of the session's database (shared by every test that uses it; not migrated beforehand)."""
    return postgres_cluster.dsn


@pytest.fixture
def fresh_dsn(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """The DSN of a new database with the current schema, dropped after the test."""
    name = f"omscore_test_{next(_numbers)}_{os.getpid()}"
    admin = postgres_cluster.dsn_for("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(_TEMPLATE)))
    yield postgres_cluster.dsn_for(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def empty_dsn(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """The DSN of a new database without any omscore schema, dropped after the test."""
    name = f"omscore_empty_{next(_numbers)}_{os.getpid()}"
    admin = postgres_cluster.dsn_for("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield postgres_cluster.dsn_for(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def pg_database(fresh_dsn: str) -> Iterator[PostgresDatabase]:
    """An open database (READ COMMITTED, default settings) over a fresh schema of its own."""
    db = PostgresDatabase(fresh_dsn, lock_timeout_ms=5_000)
    yield db
    db.close()


@pytest.fixture(scope="session")
def shared_database(postgres_cluster: PostgresCluster) -> Iterator[PostgresDatabase]:
    """One migrated database for the session; tests keep apart in it by tenant (see ``uow_factory_for``)."""
    db = PostgresDatabase(postgres_cluster.dsn, lock_timeout_ms=5_000, pool_size=8)
    yield db
    db.close()


@pytest.fixture
def uow_factory_for(shared_database: PostgresDatabase) -> Callable[[str], Callable[[], PostgresUnitOfWork]]:
    """Tenant → unit-of-work factory, all over the same store (the contract suites' fixture).

    The store is empty for each test: every tenant name is put in a namespace of its own per test, and
    nothing of one tenant is visible to another (which :class:`TenancyContract` checks). Creating a database
    per test would cost about 0.3 s each.
    """
    namespace = f"test{next(_numbers)}"
    return lambda tenant: postgres_unit_of_work_factory(shared_database, f"{namespace}/{tenant}")


@pytest.fixture
def uow_factory(
    uow_factory_for: Callable[[str], Callable[[], PostgresUnitOfWork]],
) -> Callable[[], PostgresUnitOfWork]:
    """Units of work of the tenant ``default`` over a fresh database (the contract suites' fixture)."""
    return uow_factory_for("default")


@pytest.fixture(scope="session")
def worker_pool() -> Iterator[Pool]:
    """16 worker processes started with ``spawn`` once for the session (starting them costs seconds)."""
    pool = multiprocessing.get_context("spawn").Pool(16)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()
