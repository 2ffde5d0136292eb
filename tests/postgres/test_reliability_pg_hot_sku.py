"""INV-RACE-1SKU on PostgreSQL: 16 processes × 50 reserve attempts on one SKU with 100 units on hand, at each
isolation level.

Figures (printed): oversold units, lost updates (stock counter vs reservation lines vs acknowledged
outcomes), attempts without a definite outcome, units reserved, and re-runs inside the adapter.
"""

from __future__ import annotations

from multiprocessing.pool import Pool

import psycopg
import pytest

from omscore.adapters.postgres import Isolation, PostgresDatabase, PostgresUnitOfWork

from .pg_workers import HOT, hot_sku_worker

pytestmark = pytest.mark.postgres

WORKERS, ATTEMPTS, ON_HAND = 16, 50, 100


@pytest.mark.parametrize("max_qty", [1, 3], ids=["1-unit", "1-3-units"])
@pytest.mark.parametrize(
    ("isolation", "at_once"),
    [("read committed", False), ("repeatable read", False), ("serializable", False), ("read committed", True)],
    ids=["read-committed", "repeatable-read", "serializable", "reserve-at-once"],
)
def test_one_hot_sku_is_never_oversold_and_every_attempt_has_an_outcome(
    worker_pool: Pool, fresh_dsn: str, isolation: Isolation, at_once: bool, max_qty: int
) -> None:
    tenant = "hot"
    with PostgresDatabase(fresh_dsn) as db, PostgresUnitOfWork(db, tenant) as uow:
        uow.inventory.receive(*HOT, ON_HAND)
        uow.commit()

    tasks = [
        worker_pool.apply_async(hot_sku_worker, (fresh_dsn, tenant, isolation, worker, ATTEMPTS, max_qty, at_once))
        for worker in range(WORKERS)
    ]
    results = [task.get(timeout=120) for task in tasks]

    acknowledged = {key: qty for result in results for key, qty in result["ok"]}
    with psycopg.connect(fresh_dsn) as conn:
        on_hand, reserved = conn.execute(
            "SELECT on_hand, reserved FROM omscore.stock WHERE tenant = %s", (tenant,)
        ).fetchone() or (0, 0)
        stored: dict[str, int] = dict(
            conn.execute(
                "SELECT key, sum(quantity) FROM omscore.reservation_lines WHERE tenant = %s GROUP BY key", (tenant,)
            ).fetchall()
        )
    lines_total = sum(stored.values())
    oversold = max(0, lines_total - on_hand, reserved - on_hand)
    lost_updates = (
        abs(reserved - lines_total)
        + sum(1 for key, qty in acknowledged.items() if stored.get(key) != qty)
        + sum(1 for key in stored if key not in acknowledged)
    )
    undetermined = [text for result in results for text in result["undetermined"]]
    shorts = sum(result["short"] for result in results)
    retries = sum(result["retries"] for result in results)
    path = "reserve_at_once" if at_once else isolation
    print(
        f"\n[PG hot SKU, {path}, qty 1-{max_qty}] attempts={WORKERS * ATTEMPTS} reserved_ok={len(acknowledged)}"
        f" short={shorts} units_reserved={lines_total}/{ON_HAND} oversold={oversold} lost_updates={lost_updates}"
        f" undetermined={len(undetermined)} internal_reruns={retries}"
    )

    assert undetermined == []
    assert oversold == 0
    assert lost_updates == 0
    assert len(acknowledged) + shorts == WORKERS * ATTEMPTS
    if max_qty == 1:
        assert lines_total == ON_HAND
