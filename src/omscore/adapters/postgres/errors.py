"""Translation of psycopg errors into omscore's persistence error tree, and which of them are retried.

==========  ==========================  ==================================================================
SQLSTATE    condition                   what omscore does
==========  ==========================  ==================================================================
40001       serialization_failure       the transaction is re-run (see :mod:`.transaction`); when retries
                                        run out or the re-run saw different data: :class:`TransientError`
40P01       deadlock_detected           as 40001
08xxx       connection exception        as 40001 on a fresh connection, except during COMMIT, where the
57P01-03    server shutting down        outcome is unknown: :class:`TransientError` at once
55P03       lock_not_available          :class:`LockTimeout` (``lock_timeout`` expired); not retried
57014       query_canceled              :class:`TransientError`
53xxx       insufficient resources      :class:`TransientError`
23505       unique_violation            :class:`DuplicateKey`
23xxx       other integrity violations  :class:`InvariantViolation` (a constraint caught a broken invariant)
other                                   :class:`PersistenceError`
==========  ==========================  ==================================================================
"""

from __future__ import annotations

import psycopg

from omscore.domain.errors import (
    DuplicateKey,
    InvariantViolation,
    LockTimeout,
    OmsError,
    PersistenceError,
    TransientError,
)

SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
LOCK_NOT_AVAILABLE = "55P03"
UNIQUE_VIOLATION = "23505"
QUERY_CANCELED = "57014"
_SERVER_GOING_AWAY = frozenset({"57P01", "57P02", "57P03"})
_RERUN = frozenset({SERIALIZATION_FAILURE, DEADLOCK_DETECTED})


def is_connection_lost(exc: psycopg.Error) -> bool:
    """Whether ``exc`` means the connection is gone (its transaction with it)."""
    state = exc.sqlstate
    if state is None:
        return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
    return state.startswith("08") or state in _SERVER_GOING_AWAY


def is_rerunnable(exc: psycopg.Error) -> bool:
    """Whether re-running the transaction from its start may succeed (serialization failure, deadlock, lost
    connection)."""
    return exc.sqlstate in _RERUN or is_connection_lost(exc)


def translate(exc: psycopg.Error) -> OmsError:
    """The omscore error for a psycopg error; raise it ``from exc``.

    Args:
        exc: the driver error.

    Returns:
        the error of omscore's persistence tree that ``exc`` means (see the module table).
    """
    state = exc.sqlstate or ""
    detail = _first_line(exc)
    if state == LOCK_NOT_AVAILABLE:
        return LockTimeout(f"a lock could not be taken in time: {detail}")
    if state in _RERUN:
        return TransientError(f"the transaction conflicted with another one ({state}): {detail}")
    if is_connection_lost(exc) or state == QUERY_CANCELED or state.startswith("53"):
        return TransientError(f"the database is unavailable or refused the work ({state or 'no SQLSTATE'}): {detail}")
    if state == UNIQUE_VIOLATION:
        diag = exc.diag
        return DuplicateKey(diag.table_name or "row", diag.message_detail or detail)
    if state.startswith("23"):
        return InvariantViolation(f"the database refused a change that breaks an invariant ({state}): {detail}")
    return PersistenceError(f"database error ({state or 'no SQLSTATE'}): {detail}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
