"""One SQLite database file: its settings, its connections and its schema.

:class:`SqliteDatabase` opens (or creates) the file, switches it to WAL, applies the schema migrations and
then lends connections to units of work. Connections are pooled per process: opening one costs about as
much as a hundred reservations (WAL index, schema parse), so each unit of work borrows an idle connection
and returns it when it ends. Every connection is in autocommit mode (``isolation_level=None``): omscore
issues ``BEGIN IMMEDIATE``, ``COMMIT`` and ``ROLLBACK`` itself, so no statement ever runs outside the
transaction the caller thinks it is in.

Several processes may open the same file; each makes its own :class:`SqliteDatabase`. A database object
must not be carried into a child process by ``fork`` (the child detects it and opens fresh connections).
WAL needs every process on the same host: do not put the file on a network file system.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

from omscore.adapters.sqlite.errors import is_busy, translate
from omscore.adapters.sqlite.migrations import latest_version, migrate, stored_version
from omscore.domain.errors import InvalidConfiguration, PersistenceError, SchemaVersionError

#: SQLite releases older than this lack ``RETURNING``, which the adapter uses.
MINIMUM_SQLITE = (3, 35, 0)

Synchronous = Literal["NORMAL", "FULL"]

_MEMORY = ":memory:"
_SYNCHRONOUS = {"NORMAL": "PRAGMA synchronous = NORMAL", "FULL": "PRAGMA synchronous = FULL"}


class SqliteDatabase:
    """An omscore SQLite database file, migrated and ready for units of work.

    Durability: with ``synchronous="NORMAL"`` (the default) a commit is written to the WAL but not synced;
    a crash of the process loses nothing, a power loss or OS crash may lose the last transactions but never
    corrupts the file. ``synchronous="FULL"`` syncs the WAL on every commit (several times slower per
    unbatched commit, see ``docs/adapters.md``).

    Args:
        path: the database file (created when missing), or ``":memory:"`` for a private in-memory database
            whose units of work run one at a time.
        busy_timeout_ms: how long a unit of work waits for another writer before failing with
            :class:`~omscore.domain.errors.LockTimeout`.
        synchronous: ``"NORMAL"`` or ``"FULL"`` (see above).
        cache_size_kib: page cache per connection.
        max_idle_connections: connections kept open for reuse in this process.
        checkpoint_pages: WAL pages after which a committing connection copies the WAL back into the database
            (``wal_autocheckpoint``). Each checkpoint syncs the file, so checkpointing less often makes
            commits cheaper; the WAL file grows to about this many pages (4 KiB each) between checkpoints.
        trace: called with the text of every statement run (values filled in), for logging and tests.

    Raises:
        InvalidConfiguration: a setting is out of range.
        SchemaVersionError: the file was written by a newer omscore.
        PersistenceError: the file cannot be opened, is not a database, SQLite is too old, or WAL cannot be
            enabled.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout_ms: int = 5000,
        synchronous: Synchronous = "NORMAL",
        cache_size_kib: int = 16384,
        max_idle_connections: int = 8,
        checkpoint_pages: int = 4000,
        trace: Callable[[str], None] | None = None,
    ) -> None:
        if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
            raise PersistenceError(
                f"SQLite {sqlite3.sqlite_version} is too old; omscore needs {'.'.join(map(str, MINIMUM_SQLITE))}+"
            )
        if type(busy_timeout_ms) is not int or busy_timeout_ms < 0:
            raise InvalidConfiguration("busy_timeout_ms", busy_timeout_ms, "must be a non-negative integer")
        if synchronous not in ("NORMAL", "FULL"):
            raise InvalidConfiguration("synchronous", synchronous, "must be 'NORMAL' or 'FULL'")
        if type(cache_size_kib) is not int or cache_size_kib <= 0:
            raise InvalidConfiguration("cache_size_kib", cache_size_kib, "must be a positive integer")
        if type(checkpoint_pages) is not int or checkpoint_pages < 1:
            raise InvalidConfiguration("checkpoint_pages", checkpoint_pages, "must be a positive integer")
        if type(max_idle_connections) is not int or max_idle_connections < 1:
            raise InvalidConfiguration("max_idle_connections", max_idle_connections, "must be at least 1")
        self._path = os.fspath(path)
        self._memory = self._path in (_MEMORY, "")
        self.busy_timeout_ms = busy_timeout_ms
        self.synchronous: Synchronous = synchronous
        self.cache_size_kib = cache_size_kib
        self.max_idle_connections = max_idle_connections
        self.checkpoint_pages = checkpoint_pages
        self._trace = trace
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        _OPEN.add(self)
        self._closed = False
        self._mine: set[int] = set()
        self._local = threading.local()
        # A private in-memory database exists in one connection only: units of work take turns on it.
        self._gate = threading.BoundedSemaphore(1) if self._memory else None
        self._shared: sqlite3.Connection | None = None
        self._documents: dict[tuple[str, str], tuple[str, object]] = {}
        self._open_and_migrate()

    # --- settings and state ----------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The database file (``":memory:"`` for an in-memory database)."""
        return self._path

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file."""
        connection = self.acquire()
        try:
            return stored_version(connection)
        finally:
            self.release(connection)

    def __repr__(self) -> str:
        return f"SqliteDatabase({self._path!r}, synchronous={self.synchronous!r})"

    def close(self) -> None:
        """Close the idle connections; units of work still running keep theirs until they end."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            shared, self._shared = self._shared, None
        for connection in idle:
            connection.close()
        if shared is not None:
            shared.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- connections -----------------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(
                self._path,
                timeout=self.busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
                cached_statements=256,
            )
        except sqlite3.Error as error:
            raise translate(error) from error
        try:
            # PRAGMA values cannot be bound as parameters; these are validated integers and a fixed word.
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute(_SYNCHRONOUS[self.synchronous])
            connection.execute(f"PRAGMA cache_size = {-int(self.cache_size_kib)}")
            connection.execute(f"PRAGMA wal_autocheckpoint = {int(self.checkpoint_pages)}")
            if self._trace is not None:
                connection.set_trace_callback(self._trace)
            with self._lock:
                self._mine.add(id(connection))
        except sqlite3.Error as error:
            connection.close()
            raise translate(error) from error
        return connection

    def acquire(self) -> sqlite3.Connection:
        """Borrow a connection (a pooled idle one, or a new one); give it back with :meth:`release`.

        Returns:
            A connection in autocommit mode with omscore's pragmas set.

        Raises:
            PersistenceError: the database is closed or cannot be opened.
            LockTimeout: (in-memory database) another unit of work kept the only connection too long.
        """
        if self._gate is not None:
            if not self._gate.acquire(timeout=self.busy_timeout_ms / 1000):
                raise translate(sqlite3.OperationalError("database is locked"), waited_ms=self.busy_timeout_ms)
            if self._shared is None:
                self._gate.release()
                raise PersistenceError(f"{self!r} is closed")
            return self._shared
        if self._closed:
            raise PersistenceError(f"{self!r} is closed")
        try:
            return self._idle.pop()  # list.pop and list.append are atomic: no lock on the hot path
        except IndexError:
            return self._connect()

    def _after_fork(self) -> None:
        """In a child process: the inherited connections belong to the parent; never use or close them."""
        self._idle = []
        self._mine = set()
        self._lock = threading.Lock()
        self._local = threading.local()

    def release(self, connection: sqlite3.Connection, *, broken: bool = False) -> None:
        """Give back a connection borrowed with :meth:`acquire`.

        Args:
            connection: the connection, with no transaction open.
            broken: close it instead of keeping it (after an error that may have left it unusable).
        """
        if self._gate is not None:
            self._gate.release()
            return
        if id(connection) not in self._mine:
            return  # opened by the parent before a fork: not this process's to use or to close
        if not broken and not self._closed and len(self._idle) < self.max_idle_connections:
            self._idle.append(connection)
            return
        with self._lock:
            self._mine.discard(id(connection))
        connection.close()

    # --- transactions ----------------------------------------------------------------------------------------

    def begin(self, connection: sqlite3.Connection, *, write: bool = True) -> None:
        """Start a transaction on ``connection``: ``BEGIN IMMEDIATE`` (takes the write lock) or ``BEGIN``.

        Args:
            connection: a connection with no transaction open.
            write: take the write lock now (``BEGIN IMMEDIATE``); otherwise start a deferred read.

        Raises:
            LockTimeout: another writer kept the lock for longer than the busy timeout.
            PersistenceError: any other failure.
        """
        statement = "BEGIN IMMEDIATE" if write else "BEGIN"
        started = time.monotonic()
        try:
            connection.execute(statement)
        except sqlite3.Error as error:
            self.retry_begin(connection, error, started, write=write)

    def retry_begin(
        self, connection: sqlite3.Connection, error: sqlite3.Error, started: float, *, write: bool = True
    ) -> None:
        """Go on trying to begin after a first ``BEGIN`` failed with ``error``.

        SQLite's busy handler waits up to the busy timeout; a few lock states are reported at once instead
        (WAL recovery by another connection), so a busy answer is retried with short, jittered sleeps until
        the busy timeout, counted from ``started``, has passed.

        Args:
            connection: a connection with no transaction open.
            error: what the first attempt raised.
            started: when (``time.monotonic()``) the first attempt began.
            write: ``BEGIN IMMEDIATE`` (default) or a deferred ``BEGIN``.

        Raises:
            LockTimeout: the database stayed locked for the busy timeout (raised from the last driver error).
            PersistenceError: the error was not a busy database.
        """
        statement = "BEGIN IMMEDIATE" if write else "BEGIN"
        deadline = started + self.busy_timeout_ms / 1000
        pause = 0.001
        last = error
        while is_busy(last) and time.monotonic() < deadline:
            time.sleep(min(pause * random.uniform(0.5, 1.5), max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 0.05)
            try:
                connection.execute(statement)
                return
            except sqlite3.Error as again:
                last = again
        raise translate(last, waited_ms=round((time.monotonic() - started) * 1000)) from last

    @property
    def connection_here(self) -> sqlite3.Connection | None:
        """The connection of the unit of work open on this thread, if any (a thread has at most one)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        return connection

    @connection_here.setter
    def connection_here(self, connection: sqlite3.Connection | None) -> None:
        self._local.connection = connection

    # --- documents cache ------------------------------------------------------------------------------------

    def cached_document(self, tenant: str, kind: str, token: str) -> object | None:
        """A decoded document kept by :meth:`keep_document` for this token, or ``None``.

        Args:
            tenant: the tenant.
            kind: ``"catalog"`` or ``"network"``.
            token: the stored document's token.

        Returns:
            The decoded value when the token matches.
        """
        with self._lock:
            found = self._documents.get((tenant, kind))
        return found[1] if found is not None and found[0] == token else None

    def keep_document(self, tenant: str, kind: str, token: str, value: object) -> None:
        """Keep a decoded document for reuse while its stored token is unchanged.

        Args:
            tenant: the tenant.
            kind: ``"catalog"`` or ``"network"``.
            token: the stored document's token (never reused: a fresh random value on every store).
            value: the decoded, immutable value.
        """
        with self._lock:
            self._documents[(tenant, kind)] = (token, value)

    # --- opening ---------------------------------------------------------------------------------------------

    def _open_and_migrate(self) -> None:
        if self._memory:
            self._shared = self._connect()
            connection = self._shared
        else:
            directory = Path(self._path).parent
            if not directory.is_dir():
                raise PersistenceError(f"cannot open {self._path!r}: directory {str(directory)!r} does not exist")
            connection = self._connect()
        try:
            if not self._memory:
                self._enable_wal(connection)
            newest = latest_version()
            found = stored_version(connection)
            if found > newest:
                raise SchemaVersionError(found, newest)
            if found < newest:
                # Only a schema change takes the write lock; opening a current database never waits for writers.
                self.begin(connection)
                try:
                    migrate(connection)
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
        except sqlite3.Error as error:
            if not self._memory:
                connection.close()
            raise translate(error) from error
        except BaseException:
            if not self._memory:
                connection.close()
            raise
        if not self._memory:
            self.release(connection)

    def _enable_wal(self, connection: sqlite3.Connection) -> None:
        started = time.monotonic()
        while True:
            try:
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.Error as error:
                if not is_busy(error) or time.monotonic() - started > self.busy_timeout_ms / 1000:
                    raise
                time.sleep(0.005 * random.uniform(0.5, 1.5))
        if str(mode).lower() != "wal":
            raise PersistenceError(
                f"cannot switch {self._path!r} to WAL (journal mode is {mode!r}); omscore needs WAL for safe "
                "concurrent use. Is the file on a network or read-only file system?"
            )


_OPEN: weakref.WeakSet[SqliteDatabase] = weakref.WeakSet()
"""Every database object of this process, so that a forked child can drop the connections it inherited."""


def _forget_inherited_connections() -> None:
    for db in list(_OPEN):
        db._after_fork()


os.register_at_fork(after_in_child=_forget_inherited_connections)


def latest_schema_version() -> int:
    """The schema version this omscore writes (the newest migration shipped).

    Returns:
        The version.
    """
    return latest_version()
