"""The demo at its default size keeps every safety figure at zero, seed after seed, on the embedded SQLite store.

Each seed's day (5,000 orders, about 20 s) is run once, on a database file of its own, and judged on the audit of
the store and on stock publishing. The day's buyers do not look at what a listing shows (``units_sold_beyond_shown``
is a property of the scenario, not a fault), but omscore never plans to ship a unit that was not there: what the
engine counts as sold without stock is at most what the shops sold beyond what they showed.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from omscore.bootstrap import open_store
from omscore.cli import demo
from omscore.demo import generate_day, run_demo

#: The demo's default size, as ``omscore demo`` runs it without ``--orders``.
DEFAULT_ORDERS = 5_000
SEEDS = (7, 11, 23)
AUDIT_FIGURES = (
    "oversold_units",
    "leaked_units",
    "lost_orders",
    "duplicate_orders",
    "quantity_drift_units",
    "money_drift_minor",
    "negative_available",
    "reservation_mismatch_units",
    "published_over_pool",
)


def test_the_demo_runs_5000_orders_unless_told_otherwise() -> None:
    orders = inspect.signature(demo).parameters["orders"]

    assert orders.default == DEFAULT_ORDERS


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed-{seed}" for seed in SEEDS])
def summary(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    seed: int = request.param
    db = tmp_path_factory.mktemp(f"demo-seed-{seed}") / "demo.db"
    with open_store(db) as store:
        result = run_demo(generate_day(DEFAULT_ORDERS, seed), store)
    return result.as_json()


def test_the_audit_of_the_day_is_clean(summary: dict[str, Any]) -> None:
    figures = {key: summary[key] for key in AUDIT_FIGURES}

    assert summary["storage"] == "sqlite"
    assert summary["orders_received"] == DEFAULT_ORDERS
    assert figures == dict.fromkeys(AUDIT_FIGURES, 0)
    assert summary["audit_problems"] == []
    assert summary["audit_ok"] is True
    assert summary["failed_steps"] == 0


def test_stock_publishing_never_shows_more_than_the_pool(summary: dict[str, Any]) -> None:
    assert summary["published_over_pool"] == 0
    assert summary["publishing_open_drift"] == 0
    assert summary["publishing_oversold_units"] <= summary["units_sold_beyond_shown"]
