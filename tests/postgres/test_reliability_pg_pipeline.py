"""The pipeline-level reliability tests on PostgreSQL (READ COMMITTED), with the harness of
``tests/reliability/pipeline_workers.py``.

* ORD-REDELIVERY-STORM: the storm of ``tests/reliability/test_pipeline_storm.py`` — 500 platform orders, each
  delivered 1–10 times, shuffled, some newer revisions first, some cancelled — by 8 processes of the session's
  worker pool, each with its own connections and the database's id sequence. Unlike SQLite, PostgreSQL runs the
  workers' units of work at the same time, so two deliveries of a new order really race to create it (the unique
  reference index refuses one, and the application retries it), and merges race with the routing of their
  partners; the figures include those retries.
* ORD-CRASH-INGEST: the crash test of ``tests/reliability/test_pipeline_crash.py`` with fewer runs (60, to keep
  this folder's time in bounds): a worker killed with SIGKILL leaves its transaction open on the server, which
  rolls it back when the connection drops. Orphan rows are counted with SQL straight against the database.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from collections.abc import Mapping
from multiprocessing.context import ForkServerContext
from multiprocessing.pool import Pool
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest

if TYPE_CHECKING:
    import pipeline_workers as workers
else:  # tests/reliability is not a package; from here (``tests`` is on the path) it is a namespace package
    from reliability import pipeline_workers as workers

pytestmark = pytest.mark.postgres

ORDERS, WORKERS, SEED = 500, 8, 20261111
CRASH_RUNS, CRASH_LANES = 60, 2


def test_a_redelivery_storm_stores_every_platform_order_once_at_its_newest_revision(
    worker_pool: Pool, fresh_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = workers.Store("postgres", fresh_dsn)
    workers.load_merchant(store)
    plan = workers.plan_deliveries(range(ORDERS), random.Random(SEED), max_deliveries=10)

    reports, elapsed = workers.run_storm(worker_pool, store, plan, WORKERS)
    with workers.pipeline(store) as oms:
        oms.process(release=False)
        figures = workers.check_storm(oms, plan, workers.stored_order_documents(store))

    with capsys.disabled():
        print(f"\n{workers.storm_line('postgres', plan, reports, figures, elapsed)}")
    workers.assert_storm_clean(plan, reports, figures)


#: The orphan checks of ``tests/reliability/test_pipeline_crash.py`` in PostgreSQL's schema.
ORPHAN_QUERIES: Mapping[str, str] = {
    "reservation_without_order": """
        SELECT COUNT(DISTINCT key) FROM omscore.reservation_lines r WHERE r.tenant = %(tenant)s
        AND NOT EXISTS (SELECT 1 FROM omscore.orders o WHERE o.tenant = r.tenant AND o.id = r.key)""",
    "reservation_without_open_shipment": """
        SELECT COUNT(*) FROM omscore.reservation_lines r WHERE r.tenant = %(tenant)s
        AND NOT EXISTS (SELECT 1 FROM omscore.shipments s WHERE s.tenant = r.tenant AND s.id = r.ref
                        AND s.order_id = r.key AND s.document->>'status' IN ('planned', 'released'))""",
    "order_without_lines": """
        SELECT COUNT(*) FROM omscore.orders WHERE tenant = %(tenant)s AND id > %(after)s
        AND COALESCE(jsonb_array_length(document->'lines'), 0) = 0""",
    "shipment_without_order": """
        SELECT COUNT(*) FROM omscore.shipments s WHERE s.tenant = %(tenant)s
        AND NOT EXISTS (SELECT 1 FROM omscore.orders o WHERE o.tenant = s.tenant AND o.id = s.order_id)""",
    "platform_order_not_indexed": """
        SELECT COUNT(*) FROM omscore.orders o WHERE o.tenant = %(tenant)s AND o.id > %(after)s
        AND jsonb_array_length(o.document->'merged_from') = 0
        AND NOT EXISTS (SELECT 1 FROM omscore.order_refs r WHERE r.tenant = o.tenant AND r.order_id = o.id
                        AND r.platform = o.document->'refs'->0->>'platform'
                        AND r.shop = o.document->'refs'->0->>'shop'
                        AND r.external_id = o.document->'refs'->0->>'external_id')""",
    "reserved_counter_drift": """
        SELECT COALESCE(SUM(ABS(s.reserved - COALESCE((SELECT SUM(r.quantity) FROM omscore.reservation_lines r
            WHERE r.tenant = s.tenant AND r.location = s.location AND r.sku = s.sku), 0))), 0)
        FROM omscore.stock s WHERE s.tenant = %(tenant)s""",
    "routed_order_without_shipments": """
        SELECT COUNT(*) FROM omscore.orders o WHERE o.tenant = %(tenant)s AND o.id > %(after)s
        AND o.status IN ('allocated', 'released')
        AND NOT EXISTS (SELECT 1 FROM omscore.shipments s WHERE s.tenant = o.tenant AND s.order_id = o.id)""",
}


def orphans(store: workers.Store, after: str = "") -> Counter[str]:
    """Orphan rows of each kind (see :data:`ORPHAN_QUERIES`), counted with SQL straight from the database."""
    parameters = {"tenant": store.tenant, "after": after}
    counts: Counter[str] = Counter()
    with psycopg.connect(store.address) as connection:
        for name, query in ORPHAN_QUERIES.items():
            row = connection.execute(query.encode(), parameters).fetchone()
            counts[name] = int(row[0]) if row else 0
    return counts


@pytest.fixture(scope="module")
def forkserver() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(workers.FORKSERVER_PRELOAD)
    return context


def test_workers_killed_in_intake_and_routing_lose_no_acknowledged_order_and_leave_no_orphan(
    forkserver: ForkServerContext, fresh_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stores = [workers.Store("postgres", fresh_dsn, tenant=f"lane-{lane}") for lane in range(CRASH_LANES)]

    outcome = workers.crash_test("postgres", forkserver, stores, tmp_path, CRASH_RUNS, orphans)

    with capsys.disabled():
        print("\n" + "\n".join(outcome.lines))
    workers.assert_crash_clean(outcome)
