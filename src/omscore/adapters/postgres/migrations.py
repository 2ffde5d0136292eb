"""Versioned schema migrations, applied when a database is opened.

Migrations are the files ``migrations/NNNN_<name>.sql`` shipped with the package, applied in order, each in
its own transaction together with its row in ``omscore.schema_version``. Openers take a session advisory lock
while they migrate, so two processes opening a fresh database at once do not race; an opener that finds the
schema current does not lock at all.
"""

from __future__ import annotations

import re
from importlib import resources

import attrs
import psycopg

from omscore.domain.errors import SchemaVersionError

#: The session advisory lock key held while migrating (an arbitrary constant: "omscore" in ASCII).
MIGRATION_LOCK_KEY = 0x6F6D73636F7265
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@attrs.frozen
class Migration:
    """One schema step: its version number, name and SQL text."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The migrations shipped with this library, in version order."""
    found: list[Migration] = []
    for entry in resources.files("omscore.adapters.postgres").joinpath("migrations").iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration versions are not contiguous: expected {expected}, found {migration.version}")
    return found


#: The newest schema version this library understands.
SCHEMA_VERSION = len(migrations())

_VERSION_TABLE = """
CREATE SCHEMA IF NOT EXISTS omscore;
CREATE TABLE IF NOT EXISTS omscore.schema_version (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
"""


def stored_version(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """The schema version recorded in the database (0 for a database omscore never opened).

    Args:
        conn: an autocommit connection.

    Returns:
        the highest applied version.
    """
    row = conn.execute("SELECT to_regclass('omscore.schema_version') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM omscore.schema_version").fetchone()
    return int(row[0]) if row is not None else 0  # type: ignore[call-overload]


def migrate(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """Bring the schema up to :data:`SCHEMA_VERSION`.

    Args:
        conn: an autocommit connection.

    Returns:
        the schema version after migrating.

    Raises:
        SchemaVersionError: the database holds a newer schema than this library knows.
    """
    current = stored_version(conn)
    _check(current)
    if current == SCHEMA_VERSION:
        return current
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
    try:
        conn.execute(_VERSION_TABLE)
        current = stored_version(conn)
        _check(current)
        for migration in migrations()[current:]:
            with conn.transaction():
                conn.execute(migration.sql.encode())
                conn.execute(
                    "INSERT INTO omscore.schema_version (version, name) VALUES (%s, %s)",
                    (migration.version, migration.name),
                )
        return SCHEMA_VERSION
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))


def _check(found: int) -> None:
    if found > SCHEMA_VERSION:
        raise SchemaVersionError(found, SCHEMA_VERSION)
