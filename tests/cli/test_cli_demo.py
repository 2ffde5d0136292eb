"""``omscore demo``: a reproducible day that keeps every invariant, in JSON for machines and tables for people."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from omscore.cli import build_app

INVARIANTS = (
    "oversold_units",
    "lost_orders",
    "duplicate_orders",
    "money_drift_minor",
    "quantity_drift_units",
    "leaked_units",
    "reservation_mismatch_units",
    "negative_available",
)

runner = CliRunner()


def demo_json(*args: str) -> tuple[str, dict[str, Any]]:
    """Run ``omscore demo … --json``; return the last line of stdout and its parsed object."""
    result = runner.invoke(build_app(), ["demo", *args, "--json"])
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    parsed: dict[str, Any] = json.loads(last)
    return last, parsed


@pytest.fixture(scope="module")
def day() -> tuple[str, dict[str, Any]]:
    return demo_json("--orders", "400", "--seed", "13", "--db", ":memory:")


def test_a_demo_day_keeps_every_invariant(day: tuple[str, dict[str, Any]]) -> None:
    _, summary = day

    assert {key: summary[key] for key in INVARIANTS} == dict.fromkeys(INVARIANTS, 0)
    assert summary["audit_ok"] is True
    assert summary["audit_problems"] == []
    assert summary["stock_ledger_checked"] is True


def test_the_demo_publishes_stock_to_every_shop_and_never_beyond_the_pool(day: tuple[str, dict[str, Any]]) -> None:
    _, summary = day

    assert set(summary["published"]) == {
        "douyin:live",
        "jd:self-run",
        "shopify:global",
        "tmall:flagship",
        "tmall:outlet",
    }
    assert all(listings for listings in summary["published"].values())
    assert all(quantity >= 0 for listings in summary["published"].values() for quantity in listings.values())
    assert summary["stock_pushes"] > 0
    assert 0 < summary["stock_push_calls"] <= summary["stock_pushes"]
    assert summary["stock_flushes"] > summary["waves"]
    assert summary["published_over_pool"] == 0
    assert summary["publishing_open_drift"] == 0
    assert summary["publishing_oversold_units"] <= summary["units_sold_beyond_shown"]


def test_the_same_seed_prints_the_same_json(day: tuple[str, dict[str, Any]]) -> None:
    first, _ = day

    again, _ = demo_json("--orders", "400", "--seed", "13", "--db", ":memory:")

    assert again == first


def test_another_seed_gives_another_day(day: tuple[str, dict[str, Any]]) -> None:
    _, summary = day

    _, other = demo_json("--orders", "400", "--seed", "12", "--db", ":memory:")

    assert other["orders_received"] == summary["orders_received"] == 400
    assert other != summary


def test_the_day_exercises_duplicates_merges_holds_splits_and_cancellations(day: tuple[str, dict[str, Any]]) -> None:
    _, summary = day

    for key in (
        "duplicates_ignored",
        "stale_ignored",
        "revised",
        "orders_held",
        "orders_merged",
        "merges_undone",
        "split_orders",
        "cancelled_on_intake",
        "cancels_too_late",
        "holds_released",
        "confirmed_shipments",
        "confirmed_deliveries",
        "units_received",
    ):
        assert summary[key] > 0, key
    for reason in ("cod_limit", "memo", "unmapped_sku", "out_of_stock", "incomplete_address"):
        assert summary["holds_by_reason"].get(reason, 0) > 0, reason
    assert summary["shipments_by_status"].get("intercepted", 0) > 0
    assert len(summary["shipments_by_location"]) >= 4
    assert len(summary["shipments_by_carrier"]) >= 4
    answers = ("orders_received", "duplicates_ignored", "stale_ignored", "revised", "cancelled_on_intake")
    too_late = summary["cancels_too_late"] + summary["changes_too_late"]
    assert sum(summary[key] for key in answers) + too_late == summary["deliveries"]


def test_the_json_is_the_last_line_and_the_timing_goes_to_stderr() -> None:
    result = runner.invoke(build_app(), ["demo", "--orders", "30", "--seed", "1", "--db", ":memory:", "--json"])

    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1
    assert "orders/s" in result.stderr
    assert "orders/s" not in result.stdout


def test_people_get_tables_the_invariant_checks_and_the_speed() -> None:
    result = runner.invoke(build_app(), ["demo", "--orders", "60", "--seed", "2", "--db", ":memory:"])

    assert result.exit_code == 0, result.output
    for heading in (
        "Orders",
        "Holds",
        "Shipments per carrier",
        "Stock at the end",
        "Stock published, at the end",
        "Stock publishing",
        "Invariant checks",
        "shops showing more than the pool",
        "orders/s",
    ):
        assert heading in result.stdout


def test_a_second_run_on_the_same_database_ingests_nothing_new(tmp_path: Path) -> None:
    db = str(tmp_path / "day.db")
    _, first = demo_json("--orders", "150", "--seed", "4", "--db", db)

    _, second = demo_json("--orders", "150", "--seed", "4", "--db", db)

    assert first["storage"] == second["storage"] == "sqlite"
    assert first["fresh_database"] is True
    assert second["fresh_database"] is False
    assert second["stock_ledger_checked"] is False
    assert second["orders_received"] == 0
    assert second["revised"] == second["cancelled_on_intake"] == 0
    assert second["allocations"] == second["releases"] == 0
    assert second["deliveries"] == first["deliveries"]
    assert {key: second[key] for key in INVARIANTS} == dict.fromkeys(INVARIANTS, 0)
    assert second["orders_by_status"] == first["orders_by_status"]
    assert second["published_over_pool"] == first["published_over_pool"] == 0
    assert second["publishing_open_drift"] == first["publishing_open_drift"] == 0
    assert second["stock_pushes"] > 0
    assert second["publishing_oversold_units"] == second["units_sold_beyond_shown"] == 0


def test_a_database_of_another_merchant_is_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "other.db")
    examples = Path(__file__).resolve().parents[2] / "examples"
    loaded = runner.invoke(
        build_app(),
        ["run", "--config", str(examples / "config.json"), "--orders", str(examples / "orders.jsonl"), "--db", db],
    )
    assert loaded.exit_code == 0, loaded.output

    result = runner.invoke(build_app(), ["demo", "--orders", "10", "--db", db])

    assert result.exit_code == 1
    assert "another merchant" in result.stderr
    assert "Traceback" not in result.output


def test_a_demo_whose_audit_is_not_clean_still_prints_the_json_and_exits_1(tmp_path: Path) -> None:
    db = tmp_path / "day.db"
    demo_json("--orders", "150", "--seed", "4", "--db", str(db))
    with closing(sqlite3.connect(db)) as connection, connection:
        (key,) = connection.execute("SELECT key FROM reservations ORDER BY key LIMIT 1").fetchone()
        connection.execute("DELETE FROM reservations WHERE key = ?", (key,))

    result = runner.invoke(build_app(), ["demo", "--orders", "150", "--seed", "4", "--db", str(db), "--json"])

    assert result.exit_code == 1
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["audit_ok"] is False
    assert summary["reservation_mismatch_units"] > 0
    assert "audit of the store is not clean" in result.stderr
    assert f"order {key}" in result.stderr
