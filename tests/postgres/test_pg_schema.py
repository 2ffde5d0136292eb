"""Schema migrations, error translation, the shape of stock statements, tenant scoping and shared ids."""

from __future__ import annotations

import ast
import re
import threading
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

import omscore.adapters.postgres as adapter
from omscore.adapters.postgres import PostgresDatabase, PostgresIds
from omscore.adapters.postgres.errors import translate
from omscore.adapters.postgres.migrations import SCHEMA_VERSION, migrations
from omscore.domain.errors import (
    DuplicateKey,
    InvalidInput,
    InvariantViolation,
    LockTimeout,
    OmsError,
    PersistenceError,
    SchemaVersionError,
    TransientError,
)

pytestmark = pytest.mark.postgres

ADAPTER_DIR = Path(adapter.__file__).parent


# --- migrations ------------------------------------------------------------------------------------------------


def test_the_shipped_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [m.version for m in migrations()] == list(range(1, SCHEMA_VERSION + 1))


def test_opening_a_new_database_applies_and_records_every_migration(empty_dsn: str) -> None:
    with PostgresDatabase(empty_dsn) as db:
        version = db.schema_version
    with psycopg.connect(empty_dsn) as conn:
        recorded = conn.execute("SELECT version, name FROM omscore.schema_version ORDER BY version").fetchall()

    assert version == SCHEMA_VERSION
    assert recorded == [(m.version, m.name) for m in migrations()]


def test_processes_opening_a_new_database_at_once_migrate_it_once(empty_dsn: str) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def open_it() -> None:
        try:
            start.wait(timeout=10)
            PostgresDatabase(empty_dsn, pool_size=0).close()
        except BaseException as exc:  # reported by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with psycopg.connect(empty_dsn) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM omscore.schema_version ORDER BY version")]

    assert errors == []
    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_a_schema_newer_than_the_library_is_refused_with_a_clear_error(fresh_dsn: str) -> None:
    with psycopg.connect(fresh_dsn) as conn:
        conn.execute("INSERT INTO omscore.schema_version (version, name) VALUES (%s, 'from_the_future')", (99,))

    with pytest.raises(SchemaVersionError) as caught:
        PostgresDatabase(fresh_dsn)

    assert (caught.value.found, caught.value.supported) == (99, SCHEMA_VERSION)
    assert "upgrade omscore" in str(caught.value)


@pytest.mark.parametrize(
    ("setting", "value"),
    [("isolation", "read uncommitted"), ("lock_timeout_ms", 0), ("max_retries", -1), ("pool_size", -1)],
)
def test_settings_out_of_range_are_refused_naming_the_setting(setting: str, value: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        PostgresDatabase("postgresql://unused", **{setting: value})  # type: ignore[arg-type]

    assert caught.value.field == setting


# --- error translation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sqlstate", "expected"),
    [
        ("23505", DuplicateKey),
        ("23514", InvariantViolation),
        ("40001", TransientError),
        ("40P01", TransientError),
        ("55P03", LockTimeout),
        ("57014", TransientError),
        ("53300", TransientError),
        ("42P01", PersistenceError),
    ],
)
def test_driver_errors_become_omscore_errors(postgres_dsn: str, sqlstate: str, expected: type[OmsError]) -> None:
    statement = sql.SQL("DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = {}; END $$").format(sql.Literal(sqlstate))
    with psycopg.connect(postgres_dsn) as conn, pytest.raises(psycopg.Error) as raised:
        conn.execute(statement)

    translated = translate(raised.value)

    assert type(translated) is expected
    assert raised.value.sqlstate == sqlstate


def test_a_unique_violation_names_the_table_and_the_key(postgres_dsn: str) -> None:
    with psycopg.connect(postgres_dsn) as conn:
        conn.execute("CREATE TEMP TABLE t (k text PRIMARY KEY)")
        conn.execute("INSERT INTO t VALUES ('a')")
        with pytest.raises(psycopg.errors.UniqueViolation) as raised:
            conn.execute("INSERT INTO t VALUES ('a')")

    translated = translate(raised.value)

    assert isinstance(translated, DuplicateKey)
    assert translated.entity == "t"
    assert "(k)=(a)" in translated.key


# --- tenant scoping ----------------------------------------------------------------------------------------------


def test_every_table_and_unique_index_leads_with_the_tenant(fresh_dsn: str) -> None:
    with psycopg.connect(fresh_dsn) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'omscore' AND c.relkind = 'r' AND c.relname <> 'schema_version'"
            )
        ]
        unique_indexes = conn.execute(
            "SELECT i.indrelid::regclass::text, ic.relname, a.attname"
            " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
            " JOIN pg_namespace n ON n.oid = ic.relnamespace"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
            " WHERE n.nspname = 'omscore' AND i.indisunique AND ic.relname <> 'schema_version_pkey'"
        ).fetchall()

    unscoped = [(table, index, first) for table, index, first in unique_indexes if first != "tenant"]
    assert len(tables) == 13
    assert {table.removeprefix("omscore.") for table, _, _ in unique_indexes} == set(tables)
    assert unscoped == []


# --- the shape of stock statements ---------------------------------------------------------------------------


def _function_body(schema: str, name: str) -> str:
    match = re.search(rf"CREATE FUNCTION omscore\.{name}\(.*?\$\$(.*?)\$\$;", schema, re.S)
    assert match is not None, name
    return match.group(1)


def _locks_sorted_before_changing(body: str) -> bool:
    lock = body.index("FOR UPDATE OF s")
    order_by = body.rindex("ORDER BY", 0, lock)
    return 'ORDER BY s.location COLLATE "C", s.sku COLLATE "C"' in body[order_by:lock] and lock < body.index(
        "UPDATE omscore.stock"
    )


def test_stock_rows_are_locked_in_sorted_order_before_several_are_changed() -> None:
    schema = "\n".join(m.sql for m in migrations())
    reserve = _function_body(schema, "reserve")
    several_rows = reserve[reserve.index("ELSE", reserve.index("IF v_keys = 1")) :]

    assert _locks_sorted_before_changing(several_rows)
    assert _locks_sorted_before_changing(_function_body(schema, "settle"))


def test_a_single_row_changes_by_one_guarded_update() -> None:
    schema = "\n".join(m.sql for m in migrations())
    guard = "s.on_hand - s.reserved - s.safety >= p_quantity"

    assert guard in _function_body(schema, "reserve_one")
    assert "FOR UPDATE OF s" not in _function_body(schema, "reserve_one")


def test_stock_gift_and_inbound_counters_change_only_relative_to_their_current_value() -> None:
    schema = "\n".join(m.sql for m in migrations())
    sources = "\n".join(path.read_text() for path in ADAPTER_DIR.glob("*.py"))
    assignments = re.findall(r"\b(on_hand|reserved|taken|promised)\s*=\s*([^,\n]+)", schema + sources)

    absolute = [(column, value) for column, value in assignments if column not in value]
    assert {column for column, _ in assignments} == {"on_hand", "reserved", "taken", "promised"}
    assert absolute == []


def test_no_statement_is_built_by_formatting_values_into_sql() -> None:
    offenders: list[str] = []
    for path in ADAPTER_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"execute", "one", "peek"}
                and node.args
                and isinstance(node.args[0], ast.JoinedStr | ast.BinOp)
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


# --- ids ----------------------------------------------------------------------------------------------------------


def test_ids_from_two_handles_on_one_database_are_unique_and_sort_in_the_order_made(
    pg_database: PostgresDatabase, fresh_dsn: str
) -> None:
    with PostgresDatabase(fresh_dsn) as other:
        first, second = PostgresIds(pg_database), PostgresIds(other)
        made = [ids.next_id("O") for _ in range(5) for ids in (first, second)]

    assert len(set(made)) == len(made)
    assert made == sorted(made)
    assert all(re.fullmatch(r"O\d{12}", made_id) for made_id in made)


def test_the_public_names_are_sorted_and_importable() -> None:
    assert adapter.__all__ == sorted(adapter.__all__)
    assert all(hasattr(adapter, name) for name in adapter.__all__)
