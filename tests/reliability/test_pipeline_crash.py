"""ORD-CRASH-INGEST through the whole pipeline on SQLite: a worker taking in platform orders and routing them is
killed with SIGKILL at a random moment, 200 times; each time a restarted worker redelivers the whole batch.

A run: a batch of 20–40 platform orders, delivered 1–3 times each in shuffled order (some newer revisions
first, some cancellations), goes to a worker that acknowledges each delivery once intake returned (an fsynced
line) and runs the pipeline — review → merge → routing with reservation → release — every few deliveries. The
parent kills it after a random delay drawn over the time the batch takes, then, before anything else runs:

* every acknowledged delivery is stored, at its revision or a newer one (acknowledged orders lost: 0);
* nothing is half-written (orphan rows: 0), checked with SQL straight against the file: reservations without
  their order or their open shipment, orders without lines, shipments without their order, platform orders
  missing from the reference index (a redelivery would store them twice), reserved counters that differ from
  the reservation rows, allocated or released orders without shipments.

Then a restarted worker redelivers the whole batch (at-least-once delivery). At the end every platform order of
every run is stored exactly once (by the audit and from the raw documents) at its newest revision, released (or
cancelled, when its last revision cancels it) by itself or in a released merge, the orphan checks still find
nothing, and the audit finds no leak, mismatch, oversell or drift. Runs go in four lanes, one database file
each, side by side (a run mostly waits for fsync). The harness is in :mod:`pipeline_workers`; the PostgreSQL
version is in ``tests/postgres/test_reliability_pg_pipeline.py``.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections import Counter
from collections.abc import Mapping
from multiprocessing.context import ForkServerContext
from pathlib import Path

import pytest
from pipeline_workers import FORKSERVER_PRELOAD, Store, assert_crash_clean, crash_test

pytestmark = pytest.mark.slow

RUNS, LANES = 200, 4

#: Each query counts rows that a committed unit of work never leaves behind. ``:after`` is the highest order id
#: stored before the run: older orders were checked after the runs that stored them.
ORPHAN_QUERIES: Mapping[str, str] = {
    "reservation_without_order": """
        SELECT COUNT(DISTINCT key) FROM reservations r WHERE r.tenant = :tenant
        AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.tenant = r.tenant AND o.id = r.key)""",
    "reservation_without_open_shipment": """
        SELECT COUNT(*) FROM reservations r WHERE r.tenant = :tenant
        AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.tenant = r.tenant AND s.id = r.ref AND s.order_id = r.key
                        AND s.status IN ('planned', 'released'))""",
    "order_without_lines": """
        SELECT COUNT(*) FROM orders WHERE tenant = :tenant AND id > :after
        AND COALESCE(json_array_length(document, '$.lines'), 0) = 0""",
    "shipment_without_order": """
        SELECT COUNT(*) FROM shipments s WHERE s.tenant = :tenant
        AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.tenant = s.tenant AND o.id = s.order_id)""",
    "platform_order_not_indexed": """
        SELECT COUNT(*) FROM orders o WHERE o.tenant = :tenant AND o.id > :after
        AND json_array_length(o.document, '$.merged_from') = 0
        AND NOT EXISTS (SELECT 1 FROM order_refs r WHERE r.tenant = o.tenant AND r.order_id = o.id
                        AND r.platform = json_extract(o.document, '$.refs[0].platform')
                        AND r.shop = json_extract(o.document, '$.refs[0].shop')
                        AND r.external_id = json_extract(o.document, '$.refs[0].external_id'))""",
    "reserved_counter_drift": """
        SELECT COALESCE(SUM(ABS(s.reserved - COALESCE((SELECT SUM(r.quantity) FROM reservations r
            WHERE r.tenant = s.tenant AND r.location = s.location AND r.sku = s.sku), 0))), 0)
        FROM stock s WHERE s.tenant = :tenant""",
    "routed_order_without_shipments": """
        SELECT COUNT(*) FROM orders o WHERE o.tenant = :tenant AND o.id > :after
        AND o.status IN ('allocated', 'released')
        AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.tenant = o.tenant AND s.order_id = o.id)""",
}


def orphans(store: Store, after: str = "") -> Counter[str]:
    """Orphan rows of each kind (see :data:`ORPHAN_QUERIES`), counted with SQL straight from the file."""
    connection = sqlite3.connect(store.address)
    try:
        parameters = {"tenant": store.tenant, "after": after}
        return Counter(
            {name: connection.execute(sql, parameters).fetchone()[0] for name, sql in ORPHAN_QUERIES.items()}
        )
    finally:
        connection.close()


@pytest.fixture(scope="module")
def forkserver() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FORKSERVER_PRELOAD)
    return context


def test_workers_killed_in_intake_and_routing_lose_no_acknowledged_order_and_leave_no_orphan(
    forkserver: ForkServerContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stores = [Store("sqlite", str(tmp_path / f"lane-{lane}.db")) for lane in range(LANES)]

    outcome = crash_test("sqlite", forkserver, stores, tmp_path, RUNS, orphans)

    with capsys.disabled():
        print("\n" + "\n".join(outcome.lines))
    assert_crash_clean(outcome)
