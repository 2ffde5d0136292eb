"""The connection, tenant and transaction a unit of work shares with its repositories.

Every statement of the adapter goes through :class:`Session`, which (1) refuses work outside an open unit of
work, (2) makes sure the statement runs inside the unit of work's transaction, starting one when needed,
and (3) translates driver errors into omscore's error tree.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from omscore.adapters.sqlite.database import SqliteDatabase
from omscore.adapters.sqlite.errors import translate
from omscore.domain.errors import InvalidInput, UnitOfWorkClosed
from omscore.domain.events import DomainEvent

Params = Sequence[Any]


class Session:
    """One borrowed connection bound to one tenant, with transaction state.

    Everything runs in a ``BEGIN IMMEDIATE`` transaction: it is begun when the unit of work is entered and
    again, lazily, at the first statement after a commit or rollback.

    A session starts without a connection (every statement raises
    :class:`~omscore.domain.errors.UnitOfWorkClosed`) until the unit of work :meth:`attach` es one.

    Args:
        db: the database the connection belongs to.
        tenant: the tenant every statement is scoped to.
    """

    __slots__ = ("_connection", "_in_transaction", "_savepoints", "db", "pending_events", "tenant")

    def __init__(self, db: SqliteDatabase, tenant: str) -> None:
        self.db = db
        self.tenant = tenant
        self._connection: sqlite3.Connection | None = None
        self._in_transaction = False
        self._savepoints = 0
        # Events recorded by stored aggregates or appended to the outbox, stored when the unit of work commits.
        self.pending_events: list[DomainEvent] = []

    def attach(self, connection: sqlite3.Connection) -> None:
        """Take a borrowed connection (with no transaction open) for the statements to come.

        Args:
            connection: the connection.
        """
        self._connection = connection

    # --- state -----------------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._connection is not None

    @property
    def in_transaction(self) -> bool:
        return self._in_transaction

    def _open(self) -> sqlite3.Connection:
        connection = self._connection
        if connection is None:
            raise UnitOfWorkClosed("the unit of work is not open: use it inside its `with` block")
        return connection

    def begin(self) -> None:
        """Start the write transaction now (``BEGIN IMMEDIATE``) unless one is open.

        Raises:
            LockTimeout: another writer kept the lock past the busy timeout.
        """
        if self._in_transaction:
            return
        connection = self._open()
        started = time.monotonic()
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            self.db.retry_begin(connection, error, started)
        self._in_transaction = True

    def _ready(self) -> sqlite3.Connection:
        """The connection, with the write transaction begun."""
        connection = self._open()
        self.begin()
        return connection

    def _end(self, statement: str) -> None:
        connection = self._open()
        if not self._in_transaction:
            return
        try:
            connection.execute(statement)
        except sqlite3.Error as error:
            if statement == "COMMIT":
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            self._after_transaction()
            raise translate(error) from error
        self._after_transaction()

    def _after_transaction(self) -> None:
        self._in_transaction = False
        self._savepoints = 0
        if self.pending_events:
            self.pending_events.clear()

    def commit(self) -> None:
        """``COMMIT`` the open transaction, if any.

        Raises:
            PersistenceError: (translated) the commit failed; the transaction was rolled back.
        """
        connection = self._connection
        if connection is None or not self._in_transaction:
            self._end("COMMIT")  # raises when closed; otherwise there is nothing to commit
            return
        try:
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            self._after_transaction()
            raise translate(error) from error
        self._after_transaction()

    def rollback(self) -> None:
        """``ROLLBACK`` the open transaction, if any.

        Raises:
            PersistenceError: (translated) the rollback failed.
        """
        self.pending_events.clear()
        self._end("ROLLBACK")

    def close(self) -> sqlite3.Connection:
        """Forget the connection (the caller gives it back to the database) and refuse further work.

        Returns:
            The connection.
        """
        connection = self._open()
        self._connection = None
        return connection

    # --- statements ------------------------------------------------------------------------------------------

    def query(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """Run a read statement in the unit of work's transaction.

        Args:
            sql: one statement with ``?`` placeholders.
            params: the values bound to them.

        Returns:
            The cursor with the result rows.

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
            PersistenceError: (translated) the statement failed.
        """
        # Every unit of work holds the write transaction (BEGIN IMMEDIATE), so reads and writes run alike.
        return self.execute(sql, params)

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """Run a write statement in the unit of work's write transaction.

        Args:
            sql: one statement with ``?`` placeholders.
            params: the values bound to them.

        Returns:
            The cursor (``rowcount``, ``RETURNING`` rows).

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
            LockTimeout: the write lock could not be taken.
            PersistenceError: (translated) the statement failed.
        """
        connection = self._connection
        if connection is None or not self._in_transaction:
            connection = self._ready()
        try:
            return connection.execute(sql, params)
        except sqlite3.Error as error:
            raise translate(error) from error
        except UnicodeEncodeError as error:
            raise _not_unicode(error) from error

    def executemany(self, sql: str, rows: Iterable[Params]) -> sqlite3.Cursor:
        """Run one write statement for each parameter row, in the write transaction.

        Args:
            sql: one statement with ``?`` placeholders.
            rows: the parameter rows.

        Returns:
            The cursor.

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
            PersistenceError: (translated) a statement failed.
        """
        connection = self._connection
        if connection is None or not self._in_transaction:
            connection = self._ready()
        try:
            return connection.executemany(sql, rows)
        except sqlite3.Error as error:
            raise translate(error) from error
        except UnicodeEncodeError as error:
            raise _not_unicode(error) from error

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo everything done inside the block if it raises (the transaction itself goes on).

        Yields:
            Nothing; statements inside belong to the savepoint.

        Raises:
            PersistenceError: (translated) the savepoint could not be set or released.
        """
        name = self.open_savepoint()
        try:
            yield
        except BaseException:
            self.rollback_to(name)
            raise
        self.release_savepoint(name)

    def open_savepoint(self) -> str:
        """Set a savepoint inside the write transaction (starting the transaction if needed).

        Returns:
            Its name, for :meth:`release_savepoint` or :meth:`rollback_to`.

        Raises:
            PersistenceError: (translated) the database refused.
        """
        self._savepoints += 1
        self.execute("SAVEPOINT omscore")
        return "omscore"

    def release_savepoint(self, name: str) -> None:
        """Keep the work of savepoint ``name`` (as part of the transaction) and close the savepoint.

        Args:
            name: the savepoint's name.

        Raises:
            PersistenceError: (translated) the database refused.
        """
        self._release(name)

    def rollback_to(self, name: str) -> None:
        """Undo the work of savepoint ``name`` and close it.

        Args:
            name: the savepoint's name.

        Raises:
            PersistenceError: (translated) the database refused.
        """
        if name != "omscore":
            raise InvalidInput("name", name, "not a savepoint of this session")
        self.execute("ROLLBACK TO omscore")
        self._release(name)

    def _release(self, name: str) -> None:
        if name != "omscore":
            raise InvalidInput("name", name, "not a savepoint of this session")
        self.execute("RELEASE omscore")
        self._savepoints -= 1

    def require_connection(self) -> sqlite3.Connection:
        """The connection, for the unit of work's own bookkeeping.

        Returns:
            The connection.

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
        """
        return self._open()


def _not_unicode(error: UnicodeEncodeError) -> InvalidInput:
    return InvalidInput("text", error.object, "is not valid Unicode (it holds a lone surrogate)")
