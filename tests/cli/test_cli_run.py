"""``omscore run``: a merchant's configuration and orders file through the pipeline, malformed lines skipped."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from omscore.cli import build_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = EXAMPLES / "config.json"
ORDERS = EXAMPLES / "orders.jsonl"

runner = CliRunner()


def run_json(config: Path, orders: Path, db: str = ":memory:") -> dict[str, Any]:
    result = runner.invoke(build_app(), ["run", "--config", str(config), "--orders", str(orders), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def with_bad_lines(tmp_path: Path) -> Path:
    """The example orders with a payload of quantity 0 as line 3 and a line that is not JSON as line 5."""
    lines = ORDERS.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[0])
    bad["external_id"] = "BAD-QUANTITY-1"
    bad["lines"][0]["quantity"] = 0
    lines.insert(2, json.dumps(bad, ensure_ascii=False))
    lines.insert(4, "{not json")
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_run_takes_the_example_orders_through_the_pipeline() -> None:
    summary = run_json(CONFIG, ORDERS)

    assert summary["orders_received"] > 0
    assert summary["malformed_lines"] == 0
    assert summary["shipments"] > 0
    assert summary["releases"] > 0
    for key in ("oversold_units", "lost_orders", "duplicate_orders", "money_drift_minor", "quantity_drift_units"):
        assert summary[key] == 0, key
    assert summary["audit_ok"] is True
    assert summary["fresh_database"] is True


def test_a_malformed_line_is_reported_with_its_number_and_field_and_skipped(tmp_path: Path) -> None:
    clean = run_json(CONFIG, ORDERS)

    summary = run_json(CONFIG, with_bad_lines(tmp_path))

    assert summary["malformed_lines"] == 2
    first, second = summary["malformed"]
    assert (first["number"], first["field"], first["value"]) == (3, "lines.0.quantity", 0)
    assert second["number"] == 5
    assert second["field"] == "$"
    assert summary["orders_received"] == clean["orders_received"]
    assert summary["deliveries"] == clean["deliveries"] + 2
    assert summary["audit_ok"] is True


def test_nothing_of_a_malformed_line_is_stored(tmp_path: Path) -> None:
    db = str(tmp_path / "run.db")
    run_json(CONFIG, with_bad_lines(tmp_path), db)
    platform_order = json.loads(ORDERS.read_text(encoding="utf-8").splitlines()[0])

    result = runner.invoke(
        build_app(), ["order", f"{platform_order['platform']}:{platform_order['shop']}:BAD-QUANTITY-1", "--db", db]
    )

    assert result.exit_code == 1
    assert "no such order" in result.stderr


def test_people_see_the_malformed_lines_in_a_table(tmp_path: Path) -> None:
    result = runner.invoke(
        build_app(), ["run", "--config", str(CONFIG), "--orders", str(with_bad_lines(tmp_path)), "--db", ":memory:"]
    )

    assert result.exit_code == 0, result.output
    assert "Malformed lines" in result.stdout
    assert "lines.0.quantity" in result.stdout
    assert "Invariant checks" in result.stdout


def test_a_second_run_on_the_same_database_books_no_stock_and_takes_nothing_new(tmp_path: Path) -> None:
    db = str(tmp_path / "run.db")
    first = run_json(CONFIG, ORDERS, db)

    second = run_json(CONFIG, ORDERS, db)

    assert first["fresh_database"] is True
    assert second["fresh_database"] is False
    assert second["orders_received"] == 0
    assert second["audit_ok"] is True
    assert second["stock"] == first["stock"]


def test_a_bad_configuration_names_the_field(tmp_path: Path) -> None:
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    config["skus"][0]["weight_g"] = -5
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")

    result = runner.invoke(build_app(), ["run", "--config", str(path), "--orders", str(ORDERS), "--db", ":memory:"])

    assert result.exit_code == 1
    assert "skus.0.weight_g" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_orders_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(
        build_app(),
        ["run", "--config", str(CONFIG), "--orders", str(tmp_path / "missing.jsonl"), "--db", ":memory:"],
    )

    assert result.exit_code == 1
    assert "missing.jsonl" in result.stderr
    assert "Traceback" not in result.output


def lose_one_reservation(db: Path) -> str:
    """Delete one reservation row behind omscore's back, as a damaged database would; returns its order id."""
    with closing(sqlite3.connect(db)) as connection, connection:
        key, line = connection.execute("SELECT key, line FROM reservations ORDER BY key, line LIMIT 1").fetchone()
        connection.execute("DELETE FROM reservations WHERE key = ? AND line = ?", (key, line))
    return str(key)


def test_a_run_whose_audit_is_not_clean_prints_the_json_and_exits_1(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    assert run_json(CONFIG, ORDERS, str(db))["audit_ok"] is True
    order_id = lose_one_reservation(db)

    result = runner.invoke(
        build_app(), ["run", "--config", str(CONFIG), "--orders", str(ORDERS), "--db", str(db), "--json"]
    )

    assert result.exit_code == 1
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["audit_ok"] is False
    assert summary["reservation_mismatch_units"] > 0
    assert "audit of the store is not clean" in result.stderr
    assert f"order {order_id}" in result.stderr
    assert "Traceback" not in result.output


def test_people_see_the_audit_findings_in_the_table_and_on_stderr(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    run_json(CONFIG, ORDERS, str(db))
    order_id = lose_one_reservation(db)

    result = runner.invoke(build_app(), ["run", "--config", str(CONFIG), "--orders", str(ORDERS), "--db", str(db)])

    assert result.exit_code == 1
    assert "FAIL" in result.stdout
    assert f"order {order_id}" in result.stdout
    assert f"order {order_id}" in result.stderr
