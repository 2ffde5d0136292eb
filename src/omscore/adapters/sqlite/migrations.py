"""Versioned schema migrations, applied when a database is opened.

Each migration is a file ``migrations/NNNN_name.sql`` shipped with the package; ``NNNN`` is its version. The
versions applied are recorded in the ``schema_version`` table. Opening runs, in one ``BEGIN IMMEDIATE``
transaction, every migration newer than the newest recorded one, so several processes opening the same new
file at once apply each migration exactly once (the others wait for the lock and then find nothing to do).
A database whose recorded version is newer than the newest migration shipped is refused with
:class:`~omscore.domain.errors.SchemaVersionError`: an older omscore must not write a schema it does not know.
"""

from __future__ import annotations

import re
import sqlite3
from importlib import resources

import attrs

from omscore.domain.errors import PersistenceError, SchemaVersionError

_FILE_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")

_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)
"""


@attrs.frozen
class Migration:
    """One schema step: its version, name and SQL script."""

    version: int
    name: str
    script: str

    def statements(self) -> list[str]:
        """The script split into complete SQL statements (``executescript`` would commit the transaction).

        Returns:
            The statements in order, without trailing whitespace.
        """
        statements: list[str] = []
        start = 0
        for end, char in enumerate(self.script):
            if char == ";" and sqlite3.complete_statement(self.script[start : end + 1]):
                statement = self.script[start : end + 1].strip()
                if _has_code(statement):
                    statements.append(statement)
                start = end + 1
        if _has_code(self.script[start:]):
            raise PersistenceError(f"migration {self.version:04d}_{self.name} ends with an incomplete statement")
        return statements


def _has_code(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())


def shipped_migrations() -> list[Migration]:
    """Every migration shipped with the package, ascending by version.

    Returns:
        The migrations.

    Raises:
        PersistenceError: two files claim the same version, or versions are not 1, 2, 3, … without gaps.
    """
    found: dict[int, Migration] = {}
    for entry in resources.files("omscore.adapters.sqlite").joinpath("migrations").iterdir():
        match = _FILE_NAME.match(entry.name)
        if not match:
            continue
        version = int(match.group(1))
        if version in found:
            raise PersistenceError(f"two migrations with version {version}")
        found[version] = Migration(version, match.group(2), entry.read_text(encoding="utf-8"))
    ordered = [found[v] for v in sorted(found)]
    if [m.version for m in ordered] != list(range(1, len(ordered) + 1)):
        raise PersistenceError(f"migration versions must be 1..n without gaps, found {sorted(found)}")
    return ordered


def latest_version(migrations: list[Migration] | None = None) -> int:
    """The schema version this library writes.

    Args:
        migrations: the migrations to consider; the shipped ones by default.

    Returns:
        The highest version (0 when there are none).
    """
    chosen = shipped_migrations() if migrations is None else migrations
    return max((m.version for m in chosen), default=0)


def stored_version(connection: sqlite3.Connection) -> int:
    """The newest schema version recorded in the database (0 for a database omscore never migrated).

    Args:
        connection: an open connection.

    Returns:
        The version.
    """
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if exists is None:
        return 0
    row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(connection: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[int]:
    """Bring the schema up to date inside the caller's write transaction.

    The caller has issued ``BEGIN IMMEDIATE`` and commits (or rolls back) afterwards, so the migrations and
    their records in ``schema_version`` land together or not at all.

    Args:
        connection: a connection with an open write transaction.
        migrations: the migrations to apply; the shipped ones by default.

    Returns:
        The versions applied now (empty when the schema was current).

    Raises:
        SchemaVersionError: the stored schema is newer than the newest migration known.
    """
    chosen = shipped_migrations() if migrations is None else migrations
    newest = latest_version(chosen)
    connection.execute(_VERSION_TABLE)
    current = stored_version(connection)
    if current > newest:
        raise SchemaVersionError(current, newest)
    applied: list[int] = []
    for migration in chosen:
        if migration.version <= current:
            continue
        for statement in migration.statements():
            connection.execute(statement)
        connection.execute(
            "INSERT INTO schema_version (version, name) VALUES (?, ?)", (migration.version, migration.name)
        )
        applied.append(migration.version)
    return applied
