"""PostgreSQL part of the storage benchmark: reservations per second on one hot SKU beside the raw floor.

Two loads run in the same session against the same throwaway cluster, each with ``processes`` worker
processes for ``seconds``:

* ``pg_hot_per_s``: every worker reserves 1 unit of the same SKU per unit of work through the adapter
  (``PostgresUnitOfWork`` → ``inventory.reserve`` → ``commit``): the idempotency claim, the guarded update, the
  reservation line and the transaction, as an application does it.
* ``pg_floor_per_s``: every worker runs the bare conditional ``UPDATE … SET reserved = reserved + 1 WHERE
  on_hand - reserved - safety >= 1`` on the same row in autocommit mode: the fastest correct way to take one
  unit, with nothing recorded about who took it.

For context it also reports ``pg_floor_tx_per_s``: the same UPDATE inside ``BEGIN … COMMIT``, the floor of
any unit of work that commits in a separate call (as the port's ``commit()`` does): three round trips
instead of one, with the row lock held across the client's turn.

The target is ``pg_hot_per_s ≥ 0.5 × pg_floor_per_s``. Run it with ``python benchmarks/_storage_pg.py``
(prints JSON), or call :func:`run` from the storage benchmark.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from typing import Any

import psycopg

from omscore.adapters.postgres import PostgresDatabase, PostgresUnitOfWork
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import ReservationLine
from omscore.testing.postgres import find_server_binaries, throwaway_cluster

TENANT = "bench"
HOT = (LocationId("L1"), SkuCode("HOT"))
_FLOOR_SQL = (
    "UPDATE omscore.stock SET reserved = reserved + 1"
    " WHERE tenant = %s AND location = %s AND sku = %s AND on_hand - reserved - safety >= 1"
)


def _wait_until(start_at: float) -> None:
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)


def _adapter_worker(dsn: str, worker: int, start_at: float, seconds: float) -> int:
    """Reserve 1 unit per unit of work from ``start_at`` for ``seconds``; returns the reservations made."""
    done = 0
    with PostgresDatabase(dsn, pool_size=1) as db:
        line = [ReservationLine(*HOT, 1, "s")]
        _wait_until(start_at)
        deadline = time.time() + seconds
        while time.time() < deadline:
            with PostgresUnitOfWork(db, TENANT) as uow:
                outcome = uow.inventory.reserve(f"w{worker}-{done}", line)
                uow.commit()
            done += outcome.ok
    return done


def _floor_worker(dsn: str, worker: int, start_at: float, seconds: float) -> int:
    """Run the bare conditional UPDATE from ``start_at`` for ``seconds``; returns the updates that took a unit."""
    done = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        _wait_until(start_at)
        deadline = time.time() + seconds
        while time.time() < deadline:
            done += conn.execute(_FLOOR_SQL, (TENANT, *HOT)).rowcount
    return done


def _floor_tx_worker(dsn: str, worker: int, start_at: float, seconds: float) -> int:
    """Run the bare conditional UPDATE in its own BEGIN … COMMIT; returns the updates that took a unit."""
    done = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        _wait_until(start_at)
        deadline = time.time() + seconds
        while time.time() < deadline:
            conn.execute(b"BEGIN")
            done += conn.execute(_FLOOR_SQL, (TENANT, *HOT)).rowcount
            conn.execute(b"COMMIT")
    return done


def _load(pool: Any, worker: Any, dsn: str, processes: int, seconds: float) -> float:
    start_at = time.time() + 1.0
    tasks = [pool.apply_async(worker, (dsn, n, start_at, seconds)) for n in range(processes)]
    total = sum(task.get(timeout=seconds + 120) for task in tasks)
    return float(total / seconds)


def run(dsn: str | None = None, *, processes: int = 8, seconds: float = 5.0) -> dict[str, Any]:
    """Measure the hot-SKU reservation rate through the adapter and the raw conditional-UPDATE floor.

    Args:
        dsn: a database to use (its ``bench`` tenant is overwritten); a throwaway cluster is started when
            ``None``.
        processes: worker processes per load.
        seconds: duration of each load.

    Returns:
        ``pg_hot_per_s``, ``pg_floor_per_s``, ``pg_hot_vs_floor``, ``pg_floor_tx_per_s``,
        ``pg_hot_vs_floor_tx`` and the settings; or ``pg_skipped`` with a reason when no server binaries are found.
    """
    if dsn is None:
        bindir = find_server_binaries()
        if bindir is None:
            return {"pg_skipped": "PostgreSQL server binaries not found"}
        with throwaway_cluster(bindir) as cluster:
            return run(cluster.dsn, processes=processes, seconds=seconds)
    with PostgresDatabase(dsn) as db, PostgresUnitOfWork(db, TENANT) as uow:
        uow.inventory.receive(*HOT, 10**12)
        uow.commit()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        floor = _load(pool, _floor_worker, dsn, processes, seconds)
        hot = _load(pool, _adapter_worker, dsn, processes, seconds)
        floor_tx = _load(pool, _floor_tx_worker, dsn, processes, seconds)
    with psycopg.connect(dsn) as conn:
        version = conn.execute("SHOW server_version").fetchone()
    return {
        "pg_hot_per_s": round(hot, 1),
        "pg_floor_per_s": round(floor, 1),
        "pg_floor_tx_per_s": round(floor_tx, 1),
        "pg_hot_vs_floor": round(hot / floor, 3) if floor else None,
        "pg_hot_vs_floor_tx": round(hot / floor_tx, 3) if floor_tx else None,
        "pg_target_hot_vs_floor": 0.5,
        "pg_processes": processes,
        "pg_seconds": seconds,
        "pg_server_version": version[0] if version else None,
    }


def main() -> None:
    """Run :func:`run` on a throwaway cluster and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dsn", default=None, help="use this database instead of a throwaway cluster")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(json.dumps(run(args.dsn, processes=args.processes, seconds=args.seconds), indent=2))


if __name__ == "__main__":
    main()
