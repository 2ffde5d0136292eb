"""Opening the storage a storage string names: the in-memory adapter, a SQLite file or a PostgreSQL database.

One reading of the string serves the library (:func:`~omscore.bootstrap.system.open_system`), the command line
(``--db``) and the demo, so the three accept the same choices and refuse the same mistakes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit, urlunsplit

import attrs

from omscore.domain.errors import InvalidInput
from omscore.ports.ids import IdGenerator
from omscore.ports.unit_of_work import UnitOfWorkFactory

#: The storage strings that name a throw-away in-memory store.
MEMORY = (":memory:", "memory")
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_SQLITE_SCHEME = "sqlite:///"


@attrs.frozen
class Store:
    """Opened storage: how to make units of work over it, and how to close it.

    A store is a context manager that closes it on exit; closing twice is harmless.

    Attributes:
        kind: ``memory``, ``sqlite`` or ``postgresql`` (reported in summaries).
        uow: makes the units of work (bound to one tenant).
        ids: an id generator shared by every process using the store, or ``None`` for an in-process one
            (right for a store nobody else uses, e.g. the in-memory one).
        location: where it is, for people (a path, ``:memory:``, a URL without its password).
    """

    kind: str
    uow: UnitOfWorkFactory
    ids: IdGenerator | None = None
    location: str = ":memory:"
    closer: Callable[[], None] | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)

    def close(self) -> None:
        """Release the connections the store holds (a no-op for the in-memory store)."""
        if self.closer is not None:
            self.closer()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def open_store(
    storage: str | os.PathLike[str],
    *,
    tenant: str = "default",
    must_exist: bool = False,
    field: str = "storage",
) -> Store:
    """Open the storage ``storage`` names.

    Args:
        storage: ``":memory:"`` (or ``"memory"``) for a fresh in-memory store; a ``postgresql://`` (or
            ``postgres://``) URL; otherwise a SQLite file path (``sqlite:///`` prefix allowed), created when
            missing.
        tenant: the tenant every unit of work is bound to.
        must_exist: refuse a SQLite file that does not exist yet (for commands that only read).
        field: the name of the setting in error messages (the command line passes ``--db``).

    Returns:
        The open :class:`Store`; close it (or use it as a context manager) when done.

    Raises:
        InvalidInput: (naming ``field`` and the value, a URL without its password) the string is empty or has an
            unknown scheme, the SQLite path is a directory or its folder does not exist, ``must_exist`` is set
            and the file is missing, or the PostgreSQL adapter cannot be loaded (psycopg is not installed).
        OmsError: the storage cannot be opened (e.g. the server refuses, the schema is newer than this omscore).
    """
    text = os.fspath(storage)
    if not isinstance(text, str):
        raise InvalidInput(field, text, "give the storage as text, not bytes")
    if text in MEMORY:
        from omscore.adapters.memory import MemoryDatabase, memory_unit_of_work_factory

        return Store("memory", memory_unit_of_work_factory(MemoryDatabase(), tenant), None, ":memory:")
    if text.startswith(_POSTGRES_SCHEMES):
        return _open_postgres(text, tenant, field)
    return _open_sqlite(text, tenant, must_exist, field)


def _open_postgres(url: str, tenant: str, field: str) -> Store:
    shown = without_password(url)
    try:
        from omscore.adapters.postgres import PostgresDatabase, PostgresIds, postgres_unit_of_work_factory
    except ImportError as error:
        raise InvalidInput(
            field, shown, f"PostgreSQL needs psycopg 3: pip install 'omscore[postgres]' ({error})"
        ) from error
    database = PostgresDatabase(url)
    return Store(
        "postgresql",
        postgres_unit_of_work_factory(database, tenant),
        PostgresIds(database),
        shown,
        closer=_once(database.close),
    )


def _open_sqlite(text: str, tenant: str, must_exist: bool, field: str) -> Store:
    if not text.strip():
        raise InvalidInput(field, text, "name a SQLite file, ':memory:' or a postgresql:// URL")
    raw = text.removeprefix(_SQLITE_SCHEME) if text.startswith(_SQLITE_SCHEME) else text
    if raw != text and not raw.startswith("/"):
        raw = f"/{raw}"  # ``sqlite:////abs`` and ``sqlite:///abs`` both mean the absolute path
    if "://" in raw:
        raise InvalidInput(
            field, without_password(text), "unknown storage scheme; use a file path, ':memory:' or postgresql://"
        )
    path = Path(raw)
    if path.is_dir():
        raise InvalidInput(field, text, "is a directory; name a SQLite file in it")
    if not path.parent.is_dir():
        raise InvalidInput(field, text, f"the folder {str(path.parent)!r} does not exist")
    if must_exist and not path.is_file():
        raise InvalidInput(field, text, "no database file there")
    from omscore.adapters.sqlite import SqliteDatabase, SqliteIds, sqlite_unit_of_work_factory

    database = SqliteDatabase(path)
    return Store(
        "sqlite",
        sqlite_unit_of_work_factory(database, tenant),
        SqliteIds(database, tenant=tenant),
        text,
        closer=_once(database.close),
    )


def without_password(url: str) -> str:
    """``url`` with its password, if any, replaced by ``***`` (for messages and summaries)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _once(close: Callable[[], None]) -> Callable[[], None]:
    lock = threading.Lock()
    done = False

    def close_once() -> None:
        nonlocal done
        with lock:
            if done:
                return
            done = True
        close()

    return close_once
