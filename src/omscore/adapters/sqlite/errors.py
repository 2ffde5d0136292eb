"""Translation of :mod:`sqlite3` errors into omscore's persistence error tree.

Callers of the adapter see only :class:`~omscore.domain.errors.PersistenceError` and its subclasses; the driver
error stays attached as ``__cause__`` (``raise translate(error) from error``).

| SQLite result code (primary)                | omscore error                              |
|---------------------------------------------|--------------------------------------------|
| ``SQLITE_BUSY``, ``SQLITE_LOCKED``          | :class:`LockTimeout` (a :class:`TransientError`) |
| ``SQLITE_PROTOCOL``, ``SQLITE_INTERRUPT``   | :class:`TransientError`                    |
| ``SQLITE_CONSTRAINT_UNIQUE`` / ``_PRIMARYKEY`` | :class:`DuplicateKey`                   |
| every other error                           | :class:`PersistenceError`                  |
"""

from __future__ import annotations

import re
import sqlite3

from omscore.domain.errors import DuplicateKey, LockTimeout, PersistenceError, TransientError

SQLITE_INTERRUPT = 9
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_PROTOCOL = 15
SQLITE_CONSTRAINT_PRIMARYKEY = 1555
SQLITE_CONSTRAINT_UNIQUE = 2067

_UNIQUE_TARGET = re.compile(r"constraint failed: (.+)$")


def error_code(error: sqlite3.Error) -> int | None:
    """The extended SQLite result code carried by ``error``, or ``None`` when the driver set none.

    Args:
        error: a :mod:`sqlite3` exception.

    Returns:
        The extended result code (``error.sqlite_errorcode``).
    """
    code = getattr(error, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def is_busy(error: sqlite3.Error) -> bool:
    """Whether ``error`` means another connection holds a lock this one needs.

    Args:
        error: a :mod:`sqlite3` exception.

    Returns:
        ``True`` for ``SQLITE_BUSY`` and ``SQLITE_LOCKED`` and their extended codes.
    """
    code = error_code(error)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def translate(error: sqlite3.Error, *, waited_ms: int | None = None) -> PersistenceError:
    """The omscore error for a :mod:`sqlite3` error; raise it ``from`` the original.

    Args:
        error: the driver error.
        waited_ms: how long the caller waited for a lock, to put in the message of a :class:`LockTimeout`.

    Returns:
        A :class:`LockTimeout`, :class:`TransientError`, :class:`DuplicateKey` or plain
        :class:`PersistenceError`.
    """
    code = error_code(error)
    if is_busy(error):
        waited = f" after waiting {waited_ms} ms" if waited_ms is not None else ""
        return LockTimeout(f"the database is locked by another connection{waited}: {error}")
    if code is not None and code & 0xFF in (SQLITE_PROTOCOL, SQLITE_INTERRUPT):
        return TransientError(f"SQLite operation may succeed if retried: {error}")
    if code in (SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY):
        match = _UNIQUE_TARGET.search(str(error))
        columns = match.group(1) if match else "row"
        return DuplicateKey(columns.split(".", 1)[0], columns)
    return PersistenceError(f"SQLite error ({getattr(error, 'sqlite_errorname', type(error).__name__)}): {error}")
