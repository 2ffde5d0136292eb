"""ORD-REDELIVERY-STORM on SQLite: 500 platform orders, each delivered 1–10 times in shuffled order, some newer
revisions first and revision 1 last, some cancelled by their last revision, by 8 worker processes sharing one
database file. Each worker takes every order it created or revised as far as the pipeline goes (review → merge →
routing with reservation), so intake races with merges and reservations of the same orders.

After the storm and one last pipeline pass, the store must hold every platform order exactly once (counted by
the audit and from the raw stored documents), each with the newest revision delivered and — since nothing is
released, every revision arrives in time to be applied — that revision's lines and shipping fee; cancelled
orders cancelled, every live order allocated (by itself or in its merge), and exactly the live orders' units
reserved. The figures are printed on the terminal whether or not output is captured.
"""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Iterator
from multiprocessing.pool import Pool
from pathlib import Path

import pytest
from pipeline_workers import (
    Store,
    assert_storm_clean,
    check_storm,
    load_merchant,
    pipeline,
    plan_deliveries,
    run_storm,
    stored_order_documents,
    storm_line,
    warm_up,
)

pytestmark = pytest.mark.slow

ORDERS, WORKERS, SEED = 500, 8, 20261111


@pytest.fixture(scope="module")
def spawned_workers() -> Iterator[Pool]:
    """8 worker processes started with ``spawn`` (and warmed up) before the storm starts its clock."""
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        pool.map(warm_up, [0.3] * WORKERS, chunksize=1)
        yield pool


def test_a_redelivery_storm_stores_every_platform_order_once_at_its_newest_revision(
    spawned_workers: Pool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store("sqlite", str(tmp_path / "storm.db"))
    load_merchant(store)
    plan = plan_deliveries(range(ORDERS), random.Random(SEED), max_deliveries=10)

    reports, elapsed = run_storm(spawned_workers, store, plan, WORKERS)
    with pipeline(store) as oms:
        oms.process(release=False)
        figures = check_storm(oms, plan, stored_order_documents(store))

    with capsys.disabled():
        print(f"\n{storm_line('sqlite', plan, reports, figures, elapsed)}")
    assert_storm_clean(plan, reports, figures)
