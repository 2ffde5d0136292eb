"""OUTBOX-GAP on PostgreSQL: a row committed late with a lower id is still delivered, and nothing twice.

First the deterministic demonstration (T1 takes a lower id and commits after T2, with a relay poll between),
then 16 writer processes × 500 events while a relay tails the outbox. Figures are printed.
"""

from __future__ import annotations

import time
from multiprocessing.pool import Pool

import psycopg
import pytest
from psycopg.types.json import Jsonb

from omscore.adapters.postgres import PostgresDatabase, PostgresUnitOfWork
from omscore.domain.events import OrderApproved
from omscore.domain.identity import OrderId

from .pg_workers import outbox_writer

pytestmark = pytest.mark.postgres

WRITERS, EVENTS = 16, 500


def _event(name: str) -> OrderApproved:
    return OrderApproved(OrderId(name), "gap-test")


def test_a_lower_id_committed_after_a_higher_one_is_still_delivered(
    pg_database: PostgresDatabase, fresh_dsn: str
) -> None:
    delivered: list[int] = []
    with psycopg.connect(fresh_dsn) as early:
        early.execute(
            "INSERT INTO omscore.outbox (tenant, name, payload) VALUES ('default', 'order.approved', %s)",
            (Jsonb({"order_id": "first-taken", "reason": "gap-test"}),),
        )
        with PostgresUnitOfWork(pg_database) as late:
            late.outbox.append([_event("second-taken")])
            late.commit()
        with PostgresUnitOfWork(pg_database) as relay:
            batch = relay.outbox.undelivered()
            relay.outbox.mark_delivered([r.id for r in batch])
            relay.commit()
        delivered += [r.id for r in batch]
        early.commit()
    with PostgresUnitOfWork(pg_database) as relay:
        batch = relay.outbox.undelivered()
        relay.outbox.mark_delivered([r.id for r in batch])
        relay.commit()
    delivered += [r.id for r in batch]

    print(f"\n[PG outbox late commit] delivery order by id: {delivered}")
    assert len(delivered) == 2
    assert delivered[1] < delivered[0]


def test_concurrent_writers_while_a_relay_tails_leave_nothing_undelivered_or_delivered_twice(
    worker_pool: Pool, fresh_dsn: str
) -> None:
    tenant = "gap"
    delivered: dict[int, str] = {}
    twice = polls = late = 0
    with PostgresDatabase(fresh_dsn) as db:
        tasks = [worker_pool.apply_async(outbox_writer, (fresh_dsn, tenant, w, EVENTS)) for w in range(WRITERS)]
        started = time.monotonic()
        while True:
            writers_done = all(task.ready() for task in tasks)
            with PostgresUnitOfWork(db, tenant) as relay:
                batch = relay.outbox.undelivered(limit=200)
                highest = max(delivered, default=0)
                late += sum(1 for record in batch if record.id < highest)
                for record in batch:
                    if record.id in delivered:
                        twice += 1
                    delivered[record.id] = record.payload["order_id"]
                relay.outbox.mark_delivered([r.id for r in batch])
                relay.commit()
            polls += 1
            if writers_done and not batch:
                break
            if not batch:
                time.sleep(0.005)
        elapsed = time.monotonic() - started
        results = [task.get() for task in tasks]
        with PostgresUnitOfWork(db, tenant) as check:
            left = check.outbox.undelivered(limit=1000)

    committed = {name for result in results for name in result["committed"]}
    errors = [text for result in results for text in result["errors"]]
    delivered_names = set(delivered.values())
    undelivered = len(committed - delivered_names)
    phantom = len(delivered_names - committed)
    print(
        f"\n[PG outbox gap] writers={WRITERS} events_committed={len(committed)} delivered={len(delivered)}"
        f" undelivered={undelivered} delivered_twice_after_marking={twice} phantom={phantom}"
        f" delivered_after_a_higher_id={late}"
        f" left_after_relay={len(left)} writer_errors={len(errors)} relay_polls={polls} seconds={elapsed:.1f}"
    )

    assert errors == []
    assert len(committed) == WRITERS * EVENTS
    assert undelivered == 0
    assert twice == 0
    assert phantom == 0
    assert left == []
