"""Opening a SQLite database: settings, WAL, and versioned schema migrations."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from omscore.adapters.sqlite import SqliteDatabase, SqliteUnitOfWork, latest_schema_version
from omscore.adapters.sqlite.migrations import Migration, migrate, shipped_migrations, stored_version
from omscore.domain.errors import InvalidConfiguration, PersistenceError, SchemaVersionError
from omscore.domain.identity import LocationId, SkuCode

WH, TEA = LocationId("WH-1"), SkuCode("TEA")


def _pragma(db: SqliteDatabase, name: str) -> object:
    connection = db.acquire()
    try:
        return connection.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        db.release(connection)


def _versions(path: Path) -> list[tuple[int, str]]:
    connection = sqlite3.connect(path)
    try:
        return [(row[0], row[1]) for row in connection.execute("SELECT version, name FROM schema_version ORDER BY 1")]
    finally:
        connection.close()


# --- opening -------------------------------------------------------------------------------------------------


def test_a_new_file_is_created_in_wal_mode_with_the_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.db"

    with SqliteDatabase(path) as db:
        assert db.schema_version == latest_schema_version()
        assert _pragma(db, "journal_mode") == "wal"
        assert _pragma(db, "foreign_keys") == 1
        assert _pragma(db, "synchronous") == 1  # NORMAL
        assert _pragma(db, "busy_timeout") == 5000
        assert _pragma(db, "wal_autocheckpoint") == 4000

    assert [version for version, _ in _versions(path)] == list(range(1, latest_schema_version() + 1))


def test_durability_and_waiting_are_settings(tmp_path: Path) -> None:
    with SqliteDatabase(tmp_path / "full.db", synchronous="FULL", busy_timeout_ms=250) as db:
        assert _pragma(db, "synchronous") == 2  # FULL
        assert _pragma(db, "busy_timeout") == 250


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("busy_timeout_ms", -1),
        ("busy_timeout_ms", 1.5),
        ("synchronous", "OFF"),
        ("cache_size_kib", 0),
        ("max_idle_connections", 0),
        ("checkpoint_pages", 0),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(tmp_path: Path, setting: str, value: object) -> None:
    with pytest.raises(InvalidConfiguration) as refused:
        SqliteDatabase(tmp_path / "x.db", **{setting: value})  # type: ignore[arg-type]

    assert refused.value.field == setting
    assert not (tmp_path / "x.db").exists()


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    SqliteDatabase(path).close()
    first = _versions(path)

    SqliteDatabase(path).close()

    assert _versions(path) == first


def test_data_survives_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "keep.db"
    with SqliteDatabase(path) as db, SqliteUnitOfWork(db) as uow:
        uow.inventory.receive(WH, TEA, 7)
        uow.commit()

    with SqliteDatabase(path) as db, SqliteUnitOfWork(db) as uow:
        assert uow.inventory.level(WH, TEA).on_hand == 7


def test_a_schema_newer_than_this_library_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    SqliteDatabase(path).close()
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO schema_version (version, name) VALUES (?, 'from_the_future')", (999,))
    connection.commit()
    connection.close()

    with pytest.raises(SchemaVersionError) as refused:
        SqliteDatabase(path)

    assert (refused.value.found, refused.value.supported) == (999, latest_schema_version())
    assert "upgrade omscore" in str(refused.value)


def test_a_file_that_is_not_a_database_is_a_persistence_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the pages you are looking for" * 100)

    with pytest.raises(PersistenceError) as refused:
        SqliteDatabase(path)

    assert isinstance(refused.value.__cause__, sqlite3.DatabaseError)


def test_a_missing_directory_is_a_persistence_error(tmp_path: Path) -> None:
    with pytest.raises(PersistenceError, match="does not exist"):
        SqliteDatabase(tmp_path / "nowhere" / "x.db")


def test_a_closed_database_lends_no_connection(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "closed.db")
    db.close()

    with pytest.raises(PersistenceError, match="closed"):
        db.acquire()


def test_an_in_memory_database_works_for_one_process(tmp_path: Path) -> None:
    with SqliteDatabase(":memory:") as db:
        with SqliteUnitOfWork(db) as uow:
            uow.inventory.receive(WH, TEA, 3)
            uow.commit()
        with SqliteUnitOfWork(db) as uow:
            assert uow.inventory.level(WH, TEA).on_hand == 3


def _open(path: str) -> int:
    with SqliteDatabase(path) as db:
        return db.schema_version


def test_processes_opening_a_new_file_together_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pytest", "omscore.testing.samples", "omscore.adapters.sqlite"])
    with context.Pool(6) as pool:
        versions = pool.map(_open, [str(path)] * 6)

    assert versions == [latest_schema_version()] * 6
    assert [version for version, _ in _versions(path)] == list(range(1, latest_schema_version() + 1))


# --- migrations ----------------------------------------------------------------------------------------------


def test_shipped_migrations_are_numbered_from_one_without_gaps() -> None:
    migrations = shipped_migrations()

    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert all(m.statements() for m in migrations)


def test_a_migration_script_is_split_into_whole_statements() -> None:
    script = (
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
        "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n"
        "  UPDATE t SET x = x || ';';\n"
        "END;\n"
        "-- trailing comment\n"
    )

    statements = Migration(1, "test", script).statements()

    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER")
    assert statements[1].endswith("END;")


def test_an_unfinished_statement_is_refused() -> None:
    with pytest.raises(PersistenceError, match="incomplete"):
        Migration(1, "broken", "CREATE TABLE t (x TEXT").statements()


def test_migrations_apply_in_order_and_a_failing_one_leaves_nothing_behind(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "steps.db", isolation_level=None)
    good = [Migration(1, "one", "CREATE TABLE one (x);"), Migration(2, "two", "CREATE TABLE two (x);")]
    connection.execute("BEGIN IMMEDIATE")
    assert migrate(connection, good) == [1, 2]
    connection.execute("COMMIT")

    bad = [*good, Migration(3, "three", "CREATE TABLE three (x); INSERT INTO missing VALUES (1);")]
    connection.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="missing"):
        migrate(connection, bad)
    connection.execute("ROLLBACK")

    assert stored_version(connection) == 2
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "three" not in tables
    connection.close()


def test_the_public_names_are_sorted_and_complete() -> None:
    import omscore.adapters.sqlite as package

    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, type(package))
    }

    assert package.__all__ == sorted(package.__all__)
    assert set(package.__all__) == public
