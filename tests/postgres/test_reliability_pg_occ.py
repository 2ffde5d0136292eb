"""OCC-STALE-WRITE and OCC-CONTENTION on PostgreSQL.

A stale save is rejected with :class:`ConcurrencyConflict`; 8 processes looping load → mutate → save on one
order for a few seconds lose no acknowledged mutation: every acknowledged mutation's event is in the outbox
exactly once, no unacknowledged one is, and the final version counts them all. Figures are printed.
"""

from __future__ import annotations

from collections import Counter
from multiprocessing.pool import Pool

import pytest

from omscore.adapters.postgres import Isolation, PostgresDatabase, PostgresUnitOfWork
from omscore.domain.errors import ConcurrencyConflict
from omscore.domain.holds import Hold, HoldKind
from omscore.domain.identity import OrderId
from omscore.testing.samples import sample_order

from .pg_workers import occ_worker

pytestmark = pytest.mark.postgres

WORKERS, SECONDS = 8, 4.0


@pytest.mark.parametrize("isolation", ["read committed", "repeatable read"])
def test_a_stale_save_is_rejected_with_a_typed_error(fresh_dsn: str, isolation: Isolation) -> None:
    with PostgresDatabase(fresh_dsn, isolation=isolation) as db:
        with PostgresUnitOfWork(db) as uow:
            uow.orders.add(sample_order("O1"))
            uow.commit()

        with PostgresUnitOfWork(db) as slow, PostgresUnitOfWork(db) as fast:
            stale = slow.orders.get(OrderId("O1"))
            fresh = fast.orders.get(OrderId("O1"))
            assert stale is not None
            assert fresh is not None
            fresh.hold(Hold(HoldKind.MANUAL, "first"))
            fast.orders.save(fresh)
            fast.commit()
            stale.hold(Hold(HoldKind.RISK, "second"))
            with pytest.raises(ConcurrencyConflict) as caught:
                slow.orders.save(stale)

        with PostgresUnitOfWork(db) as uow:
            stored = uow.orders.get(OrderId("O1"))

    print(f"\n[PG stale write, {isolation}] rejected with {caught.value!r}")
    assert (caught.value.expected_version, caught.value.actual_version) == (1, 2)
    assert stored is not None
    assert stored.version == 2
    assert [hold.detail for hold in stored.holds] == ["first"]


@pytest.mark.parametrize("isolation", ["read committed", "repeatable read"])
def test_concurrent_load_mutate_save_loops_lose_no_acknowledged_mutation(
    worker_pool: Pool, fresh_dsn: str, isolation: Isolation
) -> None:
    tenant = "occ"
    with PostgresDatabase(fresh_dsn) as db, PostgresUnitOfWork(db, tenant) as uow:
        uow.orders.add(sample_order("O1"))
        uow.commit()

    tasks = [worker_pool.apply_async(occ_worker, (fresh_dsn, tenant, isolation, w, SECONDS)) for w in range(WORKERS)]
    results = [task.get(timeout=120) for task in tasks]

    acknowledged = [token for result in results for token in result["acknowledged"]]
    other = [text for result in results for text in result["other"]]
    with PostgresDatabase(fresh_dsn) as db, PostgresUnitOfWork(db, tenant) as uow:
        order = uow.orders.get(OrderId("O1"))
        held: Counter[str] = Counter()
        while batch := uow.outbox.undelivered(limit=1000):
            held.update(r.payload["detail"] for r in batch if r.name == "order.held")
            uow.outbox.mark_delivered([r.id for r in batch])
    assert order is not None

    lost = sum(1 for token in acknowledged if held[token] == 0)
    duplicated = sum(count - 1 for count in held.values() if count > 1)
    phantom = sum(1 for token in held if token not in set(acknowledged))
    conflicts = sum(result["conflicts"] for result in results)
    transient = sum(result["transient"] for result in results)
    print(
        f"\n[PG load-mutate-save, {isolation}] processes={WORKERS} seconds={SECONDS} acknowledged={len(acknowledged)}"
        f" lost={lost} duplicated={duplicated} phantom={phantom} final_version={order.version}"
        f" conflicts_retried={conflicts} transient_retried={transient} other_errors={len(other)}"
    )

    assert other == []
    assert acknowledged
    assert lost == duplicated == phantom == 0
    assert order.version == 1 + len(acknowledged)
