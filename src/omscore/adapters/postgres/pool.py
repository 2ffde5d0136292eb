"""A small, thread-safe pool of autocommit connections (transactions are begun explicitly)."""

from __future__ import annotations

import threading
from typing import Any

import psycopg

Row = tuple[Any, ...]


class ConnectionPool:
    """Keeps up to ``max_idle`` idle connections for reuse; opens more on demand, closes the surplus.

    Connections are opened in autocommit mode: :class:`~omscore.adapters.postgres.transaction.Transaction`
    sends ``BEGIN`` itself, with the isolation level, so that nothing runs outside a known transaction. Each
    new connection gets the database's ``lock_timeout`` for its whole session.
    """

    def __init__(self, dsn: str, *, lock_timeout_ms: int, max_idle: int = 4, connect_timeout: int = 10) -> None:
        self._dsn = dsn
        self._lock_timeout = f"{lock_timeout_ms}ms"
        self._max_idle = max_idle
        self._connect_timeout = connect_timeout
        self._idle: list[psycopg.Connection[Row]] = []
        self._lock = threading.Lock()
        self._closed = False

    def acquire(self) -> psycopg.Connection[Row]:
        """An idle healthy connection, or a new one.

        Raises:
            psycopg.OperationalError: a new connection could not be opened.
        """
        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                    return conn
                conn.close()
        conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=self._connect_timeout)
        try:
            conn.execute("SELECT set_config('lock_timeout', %s, false)", (self._lock_timeout,))
        except BaseException:
            conn.close()
            raise
        return conn

    def release(self, conn: psycopg.Connection[Row]) -> None:
        """Give a connection back; it is closed when it is not idle or the pool is full or closed."""
        healthy = not conn.closed and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with self._lock:
            if healthy and not self._closed and len(self._idle) < self._max_idle:
                self._idle.append(conn)
                return
        conn.close()

    def discard(self, conn: psycopg.Connection[Row]) -> None:
        """Close a connection that must not be reused."""
        conn.close()

    def close(self) -> None:
        """Close every idle connection; connections in use are closed when they are given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
