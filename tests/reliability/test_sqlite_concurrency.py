"""Reliability of the SQLite adapter under several processes sharing one database file.

Each test starts worker processes (``forkserver``), lets them race on one file, then checks the stored state
against what every worker was told, and prints its figures:

* INV-RACE-1SKU: 16 processes × 50 reserve attempts of 1–3 units (and of 1 unit) on one SKU with 100 on hand.
* INV-RACE-MULTILINE: multi-line orders over 10 SKUs in 3 locations, lines in random order, with concurrent
  cancels and goods receipts.
* OCC-STALE-WRITE and OCC-CONTENTION: a stale save is refused; load → mutate → save loops from several
  processes on one order lose no acknowledged mutation.
* OUTBOX-GAP: 16 writers × 500 events while a relay tails the outbox.

No worker retries anything: an attempt that raises counts as "without a definite outcome".
"""

from __future__ import annotations

import itertools
import multiprocessing
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from omscore.adapters.relay import OutboxRelay
from omscore.adapters.sqlite import SqliteDatabase, SqliteUnitOfWork, sqlite_unit_of_work_factory
from omscore.domain import events as ev
from omscore.domain.address import Address, Recipient
from omscore.domain.errors import ConcurrencyConflict, OmsError
from omscore.domain.identity import LocationId, OrderId, SkuCode
from omscore.domain.inventory import ReservationLine
from omscore.ports.outbox import OutboxRecord
from omscore.testing.samples import sample_order

pytestmark = pytest.mark.slow

#: Imported once by the fork server, so that a worker only runs this module's own body when it starts. (This
#: module itself cannot be preloaded: the fork server does not see the ``sys.path`` entry pytest adds for it.)
PRELOAD = ["pytest", "omscore.testing.samples", "omscore.adapters.sqlite", "omscore.adapters.relay"]

WH, HOT = LocationId("WH-1"), SkuCode("HOT")
LOCATIONS = [LocationId(f"L{index}") for index in range(3)]
SKUS = [SkuCode(f"K{index:02d}") for index in range(10)]


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessPoolExecutor]:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(16, mp_context=context) as executor:
        for future in [executor.submit(warm_up) for _ in range(16)]:
            future.result(timeout=60)
        yield executor


def warm_up() -> None:
    """Start every pool process (and import this module in it) before any test measures anything."""
    time.sleep(0.3)


def _run(pool: ProcessPoolExecutor, worker: Callable[..., Any], *arguments: tuple[Any, ...]) -> list[Any]:
    """Run ``worker(*args, start_at)`` once per argument tuple; all start at the same moment."""
    start_at = time.time() + 0.5
    futures = [pool.submit(worker, *args, start_at) for args in arguments]
    return [future.result(timeout=120) for future in futures]


def _wait(start_at: float) -> None:
    time.sleep(max(0.0, start_at - time.time()))


def _stock_and_lines(db: SqliteDatabase) -> tuple[dict[tuple[str, str], tuple[int, int, int]], dict[str, list[Any]]]:
    connection = db.acquire()
    try:
        stock = {
            (row[0], row[1]): (row[2], row[3], row[4])
            for row in connection.execute("SELECT location, sku, on_hand, reserved, safety FROM stock")
        }
        lines: dict[str, list[Any]] = {}
        for key, location, sku, ref, quantity in connection.execute(
            "SELECT key, location, sku, ref, quantity FROM reservations ORDER BY key, line"
        ):
            lines.setdefault(key, []).append((location, sku, quantity, ref))
    finally:
        db.release(connection)
    return stock, lines


def _sum_lines(lines: dict[str, list[Any]]) -> Counter[tuple[str, str]]:
    held: Counter[tuple[str, str]] = Counter()
    for rows in lines.values():
        for location, sku, quantity, _ in rows:
            held[(location, sku)] += quantity
    return held


# --- INV-RACE-1SKU --------------------------------------------------------------------------------------------


def hot_sku_worker(path: str, worker: int, attempts: int, max_quantity: int, start_at: float) -> dict[str, Any]:
    db = SqliteDatabase(path)
    factory = sqlite_unit_of_work_factory(db)
    rng = random.Random(worker)
    ok: list[tuple[str, int]] = []
    short: list[str] = []
    undetermined: list[str] = []
    _wait(start_at)
    for attempt in range(attempts):
        key, quantity = f"W{worker}-{attempt}", rng.randint(1, max_quantity)
        try:
            with factory() as uow:
                outcome = uow.inventory.reserve(key, [ReservationLine(WH, HOT, quantity, "S1")])
                uow.commit()
        except OmsError as error:
            undetermined.append(f"{type(error).__name__}: {error}")
            continue
        if outcome.ok:
            ok.append((key, quantity))
        else:
            short.append(key)
    db.close()
    return {"ok": ok, "short": short, "undetermined": undetermined}


@pytest.mark.parametrize("max_quantity", [1, 3], ids=["1-unit", "1-3-units"])
def test_one_hot_sku_is_never_oversold_and_every_attempt_has_an_outcome(
    pool: ProcessPoolExecutor, tmp_path: Path, max_quantity: int
) -> None:
    workers, attempts, on_hand = 16, 50, 100
    path = str(tmp_path / "hot.db")
    with SqliteDatabase(path) as db, SqliteUnitOfWork(db) as uow:
        uow.inventory.receive(WH, HOT, on_hand)
        uow.commit()

    started = time.perf_counter()
    results = _run(pool, hot_sku_worker, *[(path, worker, attempts, max_quantity) for worker in range(workers)])
    elapsed = time.perf_counter() - started

    with SqliteDatabase(path) as db:
        stock, lines = _stock_and_lines(db)
    acknowledged = {key: quantity for result in results for key, quantity in result["ok"]}
    stored = {key: sum(row[2] for row in rows) for key, rows in lines.items()}
    stored_on_hand, reserved, safety = stock[(WH, HOT)]
    units = sum(stored.values())
    oversold = max(0, units - on_hand, reserved - (stored_on_hand - safety))
    lost_updates = (
        abs(reserved - units)
        + sum(1 for key, quantity in acknowledged.items() if stored.get(key) != quantity)
        + sum(1 for key in stored if key not in acknowledged)
    )
    undetermined = [text for result in results for text in result["undetermined"]]
    shorts = sum(len(result["short"]) for result in results)
    print(
        f"\n[INV-RACE-1SKU sqlite, qty 1-{max_quantity}] processes={workers} attempts={workers * attempts}"
        f" reserved_ok={len(acknowledged)} short={shorts} units_reserved={units}/{on_hand} oversold={oversold}"
        f" lost_updates={lost_updates} undetermined={len(undetermined)} wall={elapsed:.2f}s"
    )

    assert undetermined == []
    assert oversold == 0
    assert lost_updates == 0
    assert len(acknowledged) + shorts == workers * attempts
    if max_quantity == 1:
        assert units == on_hand


# --- INV-RACE-MULTILINE ---------------------------------------------------------------------------------------


def multiline_worker(path: str, worker: int, operations: int, start_at: float) -> dict[str, Any]:
    db = SqliteDatabase(path)
    factory = sqlite_unit_of_work_factory(db)
    rng = random.Random(1000 + worker)
    placed: dict[str, list[tuple[str, str, int, str]]] = {}
    short: list[str] = []
    held: list[str] = []
    cancelled: dict[str, int] = {}
    receipts: list[tuple[str, str, int]] = []
    errors: list[str] = []
    _wait(start_at)
    for number in range(operations):
        roll = rng.random()
        try:
            if roll < 0.7 or not held:
                key = f"W{worker}-{number}"
                lines = [
                    ReservationLine(rng.choice(LOCATIONS), rng.choice(SKUS), rng.randint(1, 3), f"S{rng.randint(1, 2)}")
                    for _ in range(rng.randint(1, 5))
                ]
                rng.shuffle(lines)
                with factory() as uow:
                    outcome = uow.inventory.reserve(key, lines)
                    uow.commit()
                placed[key] = [(line.location, line.sku, line.quantity, line.ref) for line in lines]
                (held if outcome.ok else short).append(key)
            elif roll < 0.9:
                key = held.pop(rng.randrange(len(held)))
                with factory() as uow:
                    units = uow.inventory.release(key)
                    uow.commit()
                cancelled[key] = units
            else:
                location, sku, quantity = rng.choice(LOCATIONS), rng.choice(SKUS), rng.randint(1, 5)
                with factory() as uow:
                    uow.inventory.receive(location, sku, quantity)
                    uow.commit()
                receipts.append((location, sku, quantity))
        except OmsError as error:
            errors.append(f"{type(error).__name__}: {error}")
    db.close()
    return {
        "placed": placed,
        "short": short,
        "held": held,
        "cancelled": cancelled,
        "receipts": receipts,
        "errors": errors,
    }


def test_multi_line_orders_with_cancels_and_receipts_stay_all_or_nothing(
    pool: ProcessPoolExecutor, tmp_path: Path
) -> None:
    workers, operations = 12, 60
    path = str(tmp_path / "multi.db")
    rng = random.Random(7)
    initial = {(location, sku): rng.randint(5, 25) for location in LOCATIONS for sku in SKUS}
    with SqliteDatabase(path) as db, SqliteUnitOfWork(db) as uow:
        for (location, sku), quantity in initial.items():
            uow.inventory.receive(location, sku, quantity)
            uow.inventory.set_safety(location, sku, quantity % 3)
        uow.commit()

    started = time.perf_counter()
    results = _run(pool, multiline_worker, *[(path, worker, operations) for worker in range(workers)])
    elapsed = time.perf_counter() - started

    with SqliteDatabase(path) as db:
        stock, lines = _stock_and_lines(db)
    held_units = _sum_lines(lines)
    oversold = sum(max(0, reserved - (on_hand - safety)) for on_hand, reserved, safety in stock.values())
    lost_updates = sum(abs(reserved - held_units[key]) for key, (_, reserved, _) in stock.items())
    received: Counter[tuple[str, str]] = Counter(initial)
    for result in results:
        for location, sku, quantity in result["receipts"]:
            received[(location, sku)] += quantity
    lost_receipts = sum(abs(stock[key][0] - received[key]) for key in received)
    partial = 0
    placed = {key: rows for result in results for key, rows in result["placed"].items()}
    for result in results:
        for key in result["held"]:
            expected = sorted((location, sku, quantity, ref) for location, sku, quantity, ref in placed[key])
            partial += sorted(tuple(row) for row in lines.get(key, [])) != expected
        partial += sum(1 for key in result["short"] if key in lines)
        partial += sum(1 for key in result["cancelled"] if key in lines)
        partial += sum(1 for key, units in result["cancelled"].items() if units != sum(row[2] for row in placed[key]))
    unexpected = set(lines) - {key for result in results for key in result["held"]}
    errors = [text for result in results for text in result["errors"]]
    reserves = sum(len(result["placed"]) for result in results)
    print(
        f"\n[INV-RACE-MULTILINE sqlite] processes={workers} reserves={reserves}"
        f" ok={sum(len(r['held']) + len(r['cancelled']) for r in results)}"
        f" short={sum(len(r['short']) for r in results)} cancels={sum(len(r['cancelled']) for r in results)}"
        f" receipts={sum(len(r['receipts']) for r in results)} oversold={oversold} lost_updates={lost_updates}"
        f" lost_receipts={lost_receipts} partial_reservations={partial + len(unexpected)}"
        f" deadlocks_or_errors_seen_by_callers={len(errors)} wall={elapsed:.2f}s"
    )

    assert errors == []
    assert oversold == 0
    assert lost_updates == 0
    assert lost_receipts == 0
    assert partial == 0
    assert unexpected == set()


# --- OCC ------------------------------------------------------------------------------------------------------


def _recipient(name: str) -> Recipient:
    return Recipient(name, "13800138000", Address("CN", "Zhejiang", "Hangzhou", "Xihu", "1 Lake Road"))


def occ_worker(path: str, worker: int, mutations: int, start_at: float) -> dict[str, Any]:
    db = SqliteDatabase(path)
    factory = sqlite_unit_of_work_factory(db)
    rng = random.Random(3000 + worker)
    acknowledged: list[str] = []
    conflicts = 0
    errors: list[str] = []
    _wait(start_at)
    for number in range(mutations):
        name = f"w{worker}-{number}"
        while True:
            try:
                with factory() as uow:
                    order = uow.orders.get(OrderId("O1"))
                assert order is not None
                order.change_recipient(_recipient(name))
                time.sleep(rng.random() * 0.002)  # the command's own work, between load and save
                with factory() as uow:
                    uow.orders.save(order)
                    uow.commit()
            except ConcurrencyConflict:
                conflicts += 1
                continue
            except OmsError as error:
                errors.append(f"{type(error).__name__}: {error}")
                break
            acknowledged.append(_recipient(name).fingerprint())
            break
    db.close()
    return {"acknowledged": acknowledged, "conflicts": conflicts, "errors": errors}


def test_a_stale_write_is_refused_with_a_typed_error(tmp_path: Path) -> None:
    with SqliteDatabase(tmp_path / "stale.db") as db:
        factory = sqlite_unit_of_work_factory(db)
        with factory() as uow:
            uow.orders.add(sample_order("O1"))
            uow.commit()
        with factory() as uow:
            first, second = uow.orders.get(OrderId("O1")), uow.orders.get(OrderId("O1"))
        assert first is not None
        assert second is not None
        first.approve("first writer")
        with factory() as uow:
            uow.orders.save(first)
            uow.commit()
        second.cancel("second writer")
        with factory() as uow, pytest.raises(ConcurrencyConflict) as conflict:
            uow.orders.save(second)
        with factory() as uow:
            stored = uow.orders.get(OrderId("O1"))
        assert stored is not None
        accepted = int(stored.status.value == "cancelled")
        print(f"\n[OCC-STALE-WRITE sqlite] stale_writes_accepted={accepted}")
        assert accepted == 0
        assert (conflict.value.expected_version, conflict.value.actual_version) == (1, 2)


def test_concurrent_load_mutate_save_loops_lose_no_acknowledged_mutation(
    pool: ProcessPoolExecutor, tmp_path: Path
) -> None:
    workers, mutations = 8, 25
    path = str(tmp_path / "occ.db")
    with SqliteDatabase(path) as db, SqliteUnitOfWork(db) as uow:
        uow.orders.add(sample_order("O1"))
        uow.commit()

    started = time.perf_counter()
    results = _run(pool, occ_worker, *[(path, worker, mutations) for worker in range(workers)])
    elapsed = time.perf_counter() - started

    with SqliteDatabase(path) as db, SqliteUnitOfWork(db) as uow:
        order = uow.orders.get(OrderId("O1"))
        changes = [
            r.payload["fingerprint"] for r in uow.outbox.undelivered(10_000) if r.name == "order.address_changed"
        ]
    assert order is not None
    acknowledged = [fingerprint for result in results for fingerprint in result["acknowledged"]]
    errors = [text for result in results for text in result["errors"]]
    lost = len(set(acknowledged) - set(changes))
    duplicated = len(changes) - len(set(changes))
    version_gap = (order.version - 1) - len(acknowledged)
    print(
        f"\n[OCC-CONTENTION sqlite] processes={workers} acknowledged={len(acknowledged)}"
        f" conflicts_retried={sum(r['conflicts'] for r in results)} lost_mutations={lost}"
        f" duplicated_mutations={duplicated} final_version={order.version} version_gap={version_gap}"
        f" errors={len(errors)} wall={elapsed:.2f}s"
    )

    assert errors == []
    assert len(acknowledged) == workers * mutations
    assert lost == 0
    assert duplicated == 0
    assert version_gap == 0
    assert order.recipient.fingerprint() == changes[-1]


# --- OUTBOX-GAP -----------------------------------------------------------------------------------------------


def outbox_writer(path: str, worker: int, events: int, start_at: float) -> dict[str, Any]:
    db = SqliteDatabase(path)
    factory = sqlite_unit_of_work_factory(db)
    rng = random.Random(2000 + worker)
    committed = 0
    errors: list[str] = []
    _wait(start_at)
    while committed < events:
        batch = min(events - committed, rng.randint(1, 5))
        try:
            with factory() as uow:
                uow.outbox.append(
                    [ev.OrderReleased(f"W{worker:02d}-{committed + offset:04d}") for offset in range(batch)]
                )
                uow.commit()
        except OmsError as error:
            errors.append(f"{type(error).__name__}: {error}")
            continue
        committed += batch
    db.close()
    return {"committed": committed, "errors": errors}


def test_a_tailing_relay_delivers_every_event_once_in_commit_order(pool: ProcessPoolExecutor, tmp_path: Path) -> None:
    writers, events = 16, 500
    path = str(tmp_path / "outbox.db")
    db = SqliteDatabase(path)
    delivered: list[OutboxRecord] = []
    relay = OutboxRelay(sqlite_unit_of_work_factory(db), delivered.append, batch_size=200)
    stop = threading.Event()
    rounds: list[int] = []
    tail = threading.Thread(target=lambda: rounds.append(relay.run(stop, idle_seconds=0.005)))
    tail.start()

    started = time.perf_counter()
    try:
        results = _run(pool, outbox_writer, *[(path, worker, events) for worker in range(writers)])
    finally:
        stop.set()
        tail.join()
    elapsed = time.perf_counter() - started

    with SqliteUnitOfWork(db) as uow:
        undelivered_now = uow.outbox.undelivered(10_000)
    connection = db.acquire()
    committed_ids = [row[0] for row in connection.execute("SELECT id FROM outbox ORDER BY id")]
    db.release(connection)
    db.close()
    ids = [record.id for record in delivered]
    counts = Counter(ids)
    undelivered = len(set(committed_ids) - set(ids))
    twice = sum(1 for count in counts.values() if count > 1)
    out_of_order = sum(1 for earlier, later in itertools.pairwise(ids) if later <= earlier)
    per_writer: dict[str, list[str]] = {}
    for record in delivered:
        writer, sequence = record.payload["order_id"].split("-")
        per_writer.setdefault(writer, []).append(sequence)
    writer_order_broken = sum(1 for sequences in per_writer.values() if sequences != sorted(sequences))
    errors = [text for result in results for text in result["errors"]]
    print(
        f"\n[OUTBOX-GAP sqlite] writers={writers} events_committed={len(committed_ids)} delivered={len(ids)}"
        f" undelivered={undelivered} delivered_twice={twice} out_of_commit_order={out_of_order}"
        f" writer_order_broken={writer_order_broken} writer_errors={len(errors)} wall={elapsed:.2f}s"
    )

    assert errors == []
    assert len(committed_ids) == writers * events
    assert undelivered == 0
    assert undelivered_now == []
    assert twice == 0
    assert out_of_order == 0
    assert writer_order_broken == 0
    assert rounds == [len(ids)]
