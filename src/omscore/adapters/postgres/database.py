"""The PostgreSQL database handle: connection settings, the connection pool and the schema on open."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import psycopg

from omscore.adapters.postgres.errors import translate
from omscore.adapters.postgres.migrations import migrate
from omscore.adapters.postgres.pool import ConnectionPool
from omscore.adapters.postgres.transaction import ISOLATION_LEVELS, Isolation, RetryPolicy, Transaction
from omscore.domain.errors import InvalidInput


class PostgresDatabase:
    """One PostgreSQL database used by omscore; open it once per process and share it between threads.

    Opening it applies any missing schema migration (under an advisory lock, so concurrent openers do not race)
    and checks that the stored schema is not newer than this library.

    Args:
        dsn: a libpq connection string or ``postgresql://`` URL.
        isolation: the isolation level of every transaction: ``"read committed"`` (the default),
            ``"repeatable read"`` or ``"serializable"``. Stock stays consistent at each of them.
        lock_timeout_ms: how long a statement waits for a lock before :class:`LockTimeout` is raised.
        max_retries: how many times a transaction is re-run after a serialization failure, a deadlock or a
            lost connection before :class:`TransientError` reaches the caller.
        pool_size: idle connections kept for reuse.
        connect_timeout: seconds to wait for a new connection.

    Raises:
        InvalidInput: a setting is out of range.
        SchemaVersionError: the database holds a newer schema than this library understands.
        TransientError: the database cannot be reached.
        PersistenceError: migrating failed.
    """

    def __init__(
        self,
        dsn: str,
        *,
        isolation: Isolation = "read committed",
        lock_timeout_ms: int = 10_000,
        max_retries: int = 10,
        pool_size: int = 4,
        connect_timeout: int = 10,
    ) -> None:
        if isolation not in ISOLATION_LEVELS:
            raise InvalidInput("isolation", isolation, f"must be one of {', '.join(ISOLATION_LEVELS)}")
        if type(lock_timeout_ms) is not int or lock_timeout_ms <= 0:
            raise InvalidInput("lock_timeout_ms", lock_timeout_ms, "must be a positive integer")
        if type(max_retries) is not int or max_retries < 0:
            raise InvalidInput("max_retries", max_retries, "must be a non-negative integer")
        if type(pool_size) is not int or pool_size < 0:
            raise InvalidInput("pool_size", pool_size, "must be a non-negative integer")
        self.isolation: Isolation = isolation
        self.lock_timeout_ms = lock_timeout_ms
        self.retry = RetryPolicy(max_retries=max_retries)
        self._pool = ConnectionPool(
            dsn, lock_timeout_ms=lock_timeout_ms, max_idle=pool_size, connect_timeout=connect_timeout
        )
        try:
            conn = self._pool.acquire()
            try:
                self.schema_version = migrate(conn)
            finally:
                self._pool.release(conn)
        except psycopg.Error as exc:
            self._pool.close()
            raise translate(exc) from exc
        except BaseException:
            self._pool.close()
            raise

    @property
    def pool(self) -> ConnectionPool:
        """The connection pool (used by the repositories and the id generator)."""
        return self._pool

    def transaction(self) -> Transaction:
        """A new transaction with this database's isolation level, lock timeout and retry policy.

        Returns:
            a transaction that begins on its first statement.
        """
        return Transaction(
            self._pool,
            isolation=self.isolation,
            retry=self.retry,
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self._pool.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
