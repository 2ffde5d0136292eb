"""What the SQLite adapter asks of the database: tenant-first keys, parameterised SQL, guarded stock updates in
a fixed order, and look-ups that never scan."""

from __future__ import annotations

import ast
import datetime
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import omscore.adapters.sqlite as sqlite_adapter
from omscore.adapters.sqlite import SqliteDatabase, SqliteUnitOfWork
from omscore.domain import events as ev
from omscore.domain.gifts import GiftClaim
from omscore.domain.identity import ExternalOrderRef, LocationId, OrderId, SkuCode
from omscore.domain.inbound import ExpectedReceipt
from omscore.domain.inventory import ReservationLine
from omscore.domain.order_status import OrderStatus
from omscore.testing.samples import rich_catalog, sample_order, sample_shipment, state_of

WH, STORE, TEA, CUP = LocationId("WH-1"), LocationId("STORE-1"), SkuCode("TEA"), SkuCode("CUP")
DAY = datetime.date(2024, 11, 1)


class Statements:
    """Every statement the adapter runs, in order (values filled in)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.recording = False

    def __call__(self, sql: str) -> None:
        if self.recording:
            self.seen.append(sql)

    def during(self) -> _Recording:
        return _Recording(self)


class _Recording:
    def __init__(self, statements: Statements) -> None:
        self.statements = statements

    def __enter__(self) -> list[str]:
        self.statements.seen = []
        self.statements.recording = True
        return self.statements.seen

    def __exit__(self, *exc: object) -> None:
        self.statements.recording = False


@pytest.fixture
def statements() -> Statements:
    return Statements()


@pytest.fixture
def db(tmp_path: Path, statements: Statements) -> Iterator[SqliteDatabase]:
    database = SqliteDatabase(tmp_path / "shape.db", trace=statements)
    yield database
    database.close()


def _schema(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


# --- tenancy in the schema ------------------------------------------------------------------------------------


def test_every_table_leads_its_primary_key_and_every_index_with_the_tenant(db: SqliteDatabase) -> None:
    connection = _schema(Path(db.path))
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        if row[0] != "schema_version"
    ]
    unscoped: list[str] = []
    for table in tables:
        columns = connection.execute(f"PRAGMA table_info({table})").fetchall()
        key = [column[1] for column in sorted(columns, key=lambda c: c[5]) if column[5] > 0]
        if not key or key[0] != "tenant":
            unscoped.append(f"{table} primary key {key}")
        for index in connection.execute(f"PRAGMA index_list({table})").fetchall():
            indexed = [row[2] for row in connection.execute(f"PRAGMA index_info({index[1]})")]
            if indexed[0] != "tenant":
                unscoped.append(f"{table} index {index[1]} {indexed}")
    connection.close()

    assert len(tables) >= 8
    assert unscoped == []


def test_every_statement_names_the_tenant(db: SqliteDatabase, statements: Statements) -> None:
    with statements.during() as seen, SqliteUnitOfWork(db, "acme") as uow:
        _exercise(uow)
        uow.commit()

    data_statements = [sql for sql in seen if re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE)\b", sql)]
    assert len(data_statements) > 30
    assert [sql for sql in data_statements if "'acme'" not in sql] == []


def _exercise(uow: SqliteUnitOfWork) -> None:
    order = sample_order("O1", merge_key="k")
    uow.orders.add(order)
    order.approve("ok")
    uow.orders.save(order)
    uow.orders.get(OrderId("O1"))
    uow.orders.get_by_ref(order.ref)
    uow.orders.ids_with_status(OrderStatus.APPROVED)
    uow.orders.with_merge_key("k")
    uow.orders.count()
    shipment = sample_shipment("S1", order)
    uow.shipments.add(shipment)
    uow.shipments.save(shipment)
    uow.shipments.for_order(OrderId("O1"))
    uow.inventory.receive(WH, TEA, 10)
    uow.inventory.adjust(WH, TEA, -1)
    uow.inventory.set_safety(WH, TEA, 1)
    uow.inventory.reserve("O1", [ReservationLine(WH, TEA, 2, "S1"), ReservationLine(WH, CUP, 1, "S1")])
    uow.inventory.reserve("O1", [ReservationLine(WH, TEA, 2, "S1")])
    uow.inventory.consume("O1", "S1")
    uow.inventory.release("O1")
    uow.inventory.levels([(WH, TEA), (STORE, CUP)])
    uow.inventory.levels_of_sku(TEA)
    uow.inventory.all_levels()
    uow.inventory.reservation("O1")
    uow.inventory.reservation_keys()
    uow.gift_quotas.take(GiftClaim("CUP", "O1", "B1", 1, 10, 1))
    uow.gift_quotas.take(GiftClaim("CUP", "O1", "B1", 1, 10, 1))
    uow.gift_quotas.take(GiftClaim("CUP", "O2", "B1", 1, 10, 1))
    uow.gift_quotas.take(GiftClaim("CUP", "O3", "B2", 1, 1, None))
    uow.gift_quotas.taken("CUP")
    uow.gift_quotas.taken_by("CUP", "B1")
    uow.gift_quotas.held_by("O1")
    uow.gift_quotas.give_back("CUP", "O1")
    uow.inbound.expect(ExpectedReceipt("ASN-1", WH, TEA, 5, DAY))
    uow.inbound.expect(ExpectedReceipt("ASN-1", WH, TEA, 6, DAY))
    uow.inbound.expect(ExpectedReceipt("PO-2", WH, TEA, 2, DAY))
    uow.inbound.promise("O1", "ASN-1", 2)
    uow.inbound.promise("O1", "ASN-1", 2)
    uow.inbound.promise("O1", "PO-2", 1)
    uow.inbound.promise("O2", "ASN-1", 9)
    uow.inbound.get("ASN-1")
    uow.inbound.open_for(WH, TEA)
    uow.inbound.promised("ASN-1")
    uow.inbound.promises_of("O1")
    uow.inbound.release("O1")
    uow.inbound.promise("O2", "ASN-1", 1)
    uow.inbound.arrive("ASN-1")
    uow.inbound.arrive("ASN-1")
    uow.catalog.store(rich_catalog())
    uow.catalog.load()
    uow.network.load()
    uow.outbox.append([ev.OrderReleased("O1")])
    uow.outbox.undelivered()
    uow.outbox.mark_delivered([1])


# --- parameterised SQL ----------------------------------------------------------------------------------------

HOSTILE = ["'; DROP TABLE orders;--", 'x" OR 1=1 --', "%s", "$1", "?", "\x00nul", "Ｏ１", "🙂' || '"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_key_is_stored_as_data(db: SqliteDatabase, text: str) -> None:
    order = sample_order(f"O-{text}", external_id=f"E-{text}", merge_key=text)
    with SqliteUnitOfWork(db, tenant=text) as uow:
        uow.orders.add(order)
        uow.inventory.receive(LocationId(text), SkuCode(text), 3)
        uow.inventory.reserve(text, [ReservationLine(LocationId(text), SkuCode(text), 2, text)])
        uow.commit()

    with SqliteUnitOfWork(db, tenant=text) as uow:
        loaded = uow.orders.get(OrderId(f"O-{text}"))
        by_ref = uow.orders.get_by_ref(ExternalOrderRef(order.channel, f"E-{text}"))
        merge = uow.orders.with_merge_key(text)
        level = uow.inventory.level(LocationId(text), SkuCode(text))
        keys = uow.inventory.reservation_keys()
    with SqliteUnitOfWork(db, tenant="other") as uow:
        elsewhere = uow.orders.count()

    assert loaded is not None
    assert state_of(loaded, ignore=("version",)) == state_of(order, ignore=("version",))
    assert by_ref is not None
    assert [o.id for o in merge] == [order.id]
    assert (level.on_hand, level.reserved) == (3, 2)
    assert keys == [text]
    assert elsewhere == 0


#: Names that only pass a statement through (parameters of the session's and the inventory's helpers).
_PASS_THROUGH = {"sql", "statement", "update"}


def _constants(tree: ast.Module) -> set[str]:
    """Module-level names bound to a constant string, or to a dict of constant strings."""
    names: set[str] = set()
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        value = node.value
        constant = isinstance(value, ast.Constant) and isinstance(value.value, str)
        table = isinstance(value, ast.Dict) and all(isinstance(v, ast.Constant) for v in value.values)
        if constant or table:
            names.add(node.targets[0].id)
    return names


def test_no_statement_of_the_adapter_is_built_from_data() -> None:
    """Every ``execute``-like call gets a constant SQL string; only PRAGMAs interpolate validated integers."""
    offending: list[str] = []
    for module in sorted(Path(sqlite_adapter.__file__).parent.glob("*.py")):
        tree = ast.parse(module.read_text())
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in {"execute", "executemany", "query"} or not node.args:
                continue
            sql = node.args[0]
            allowed = (
                isinstance(sql, ast.Constant)
                or (isinstance(sql, ast.Name) and sql.id in constants | _PASS_THROUGH)
                or (isinstance(sql, ast.Subscript) and isinstance(sql.value, ast.Name) and sql.value.id in constants)
                or (isinstance(sql, ast.JoinedStr) and _is_integer_pragma(sql))
            )
            if not allowed:
                offending.append(f"{module.name}:{node.lineno}: {ast.unparse(sql)}")

    assert offending == []


def _is_integer_pragma(sql: ast.JoinedStr) -> bool:
    first = sql.values[0]
    if not (isinstance(first, ast.Constant) and str(first.value).startswith("PRAGMA ")):
        return False
    for part in sql.values[1:]:
        if isinstance(part, ast.FormattedValue):
            value = part.value.operand if isinstance(part.value, ast.UnaryOp) else part.value
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "int"):
                return False
    return True


# --- the shape of stock changes (never read-modify-write, fixed order) -------------------------------------


def _absolute_counters(sql: str) -> list[str]:
    """Assignments in ``sql``'s SET clause that give ``reserved`` or ``on_hand`` a value not computed from itself."""
    clause = sql.split(" SET ", 1)[-1].split(" WHERE ")[0].split(" RETURNING ")[0]
    found = []
    for assignment in clause.split(","):
        column, _, value = (part.strip() for part in assignment.partition("="))
        if column in {"reserved", "on_hand"} and not value.startswith(column):
            found.append(assignment.strip())
    return found


def _stock_writes(seen: list[str]) -> list[str]:
    return [sql for sql in seen if re.match(r"\s*(UPDATE|INSERT INTO) stock\b", sql)]


def test_reserve_is_guarded_updates_in_location_and_sku_order(db: SqliteDatabase, statements: Statements) -> None:
    with SqliteUnitOfWork(db) as uow:
        for location in (WH, STORE):
            for sku in (TEA, CUP):
                uow.inventory.receive(location, sku, 10)
        uow.commit()
    lines = [ReservationLine(WH, TEA, 1), ReservationLine(STORE, TEA, 1), ReservationLine(WH, CUP, 1)]

    with statements.during() as seen, SqliteUnitOfWork(db) as uow:
        uow.inventory.reserve("O1", lines)
        uow.commit()

    writes = _stock_writes(seen)
    keys = [re.search(r"location = '([^']*)' AND sku = '([^']*)'", sql).groups() for sql in writes]  # type: ignore[union-attr]
    assert keys == [("STORE-1", "TEA"), ("WH-1", "CUP"), ("WH-1", "TEA")]
    assert all("SET reserved = reserved + 1" in sql and "on_hand - reserved - safety >= 1" in sql for sql in writes)
    assert not any(re.match(r"\s*SELECT .* FROM stock", sql) for sql in seen)


def test_a_short_reserve_undoes_its_own_updates_with_a_savepoint(db: SqliteDatabase, statements: Statements) -> None:
    with SqliteUnitOfWork(db) as uow:
        uow.inventory.receive(WH, CUP, 10)
        uow.inventory.receive(WH, TEA, 1)
        uow.commit()

    with statements.during() as seen, SqliteUnitOfWork(db) as uow:
        outcome = uow.inventory.reserve("O1", [ReservationLine(WH, TEA, 2), ReservationLine(WH, CUP, 2)])
        levels = [level.reserved for level in uow.inventory.all_levels()]

    assert not outcome.ok
    assert levels == [0, 0]
    kinds = [" ".join(sql.split()[:2]) for sql in seen]
    assert "SAVEPOINT omscore" in kinds
    assert kinds.index("SAVEPOINT omscore") < kinds.index("ROLLBACK TO")


@pytest.mark.parametrize("method", ["release", "consume", "receive", "adjust"])
def test_no_stock_change_writes_an_absolute_counter(db: SqliteDatabase, statements: Statements, method: str) -> None:
    with SqliteUnitOfWork(db) as uow:
        uow.inventory.receive(WH, TEA, 10)
        uow.inventory.reserve("O1", [ReservationLine(WH, TEA, 3, "S1")])
        uow.commit()

    with statements.during() as seen, SqliteUnitOfWork(db) as uow:
        match method:
            case "release":
                uow.inventory.release("O1")
            case "consume":
                uow.inventory.consume("O1", "S1")
            case "receive":
                uow.inventory.receive(WH, TEA, 2)
            case "adjust":
                uow.inventory.adjust(WH, TEA, -2)
        uow.commit()

    writes = _stock_writes(seen)
    assert writes
    assert [sql for sql in writes if _absolute_counters(sql)] == []


def test_gift_counters_change_only_relative_to_themselves(db: SqliteDatabase, statements: Statements) -> None:
    with statements.during() as seen, SqliteUnitOfWork(db) as uow:
        uow.gift_quotas.take(GiftClaim("CUP", "O1", "B1", 2, 3, 2))
        uow.gift_quotas.take(GiftClaim("CUP", "O2", "B1", 1, 3, 2))
        uow.gift_quotas.give_back("CUP", "O1")
        uow.commit()

    writes = [sql for sql in seen if re.match(r"\s*(UPDATE|INSERT INTO) gift_(activities|buyers)\b", sql)]
    assert len(writes) == 7  # two takes (one refused by the buyer limit, its count taken back), a give-back
    assert all(re.search(r" SET taken = taken [+-] ", sql) for sql in writes)


def test_promised_units_change_only_relative_to_themselves(db: SqliteDatabase, statements: Statements) -> None:
    with SqliteUnitOfWork(db) as uow:
        uow.inbound.expect(ExpectedReceipt("ASN-1", WH, TEA, 5, DAY))
        uow.inbound.expect(ExpectedReceipt("PO-2", WH, TEA, 5, DAY))
        uow.commit()

    with statements.during() as seen, SqliteUnitOfWork(db) as uow:
        uow.inbound.promise("O1", "ASN-1", 2)
        uow.inbound.promise("O1", "PO-2", 1)
        uow.inbound.promise("O2", "ASN-1", 9)
        uow.inbound.expect(ExpectedReceipt("ASN-1", WH, TEA, 4, DAY))
        uow.inbound.release("O1")
        uow.inbound.promise("O2", "ASN-1", 1)
        uow.inbound.arrive("ASN-1")
        uow.commit()

    writes = [sql for sql in seen if re.match(r"\s*(UPDATE|INSERT INTO) inbound_receipts\b", sql)]
    counts = [sql for sql in writes if "promised =" in sql]
    assert len(counts) == 7  # three promises tried (one too short), a release of two, a promise, an arrival
    assert all(re.search(r" SET (arrived = 1, )?promised = promised [+-] ", sql) for sql in counts)
    assert not any("promised = " in sql.split(" WHERE ")[0] for sql in writes if sql not in counts)


# --- look-ups use indexes, so their cost does not grow with history -----------------------------------------


def test_no_statement_scans_a_table(db: SqliteDatabase, statements: Statements) -> None:
    with statements.during() as seen, SqliteUnitOfWork(db) as uow:
        _exercise(uow)
        uow.commit()

    connection = _schema(Path(db.path))
    scans = []
    for sql in seen:
        if not re.match(r"\s*(SELECT|UPDATE|DELETE)\b", sql):
            continue
        plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]
        scans += [f"{step}  <=  {sql[:80]}" for step in plan if step.startswith("SCAN")]
    connection.close()

    assert scans == []


def test_the_checks_above_catch_what_they_look_for(db: SqliteDatabase) -> None:
    connection = _schema(Path(db.path))
    plan = [row[3] for row in connection.execute("EXPLAIN QUERY PLAN SELECT id FROM orders WHERE document LIKE 'x'")]
    connection.close()

    assert _absolute_counters("UPDATE stock SET on_hand = on_hand + 1, reserved = 5 WHERE tenant = 't'") == [
        "reserved = 5"
    ]
    assert any(step.startswith("SCAN") for step in plan)
    assert not _is_integer_pragma(ast.parse('f"PRAGMA x = {value}"').body[0].value)  # type: ignore[attr-defined]
