"""Ids drawn from counters in the database: unique across processes and restarts."""

from __future__ import annotations

import sqlite3

from omscore.adapters.sqlite.database import SqliteDatabase
from omscore.adapters.sqlite.errors import translate
from omscore.domain.errors import InvalidInput

_NEXT = (
    "INSERT INTO sequences (tenant, name, value) VALUES (?, ?, 1)"
    " ON CONFLICT (tenant, name) DO UPDATE SET value = value + 1 RETURNING value"
)


class SqliteIds:
    """:class:`~omscore.ports.ids.IdGenerator` backed by the ``sequences`` table.

    ``next_id("O")`` gives ``"O00000001"``, ``"O00000002"``, … : one counter per prefix, zero-padded so that
    ids sort in the order they were made (up to ``10**width - 1``; longer ids after that still sort last).
    Every process using the same file gets distinct ids.

    Called inside a unit of work of the same database on the same thread, the counter moves on that unit of
    work's connection, in its transaction (the unit of work holds the write lock, so a separate transaction
    could not start); if that unit of work rolls back, the ids it drew are drawn again later — nothing stored
    ever used them.
    Called outside, each id is drawn in its own short ``BEGIN IMMEDIATE`` transaction.

    Args:
        db: the database.
        tenant: the tenant whose counters are used.
        width: digits after the prefix.

    Raises:
        InvalidInput: ``tenant`` is empty or ``width`` is not positive.
    """

    def __init__(self, db: SqliteDatabase, *, tenant: str = "default", width: int = 8) -> None:
        if not isinstance(tenant, str) or not tenant:
            raise InvalidInput("tenant", tenant, "must be a non-empty string")
        if type(width) is not int or width < 1:
            raise InvalidInput("width", width, "must be a positive integer")
        self.db = db
        self.tenant = tenant
        self.width = width

    def next_id(self, prefix: str) -> str:
        """A new id beginning with ``prefix``.

        Args:
            prefix: e.g. ``"O"`` for orders, ``"S"`` for shipments.

        Returns:
            The id.

        Raises:
            LockTimeout: another writer held the database past the busy timeout.
            PersistenceError: any other storage failure.
        """
        counter = f"id:{prefix}"
        writer = self.db.connection_here
        if writer is not None:
            try:
                value = writer.execute(_NEXT, (self.tenant, counter)).fetchone()[0]
            except sqlite3.Error as error:
                raise translate(error) from error
            return f"{prefix}{value:0{self.width}d}"
        connection = self.db.acquire()
        broken = False
        try:
            self.db.begin(connection)
            try:
                value = connection.execute(_NEXT, (self.tenant, counter)).fetchone()[0]
                connection.execute("COMMIT")
            except BaseException:
                try:
                    connection.execute("ROLLBACK")
                except sqlite3.Error:
                    broken = True
                raise
        except sqlite3.Error as error:
            raise translate(error) from error
        finally:
            self.db.release(connection, broken=broken)
        return f"{prefix}{value:0{self.width}d}"
