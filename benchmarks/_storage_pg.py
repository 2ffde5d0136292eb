"""PostgreSQL part of the storage benchmark: reservations per second on one hot SKU beside the raw floor.

Four loads run in the same session against the same throwaway cluster, interleaved over ``rounds`` rounds,
each with ``processes`` worker processes for ``seconds``; each figure is the median of its rounds:

* ``pg_hot_per_s``: every worker reserves 1 unit of the same SKU with :func:`reserve_at_once`, the adapter's
  reservation in a transaction of its own: the idempotency claim, the guarded update and the reservation line,
  committed, in one round trip.
* ``pg_hot_uow_per_s``: the same through a unit of work (``PostgresUnitOfWork`` → ``inventory.reserve`` →
  ``commit``), as an application that changes more in the same transaction does it.
* ``pg_floor_per_s``: every worker runs the bare conditional ``UPDATE … SET reserved = reserved + 1 WHERE
  on_hand - reserved - safety >= 1`` on the same row in autocommit mode: the fastest correct way to take one
  unit, with nothing recorded about who took it.

For context it also reports ``pg_floor_tx_per_s``: the same UPDATE inside ``BEGIN … COMMIT``, the floor of
any unit of work that commits in a separate call (as the port's ``commit()`` does): three round trips
instead of one, with the row lock held across the client's turn; ``pg_hot_uow_per_s`` compares with it.

The target is ``pg_hot_per_s ≥ 0.5 × pg_floor_per_s``. Run it with ``python benchmarks/_storage_pg.py``
(prints JSON), or call :func:`run` from the storage benchmark.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import time
from typing import Any

import psycopg

from omscore.adapters.postgres import PostgresDatabase, PostgresUnitOfWork, reserve_at_once
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


def _at_once_worker(dsn: str, worker: int, start_at: float, seconds: float) -> int:
    """Reserve 1 unit per :func:`reserve_at_once` call from ``start_at`` for ``seconds``; returns the count."""
    done = 0
    with PostgresDatabase(dsn, pool_size=1) as db:
        line = [ReservationLine(*HOT, 1, "s")]
        _wait_until(start_at)
        deadline = time.time() + seconds
        while time.time() < deadline:
            done += reserve_at_once(db, TENANT, f"a{worker}-{done}", line).ok
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


def run(dsn: str | None = None, *, processes: int = 8, seconds: float = 3.0, rounds: int = 3) -> dict[str, Any]:
    """Measure the hot-SKU reservation rate through the adapter and the raw conditional-UPDATE floor.

    Args:
        dsn: a database to use (its ``bench`` tenant is overwritten); a throwaway cluster is started when
            ``None``.
        processes: worker processes per load.
        seconds: duration of each load.
        rounds: how often the four loads run, interleaved; each figure is the median over the rounds.

    Returns:
        ``pg_hot_per_s``, ``pg_floor_per_s``, ``pg_hot_vs_floor``, ``pg_hot_uow_per_s``, ``pg_floor_tx_per_s``,
        ``pg_hot_uow_vs_floor_tx`` and the settings; or ``pg_skipped`` with a reason when no server binaries are found.
    """
    if dsn is None:
        bindir = find_server_binaries()
        if bindir is None:
            return {"pg_skipped": "PostgreSQL server binaries not found"}
        with throwaway_cluster(bindir) as cluster:
            return run(cluster.dsn, processes=processes, seconds=seconds, rounds=rounds)
    with PostgresDatabase(dsn) as db, PostgresUnitOfWork(db, TENANT) as uow:
        uow.inventory.receive(*HOT, 10**12)
        uow.commit()
    loads = {"floor": _floor_worker, "hot": _at_once_worker, "hot_uow": _adapter_worker, "floor_tx": _floor_tx_worker}
    samples: dict[str, list[float]] = {name: [] for name in loads}
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        for _ in range(rounds):  # interleaved, so that drifting machine load touches every figure alike
            for name, worker in loads.items():
                samples[name].append(_load(pool, worker, dsn, processes, seconds))
    floor, hot, hot_uow, floor_tx = (statistics.median(samples[name]) for name in loads)
    with psycopg.connect(dsn) as conn:
        version = conn.execute("SHOW server_version").fetchone()
    return {
        "pg_hot_per_s": round(hot, 1),
        "pg_floor_per_s": round(floor, 1),
        "pg_floor_tx_per_s": round(floor_tx, 1),
        "pg_hot_vs_floor": round(hot / floor, 3) if floor else None,
        "pg_hot_uow_per_s": round(hot_uow, 1),
        "pg_hot_uow_vs_floor_tx": round(hot_uow / floor_tx, 3) if floor_tx else None,
        "pg_target_hot_vs_floor": 0.5,
        "pg_processes": processes,
        "pg_seconds": seconds,
        "pg_rounds": rounds,
        "pg_server_version": version[0] if version else None,
    }


def main() -> None:
    """Run :func:`run` on a throwaway cluster and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dsn", default=None, help="use this database instead of a throwaway cluster")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run(args.dsn, processes=args.processes, seconds=args.seconds, rounds=args.rounds), indent=2))


if __name__ == "__main__":
    main()
