"""Storage benchmark: committed reservations per second through the adapters, beside raw floors.

SQLite part (this file), measured in one process on a database file in a temporary directory, WAL journal
and ``synchronous=NORMAL`` unless said otherwise:

* ``sqlite_per_s``: one reservation per unit of work — ``SqliteUnitOfWork`` → ``inventory.reserve`` (1 unit
  of one of 1,000 SKUs, a fresh key) → ``commit``. Everything an application pays for: the pooled connection,
  ``BEGIN IMMEDIATE``, the idempotency check, the guarded UPDATE, the reservation row, ``COMMIT``.
* ``sqlite_floor_per_s``: the raw-``sqlite3`` floor measured in the same run on the same kind of table:
  ``BEGIN IMMEDIATE``; the guarded ``UPDATE … SET reserved = reserved + 1 WHERE … AND on_hand - reserved -
  safety >= 1``; ``COMMIT`` — the least a correct reservation can cost, with nothing recorded about who holds
  the units. Target: ``sqlite_per_s ≥ 0.5 × sqlite_floor_per_s``.
* ``sqlite_floor_ledger_per_s`` (context): the floor plus one ``INSERT`` of the reservation row.
* ``sqlite_batched_per_s``: 100 reservations per unit of work (group commit).
* ``sqlite_full_per_s`` / ``sqlite_floor_full_per_s`` (context): the same with ``synchronous=FULL``.
* ``history_cost_ratio``: time per reservation (one per unit of work) on a store that already holds 100,000
  reservations, divided by the time on a store that holds none. Target ≤ 1.2.

Rates are medians over short trials run round-robin (adapter, floor, floor with row, …); the ratios are the
medians of the ratios of trials run back to back, so that load from other processes on the machine, which
changes during a run, hits both sides of each ratio alike. Usage::

    python benchmarks/storage.py [--quick] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omscore.adapters.sqlite import SqliteDatabase, SqliteUnitOfWork
from omscore.adapters.sqlite.database import Synchronous
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import ReservationLine

LOCATION = LocationId("WH-1")
SKUS = [SkuCode(f"SKU-{index:04d}") for index in range(1000)]
PLENTY = 10**12
HISTORY = 100_000
TARGET_VS_FLOOR = 0.5
TARGET_HISTORY_RATIO = 1.2

_FLOOR_UPDATE = (
    "UPDATE stock SET reserved = reserved + 1"
    " WHERE tenant = ? AND location = ? AND sku = ? AND on_hand - reserved - safety >= 1"
)
_FLOOR_LEDGER = "INSERT INTO ledger (tenant, key, location, sku, quantity) VALUES (?, ?, ?, ?, 1)"


# --- the adapter ---------------------------------------------------------------------------------------------


class AdapterStore:
    """A SQLite store with 1,000 well-stocked SKUs, reserved through the adapter."""

    def __init__(self, path: Path, synchronous: Synchronous = "NORMAL") -> None:
        self.db = SqliteDatabase(path, synchronous=synchronous)
        self.rng = random.Random(1)
        self.made = 0
        with SqliteUnitOfWork(self.db) as uow:
            for sku in SKUS:
                uow.inventory.receive(LOCATION, sku, PLENTY)
            uow.commit()

    def _lines(self) -> list[ReservationLine]:
        return [ReservationLine(LOCATION, self.rng.choice(SKUS), 1, "S1")]

    def reserve_each(self, count: int) -> float:
        """Seconds for ``count`` reservations, one per unit of work."""
        db = self.db
        started = time.perf_counter()
        for _ in range(count):
            self.made += 1
            with SqliteUnitOfWork(db) as uow:
                outcome = uow.inventory.reserve(f"O{self.made:08d}", self._lines())
                uow.commit()
            assert outcome.ok
        return time.perf_counter() - started

    def reserve_batched(self, count: int, batch: int = 100) -> float:
        """Seconds for ``count`` reservations, ``batch`` per unit of work."""
        db = self.db
        started = time.perf_counter()
        for _ in range(count // batch):
            with SqliteUnitOfWork(db) as uow:
                for _ in range(batch):
                    self.made += 1
                    uow.inventory.reserve(f"O{self.made:08d}", self._lines())
                uow.commit()
        return time.perf_counter() - started

    def close(self) -> None:
        self.db.close()


# --- the raw floor ----------------------------------------------------------------------------------------


class FloorStore:
    """The same stock table driven by bare ``sqlite3`` statements: the adapter's pragmas (WAL, synchronous,
    checkpoint interval) and the same key shape."""

    def __init__(self, path: Path, synchronous: Synchronous = "NORMAL", checkpoint_pages: int = 4000) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=5)
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute(f"PRAGMA synchronous = {synchronous}")
        self.connection.execute(f"PRAGMA wal_autocheckpoint = {checkpoint_pages}")
        self.connection.execute(
            "CREATE TABLE stock (tenant TEXT, location TEXT, sku TEXT, on_hand INTEGER, reserved INTEGER,"
            " safety INTEGER, PRIMARY KEY (tenant, location, sku)) WITHOUT ROWID"
        )
        self.connection.execute(
            "CREATE TABLE ledger (tenant TEXT, key TEXT, location TEXT, sku TEXT, quantity INTEGER,"
            " PRIMARY KEY (tenant, key, location, sku)) WITHOUT ROWID"
        )
        self.connection.executemany(
            "INSERT INTO stock VALUES ('default', ?, ?, ?, 0, 0)", [(LOCATION, sku, PLENTY) for sku in SKUS]
        )
        self.rng = random.Random(1)
        self.made = 0

    def reserve_each(self, count: int, *, ledger: bool = False) -> float:
        """Seconds for ``count`` guarded updates, one per transaction (plus a ledger row when asked)."""
        execute, choice = self.connection.execute, self.rng.choice
        started = time.perf_counter()
        for _ in range(count):
            sku = choice(SKUS)
            execute("BEGIN IMMEDIATE")
            assert execute(_FLOOR_UPDATE, ("default", LOCATION, sku)).rowcount == 1
            if ledger:
                self.made += 1
                execute(_FLOOR_LEDGER, ("default", f"O{self.made:08d}", LOCATION, sku))
            execute("COMMIT")
        return time.perf_counter() - started

    def close(self) -> None:
        self.connection.close()


# --- measuring ------------------------------------------------------------------------------------------------


def _rate(count: int, seconds: list[float]) -> float:
    return count / statistics.median(seconds)


def _trials(runs: dict[str, Callable[[], float]], trials: int) -> dict[str, list[float]]:
    """Run each measurement ``trials`` times, round-robin, so that a busy moment of the machine (other
    processes share its cores) falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    gc.collect()
    for _ in range(trials):
        for name, run in runs.items():
            times[name].append(run())
    return times


def _paired_ratio(numerator: list[float], denominator: list[float]) -> float:
    """The median of the ratios of trials run back to back: robust to load that changes during the run."""
    return statistics.median(n / d for n, d in zip(numerator, denominator, strict=True))


def _fill_history(store: AdapterStore, reservations: int) -> float:
    started = time.perf_counter()
    store.reserve_batched(reservations, batch=1000)
    return time.perf_counter() - started


def run_sqlite(quick: bool) -> dict[str, Any]:
    """Measure the SQLite figures.

    Args:
        quick: fewer trials (same sizes, same history).

    Returns:
        The figures, keyed as documented at the top of this module.
    """
    each, trials = (500, 15) if quick else (1_000, 41)
    batched, batch_trials = (5_000, 5) if quick else (10_000, 11)
    durable = 200 if quick else 500
    with tempfile.TemporaryDirectory(prefix="omscore-bench-") as scratch:
        directory = Path(scratch)
        adapter, floor = AdapterStore(directory / "adapter.db"), FloorStore(directory / "floor.db")
        adapter.reserve_each(500)  # warm the statement caches and the connection pool
        floor.reserve_each(500)
        times = _trials(
            {
                "adapter": lambda: adapter.reserve_each(each),
                "floor": lambda: floor.reserve_each(each),
                "floor_ledger": lambda: floor.reserve_each(each, ledger=True),
            },
            trials,
        )
        batch_times = _trials({"batched": lambda: adapter.reserve_batched(batched)}, batch_trials)
        adapter.close()
        floor.close()

        full_adapter = AdapterStore(directory / "adapter-full.db", synchronous="FULL")
        full_floor = FloorStore(directory / "floor-full.db", synchronous="FULL")
        full_times = _trials(
            {"adapter": lambda: full_adapter.reserve_each(durable), "floor": lambda: full_floor.reserve_each(durable)},
            3,
        )
        full_adapter.close()
        full_floor.close()

        empty, loaded = AdapterStore(directory / "empty.db"), AdapterStore(directory / "history.db")
        fill_seconds = _fill_history(loaded, HISTORY)
        empty.reserve_each(500)
        loaded.reserve_each(500)
        history = _trials(
            {"empty": lambda: empty.reserve_each(each), "history": lambda: loaded.reserve_each(each)}, trials
        )
        with SqliteUnitOfWork(loaded.db) as uow:
            held = len(uow.inventory.reservation_keys())
        empty.close()
        loaded.close()

    return {
        "sqlite_per_s": round(_rate(each, times["adapter"]), 1),
        "sqlite_floor_per_s": round(_rate(each, times["floor"]), 1),
        "sqlite_vs_floor": round(_paired_ratio(times["floor"], times["adapter"]), 3),
        "sqlite_floor_ledger_per_s": round(_rate(each, times["floor_ledger"]), 1),
        "sqlite_vs_floor_ledger": round(_paired_ratio(times["floor_ledger"], times["adapter"]), 3),
        "sqlite_batched_per_s": round(_rate(batched, batch_times["batched"]), 1),
        "sqlite_full_per_s": round(_rate(durable, full_times["adapter"]), 1),
        "sqlite_floor_full_per_s": round(_rate(durable, full_times["floor"]), 1),
        "history_cost_ratio": round(_paired_ratio(history["history"], history["empty"]), 3),
        "history_reservations": held,
        "history_us_per_reservation": {
            "0": round(statistics.median(history["empty"]) / each * 1e6, 1),
            str(HISTORY): round(statistics.median(history["history"]) / each * 1e6, 1),
        },
        "history_fill_per_s": round(HISTORY / fill_seconds, 1),
        "sqlite_settings": {
            "journal_mode": "wal",
            "synchronous": "NORMAL",
            "checkpoint_pages": 4000,
            "reservations_per_trial": each,
            "trials": trials,
            "batch": 100,
            "sqlite": sqlite3.sqlite_version,
        },
    }


# --- PostgreSQL part -------------------------------------------------------------------------------------------
# Room for the PostgreSQL engineer: return ``pg_hot_per_s`` and ``pg_floor_per_s`` (and context figures) here.
# ``benchmarks/_storage_pg.py`` has ``run(dsn=None, *, processes, seconds)`` doing exactly that.


def run_postgres(quick: bool) -> dict[str, Any]:
    """The PostgreSQL figures from ``benchmarks/_storage_pg.py`` (a throwaway cluster; skipped without binaries).

    Args:
        quick: shorter loads.

    Returns:
        ``pg_hot_per_s``, ``pg_floor_per_s`` and context figures, or ``pg_skipped`` with the reason.
    """
    from _storage_pg import run

    return run(processes=8, seconds=2.0 if quick else 3.0, rounds=1 if quick else 3)


# --- report ---------------------------------------------------------------------------------------------------


def _verdicts(figures: dict[str, Any]) -> dict[str, bool]:
    verdicts = {
        "sqlite_vs_floor >= 0.5": figures["sqlite_vs_floor"] >= TARGET_VS_FLOOR,
        "history_cost_ratio <= 1.2": figures["history_cost_ratio"] <= TARGET_HISTORY_RATIO,
    }
    if "pg_hot_per_s" in figures and "pg_floor_per_s" in figures:
        verdicts["pg_hot_per_s >= 0.5 x pg_floor_per_s"] = figures["pg_hot_per_s"] >= 0.5 * figures["pg_floor_per_s"]
    return verdicts


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures (a table, or JSON with ``--json``).

    Args:
        argv: command-line arguments (``sys.argv[1:]`` by default).

    Returns:
        0 when every target is met, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer and shorter trials")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    arguments = parser.parse_args(argv)

    figures: dict[str, Any] = {"quick": arguments.quick, "python": platform.python_version()}
    figures.update(run_sqlite(arguments.quick))
    figures.update(run_postgres(arguments.quick))
    verdicts = _verdicts(figures)
    figures["targets_met"] = verdicts

    print(f"SQLite {figures['sqlite_settings']['sqlite']}, WAL, synchronous=NORMAL (quick={arguments.quick})")
    rows = [
        ("reservations/s, 1 per unit of work", figures["sqlite_per_s"]),
        ("raw floor: BEGIN IMMEDIATE + guarded UPDATE + COMMIT", figures["sqlite_floor_per_s"]),
        ("  adapter / floor (target >= 0.5)", figures["sqlite_vs_floor"]),
        ("raw floor + reservation row", figures["sqlite_floor_ledger_per_s"]),
        ("  adapter / (floor + reservation row)", figures["sqlite_vs_floor_ledger"]),
        ("reservations/s, 100 per unit of work", figures["sqlite_batched_per_s"]),
        ("synchronous=FULL: adapter, 1 per unit of work", figures["sqlite_full_per_s"]),
        ("synchronous=FULL: raw floor", figures["sqlite_floor_full_per_s"]),
        (f"history cost ratio, {HISTORY:,} vs 0 reservations (target <= 1.2)", figures["history_cost_ratio"]),
    ]
    for label, value in rows:
        print(f"  {label:<62} {value:>12,}")
    for key, value in figures.items():
        if key.startswith("pg_"):
            print(f"  {key:<62} {value!s:>12}")
    for target, met in verdicts.items():
        print(f"  target {target}: {'met' if met else 'NOT MET'}")
    if arguments.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
