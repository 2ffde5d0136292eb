"""One database transaction that re-runs itself after a serialization failure, a deadlock or a lost connection.

What is retried where:

* **Every statement** goes through :meth:`Transaction.execute`, which records it with the rows it returned (the
  journal). When a statement fails with SQLSTATE 40001 (serialization failure), 40P01 (deadlock) or a lost
  connection, the transaction is rolled back, and after a bounded, jittered exponential back-off a new one
  (on a fresh connection when the old one is gone) re-runs the journal. If every recorded statement returns
  exactly the rows it returned before, the caller cannot tell the two transactions apart, so the failed
  statement is run again and the caller never sees the failure. If any result differs, the caller's
  decisions may rest on data that changed, so :class:`TransientError` is raised and the caller retries its
  whole unit of work. After ``max_retries`` re-runs the last failure is raised as :class:`TransientError`.
* **COMMIT** is retried the same way (only a SERIALIZABLE commit can fail with 40001). A connection lost
  *during* COMMIT is never retried: the outcome is unknown, and :class:`TransientError` says so.
* **Hot rows at REPEATABLE READ and SERIALIZABLE.** A transaction's snapshot is taken when its first statement
  starts, before that statement waits for a row lock, so every writer queued on a hot row would fail with 40001
  when the holder commits. A stock statement that opens a transaction therefore names its stock keys
  (``lock_first``): the transaction takes session advisory locks on them, in sorted order, *before* ``BEGIN``,
  so omscore writers of the same rows queue before they take a snapshot, and holds them until it ends. At READ
  COMMITTED this is not needed and not done.
* **Not retried:** 55P03 (``lock_timeout`` expired) is raised as :class:`LockTimeout`; an aggregate's
  :class:`ConcurrencyConflict` is the caller's optimistic-concurrency signal and is raised as it is; every
  other error is translated (:mod:`.errors`) and raised. After such an error the journal still holds every
  statement that succeeded, so the next statement first re-runs it: a failed statement leaves no partial write.

At READ COMMITTED the stock statements never fail with 40001 (PostgreSQL re-checks a guarded UPDATE against
the newest row version), and they take row locks in the fixed (location, SKU) order, so they do not deadlock
with each other: re-runs are rare there. At REPEATABLE READ and SERIALIZABLE a concurrent change to a row the
transaction writes fails it with 40001, and the re-run takes a new snapshot.

Statements whose results are not repeatable by nature (``nextval``, ``now()``) must not go through a
transaction's journal; :class:`~omscore.adapters.postgres.ids.PostgresIds` uses its own connection.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal, LiteralString

import attrs
import psycopg
from psycopg import sql

from omscore.adapters.postgres.errors import SERIALIZATION_FAILURE, is_connection_lost, is_rerunnable, translate
from omscore.adapters.postgres.pool import ConnectionPool
from omscore.domain.errors import OmsError, TransientError, UnitOfWorkClosed

Isolation = Literal["read committed", "repeatable read", "serializable"]
ISOLATION_LEVELS: tuple[Isolation, ...] = ("read committed", "repeatable read", "serializable")
_BEGIN: dict[Isolation, bytes] = {
    "read committed": b"BEGIN ISOLATION LEVEL READ COMMITTED",
    "repeatable read": b"BEGIN ISOLATION LEVEL REPEATABLE READ",
    "serializable": b"BEGIN ISOLATION LEVEL SERIALIZABLE",
}

Row = tuple[Any, ...]
Query = LiteralString | bytes | sql.SQL | sql.Composed


@attrs.frozen
class RetryPolicy:
    """How often and how patiently a transaction is re-run.

    Attributes:
        max_retries: re-runs after the first attempt before the failure reaches the caller.
        base_delay: seconds of the first back-off ceiling; each re-run doubles it.
        max_delay: the largest back-off ceiling, in seconds.
    """

    max_retries: int = 10
    base_delay: float = 0.002
    max_delay: float = 0.1

    def delay(self, attempt: int) -> float:
        """The pause before re-run number ``attempt`` (from 0): uniform in ``[0, ceiling]`` ("full jitter")."""
        return random.uniform(0.0, min(self.max_delay, self.base_delay * (2**attempt)))


@attrs.frozen
class _Recorded:
    query: Query
    params: Sequence[Any] | None
    rows: list[Row]


class Transaction:
    """A transaction on a pooled connection, opened on the first statement, re-runnable from its journal.

    Not thread-safe: one thread uses it at a time.
    """

    def __init__(
        self,
        pool: ConnectionPool,
        *,
        isolation: Isolation,
        retry: RetryPolicy,
    ) -> None:
        self._pool = pool
        self._isolation = isolation
        self._retry = retry
        self._conn: psycopg.Connection[Row] | None = None
        self._open = False
        self._journal: list[_Recorded] = []
        self._finished = False
        self._diverged: TransientError | None = None
        self._pre_locks: tuple[int, ...] = ()
        self._pre_locked = False
        self.retries = 0
        """How many times this transaction was re-run (for reports and tests)."""

    @property
    def finished(self) -> bool:
        """Whether the transaction was committed or rolled back."""
        return self._finished

    def execute(
        self,
        query: Query,
        params: Sequence[Any] | None = None,
        *,
        on_serialization_failure: Callable[[], OmsError] | None = None,
        lock_first: Sequence[int] = (),
    ) -> list[Row]:
        """Run one statement in the transaction and return all its rows.

        Args:
            query: the SQL, with ``%s`` placeholders (never values formatted into it).
            params: the values of the placeholders.
            on_serialization_failure: when given, a 40001 of this statement is not retried: the transaction is
                rolled back and the error this makes is raised instead. A version-guarded UPDATE uses it: at
                REPEATABLE READ its 40001 means another writer changed the aggregate, a
                :class:`ConcurrencyConflict`, which a re-run cannot cure.
            lock_first: advisory lock keys of the rows the statement changes; when the statement opens the
                transaction at REPEATABLE READ or SERIALIZABLE, they are locked before the snapshot is taken.

        Returns:
            the rows (empty for a statement that returns none).

        Raises:
            LockTimeout: a lock was not granted within the lock timeout.
            TransientError: retries ran out, the re-run saw different data, or the database is unreachable.
            PersistenceError: any other database error, translated.
        """
        self._check_usable()
        if lock_first and not self._open and not self._journal and self._isolation != "read committed":
            self._pre_locks = tuple(sorted(set(lock_first)))
        attempt = 0
        while True:
            try:
                self._ensure_open()
                rows = self._run(query, params)
            except psycopg.Error as exc:
                if on_serialization_failure is not None and exc.sqlstate == SERIALIZATION_FAILURE and self._open:
                    self._abandon(exc)
                    raise on_serialization_failure() from exc
                attempt = self._after_failure(exc, attempt)
                continue
            self._journal.append(_Recorded(query, params, rows))
            return rows

    def commit(self) -> None:
        """Commit, re-running the transaction first when its connection was lost or a commit failed with 40001.

        Raises:
            TransientError: as for :meth:`execute`, or the connection broke during COMMIT (outcome unknown).
            UnitOfWorkClosed: the transaction already ended.
        """
        self._check_usable()
        if not self._open and not self._journal:
            self._finish()
            return
        attempt = 0
        while True:
            try:
                self._ensure_open()
            except psycopg.Error as exc:
                attempt = self._after_failure(exc, attempt)
                continue
            assert self._conn is not None
            try:
                self._conn.execute(b"COMMIT")
            except psycopg.Error as exc:
                if is_connection_lost(exc):
                    self._abandon(exc)
                    self._finish()
                    raise TransientError("the connection was lost while committing; the outcome is unknown") from exc
                attempt = self._after_failure(exc, attempt)
                continue
            self._open = False
            self._finish()
            return

    def rollback(self) -> None:
        """Discard the transaction. Safe to call at any time, also after it ended."""
        if self._finished:
            return
        self._abandon(None)
        self._finish()

    # --- internals -------------------------------------------------------------------------------------------

    def _check_usable(self) -> None:
        if self._finished:
            raise UnitOfWorkClosed("the transaction has ended")
        if self._diverged is not None:
            raise TransientError(str(self._diverged))

    def _ensure_open(self) -> None:
        if self._open:
            return
        if self._conn is None:
            self._conn = self._pool.acquire()
        if self._pre_locks and not self._pre_locked:
            self._conn.execute("SELECT pg_advisory_lock(k) FROM unnest(%s::bigint[]) AS k", (list(self._pre_locks),))
            self._pre_locked = True
        self._conn.execute(_BEGIN[self._isolation])
        self._open = True
        for recorded in self._journal:
            if self._run(recorded.query, recorded.params) != recorded.rows:
                self._abandon(None)
                self._diverged = TransientError(
                    "the transaction had to be re-run and saw data that changed meanwhile; retry the unit of work"
                )
                raise self._diverged

    def _run(self, query: Query, params: Sequence[Any] | None) -> list[Row]:
        assert self._conn is not None
        cursor = self._conn.execute(query, params)
        return cursor.fetchall() if cursor.description is not None else []

    def _after_failure(self, exc: psycopg.Error, attempt: int) -> int:
        self._abandon(exc)
        if not is_rerunnable(exc) or attempt >= self._retry.max_retries:
            raise translate(exc) from exc
        self.retries += 1
        time.sleep(self._retry.delay(attempt))
        return attempt + 1

    def _abandon(self, exc: psycopg.Error | None) -> None:
        """End the server-side transaction after a failure; drop the connection if it is unusable."""
        conn, self._conn, was_open = self._conn, None, self._open
        self._open = False
        if conn is None:
            return
        if exc is not None and is_connection_lost(exc):
            self._pre_locked = False
            self._pool.discard(conn)
            return
        try:
            if was_open or conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                conn.execute(b"ROLLBACK")
        except psycopg.Error:
            self._pool.discard(conn)
            return
        self._conn = conn

    def _finish(self) -> None:
        self._finished = True
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._pre_locked:
            self._pre_locked = False
            try:
                conn.execute(b"SELECT pg_advisory_unlock_all()")
            except psycopg.Error:
                self._pool.discard(conn)
                return
        self._pool.release(conn)
