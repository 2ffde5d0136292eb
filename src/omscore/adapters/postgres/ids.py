"""Ids shared by every process that uses the database, from the sequence ``omscore.ids``."""

from __future__ import annotations

import psycopg

from omscore.adapters.postgres.database import PostgresDatabase
from omscore.adapters.postgres.errors import translate


class PostgresIds:
    """The :class:`~omscore.ports.ids.IdGenerator` of a PostgreSQL database.

    Each id is ``prefix`` followed by a sequence number padded to 12 digits, so ids of one prefix sort in the
    order they were made, across processes and machines. The sequence is read on a connection of its own,
    outside any unit of work: a sequence never rolls back, and an id must not tie a unit of work's re-run to
    a value that would differ the second time.

    Args:
        db: the database whose sequence is used.
    """

    def __init__(self, db: PostgresDatabase) -> None:
        self._db = db

    def next_id(self, prefix: str) -> str:
        """A new id beginning with ``prefix``.

        Raises:
            TransientError: the database is unreachable.
        """
        pool = self._db.pool
        try:
            conn = pool.acquire()
        except psycopg.Error as exc:
            raise translate(exc) from exc
        try:
            row = conn.execute("SELECT nextval('omscore.ids')").fetchone()
        except psycopg.Error as exc:
            pool.discard(conn)
            raise translate(exc) from exc
        pool.release(conn)
        assert row is not None
        return f"{prefix}{int(row[0]):012d}"
