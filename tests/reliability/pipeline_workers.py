"""Deliveries, worker processes and final checks of the pipeline-level reliability tests.

The redelivery storm and the crash test start worker processes (``spawn``, or ``forkserver`` for the many short
crash runs), which pickle a function by its qualified name: the workers therefore live at module level here.
Each worker builds its own :func:`~omscore.bootstrap.bootstrap` over the shared database, with the database's
own id generator so that ids stay unique across processes, and recording gateways of its own.

The platform orders come from the test merchant of :mod:`merchant_world`. Revision ``r`` of order ``n`` is
always the same platform order (:func:`platform_order`), so the parent knows exactly what each delivery
carried without receiving it back from the workers.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from multiprocessing.context import ForkServerContext
from multiprocessing.pool import Pool
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, NamedTuple, Self

import attrs

from merchant_world import JD, TMALL, catalog, make_platform_order, network
from omscore.adapters.memory import RecordingChannelGateway, RecordingFulfilmentGateway
from omscore.adapters.sqlite import SqliteDatabase, SqliteIds, sqlite_unit_of_work_factory
from omscore.adapters.system import SystemClock
from omscore.app.intake import IntakeStatus
from omscore.app.pipeline import OrderManagement
from omscore.bootstrap import bootstrap
from omscore.domain import (
    Address,
    Channel,
    ExternalOrderRef,
    LocationId,
    Order,
    OrderStatus,
    Recipient,
    SkuCode,
    StockLevel,
)
from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, OmsError, TransientError
from omscore.domain.inventory import StockKey
from omscore.domain.platform_order import PlatformOrder, PlatformStatus
from omscore.ports.catalog import CatalogRepository
from omscore.ports.gift_quotas import GiftQuotas
from omscore.ports.ids import IdGenerator
from omscore.ports.inbound import InboundStock
from omscore.ports.inventory import InventoryStore
from omscore.ports.network import NetworkRepository
from omscore.ports.orders import OrderRepository
from omscore.ports.outbox import Outbox
from omscore.ports.shipments import ShipmentRepository
from omscore.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

#: Plenty of every SKU in both warehouses: every live order can be routed, so every live order ends up holding
#: a reservation, and the units reserved must equal the units of the live orders exactly.
ABUNDANT_STOCK: tuple[tuple[StockKey, int, int], ...] = tuple(
    ((LocationId(location), SkuCode(sku)), 1_000_000, 0)
    for location in ("WH-EAST", "WH-NORTH")
    for sku in ("TEA", "CUP", "POT")
)
_PRICES = {"L-TEA": 3000, "L-CUP": 1000, "L-POT": 8000}


# --- the platform orders ------------------------------------------------------------------------------------


class Delivery(NamedTuple):
    """One delivery of one revision of a platform order (a webhook call or a page of a pull)."""

    number: int
    revision: int
    cancels: bool = False
    """The revision is the platform's cancellation of the order."""


def platform_ref(number: int) -> ExternalOrderRef:
    """The platform's reference of order ``number``: shops alternate in pairs, ids are ``P<number>``."""
    return ExternalOrderRef(TMALL if number // 2 % 2 == 0 else JD, f"P{number:06d}")


def platform_order(delivery: Delivery) -> PlatformOrder:
    """Revision ``delivery.revision`` of order ``delivery.number``, the same every time it is asked for.

    Every revision has its own lines (1–3 of tea, cups and teapots) and shipping fee. A cancellation carries the
    content of the revision before it. Orders ``10k`` and ``10k + 1`` have the same buyer and recipient and are
    placed in the same minute, so they merge; every other order has a buyer of its own.
    """
    if delivery.cancels:
        previous = platform_order(Delivery(delivery.number, delivery.revision - 1))
        return attrs.evolve(previous, revision=delivery.revision, status=PlatformStatus.CANCELLED)
    rng = random.Random(delivery.number * 100 + delivery.revision)
    listings = rng.sample(sorted(_PRICES), rng.randint(1, 3))
    lines = []
    for listing in listings:
        quantity = rng.randint(1, 3)
        lines.append((listing, quantity, _PRICES[listing] * quantity - rng.randint(0, 500)))
    buyer = delivery.number // 2 if delivery.number % 10 < 2 else delivery.number + 1_000_000
    address = Address("CN", "Zhejiang", "Hangzhou", "Xihu", f"{buyer} Wensan Road")
    recipient = Recipient(f"Buyer {buyer}", f"139{buyer % 10**8:08d}", address)
    return make_platform_order(
        platform_ref(delivery.number).external_id,
        *lines,
        channel=platform_ref(delivery.number).channel,
        revision=delivery.revision,
        recipient=recipient,
        buyer_id=f"buyer-{buyer}",
        minutes=delivery.number // 10,
        shipping_fee=100 * delivery.revision + rng.randint(0, 99),
    )


@attrs.frozen
class DeliveryPlan:
    """Every delivery of a set of platform orders, in the order the platforms send them.

    Attributes:
        deliveries: the deliveries, shuffled across orders.
        latest: the newest revision of each order (always delivered at least once).
        cancelled: orders whose newest revision cancels them.
        newer_first: orders whose first delivery is a newer revision, with revision 1 delivered later.
    """

    deliveries: tuple[Delivery, ...]
    latest: Mapping[int, int]
    cancelled: frozenset[int]
    newer_first: frozenset[int]

    @property
    def numbers(self) -> list[int]:
        return sorted(self.latest)

    def share(self, worker: int, workers: int) -> tuple[Delivery, ...]:
        """The deliveries worker ``worker`` of ``workers`` makes: every ``workers``-th, in schedule order."""
        return self.deliveries[worker::workers]


def plan_deliveries(
    numbers: Iterable[int], rng: random.Random, *, max_deliveries: int, newer_first_share: float = 0.3
) -> DeliveryPlan:
    """Deliver each order 1 to ``max_deliveries`` times, shuffled across orders.

    Half of the orders get a second or third revision; 15 % of those are cancelled by their last one. A share of
    the revised orders (``newer_first_share``) is delivered newest first and revision 1 last, as platforms do when
    an update overtakes the create.
    """
    chosen: dict[int, list[int]] = {}
    latest: dict[int, int] = {}
    cancelled: set[int] = set()
    newer_first: set[int] = set()
    for number in numbers:
        newest = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
        count = rng.randint(1, max_deliveries)
        revisions = [newest] + [rng.randint(1, newest) for _ in range(count - 1)]
        if newest > 1 and count > 1 and rng.random() < newer_first_share:
            newer_first.add(number)
            if 1 not in revisions:
                revisions[-1] = 1
        latest[number] = newest
        if newest > 1 and rng.random() < 0.15:
            cancelled.add(number)
        chosen[number] = revisions
    schedule = [(number, revision) for number, revisions in chosen.items() for revision in revisions]
    rng.shuffle(schedule)
    positions: dict[int, list[int]] = {}
    for position, (number, _) in enumerate(schedule):
        positions.setdefault(number, []).append(position)
    for number in newer_first:
        slots = positions[number]
        middle = sorted(chosen[number])[1:-1]
        rng.shuffle(middle)
        for position, revision in zip(slots, [latest[number], *middle, 1], strict=True):
            schedule[position] = (number, revision)
    deliveries = tuple(
        Delivery(number, revision, number in cancelled and revision == latest[number]) for number, revision in schedule
    )
    return DeliveryPlan(deliveries, latest, frozenset(cancelled), frozenset(newer_first))


# --- building the pipeline in a worker -----------------------------------------------------------------------


@attrs.frozen
class Store:
    """The shared database of a test: a SQLite file, or a PostgreSQL database given by its DSN."""

    kind: Literal["sqlite", "postgres"]
    address: str
    tenant: str = "default"


class CountingUnitOfWork:
    """A unit of work that counts the failures the application retries (a concurrent writer got there first).

    Args:
        inner: the adapter's unit of work.
        retried: incremented by exception name whenever the unit of work is left by a retried failure.
    """

    def __init__(self, inner: UnitOfWork, retried: Counter[str]) -> None:
        self._inner = inner
        self._retried = retried

    @property
    def orders(self) -> OrderRepository:
        return self._inner.orders

    @property
    def shipments(self) -> ShipmentRepository:
        return self._inner.shipments

    @property
    def inventory(self) -> InventoryStore:
        return self._inner.inventory

    @property
    def gift_quotas(self) -> GiftQuotas:
        return self._inner.gift_quotas

    @property
    def inbound(self) -> InboundStock:
        return self._inner.inbound

    @property
    def catalog(self) -> CatalogRepository:
        return self._inner.catalog

    @property
    def network(self) -> NetworkRepository:
        return self._inner.network

    @property
    def outbox(self) -> Outbox:
        return self._inner.outbox

    def __enter__(self) -> Self:
        self._inner.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None and issubclass(exc_type, (ConcurrencyConflict, DuplicateKey, TransientError)):
            self._retried[exc_type.__name__] += 1
        self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        self._inner.commit()

    def rollback(self) -> None:
        self._inner.rollback()


def counting(factory: UnitOfWorkFactory, retried: Counter[str]) -> UnitOfWorkFactory:
    """``factory``'s units of work, wrapped in :class:`CountingUnitOfWork`."""
    return lambda: CountingUnitOfWork(factory(), retried)


@contextmanager
def pipeline(store: Store, retried: Counter[str] | None = None) -> Iterator[OrderManagement]:
    """An :class:`OrderManagement` of this process over ``store``, with the database's ids and fresh recording
    gateways; with ``retried``, it counts the units of work the application had to run again."""
    close: Callable[[], None]
    factory: UnitOfWorkFactory
    ids: IdGenerator
    if store.kind == "sqlite":
        sqlite = SqliteDatabase(store.address, busy_timeout_ms=30_000)
        close, ids = sqlite.close, SqliteIds(sqlite, tenant=store.tenant)
        factory = sqlite_unit_of_work_factory(sqlite, store.tenant)
    else:
        from omscore.adapters.postgres import PostgresDatabase, PostgresIds, postgres_unit_of_work_factory

        postgres = PostgresDatabase(store.address, pool_size=2)
        close, ids = postgres.close, PostgresIds(postgres)
        factory = postgres_unit_of_work_factory(postgres, store.tenant)
    try:
        yield bootstrap(
            factory if retried is None else counting(factory, retried),
            clock=SystemClock(),
            ids=ids,
            channels=RecordingChannelGateway(),
            fulfilment=RecordingFulfilmentGateway(),
        )
    finally:
        close()


def load_merchant(store: Store) -> None:
    """Store the test merchant's catalog and network with :data:`ABUNDANT_STOCK`."""
    with pipeline(store) as oms:
        oms.load_master_data(catalog(), network(), ABUNDANT_STOCK)


# --- the redelivery storm ------------------------------------------------------------------------------------


#: How often a platform sends a delivery again after the handler failed with a retryable error.
REDELIVERIES = 5
_RETRYABLE = (ConcurrencyConflict, DuplicateKey, TransientError)


@attrs.frozen
class StormReport:
    """What one storm worker was told.

    Attributes:
        outcomes: intake results by status.
        created: (order number, revision) of every delivery answered ``created``.
        retried: units of work the application ran again after a conflict, by error name.
        failed: handler runs that still failed with a retryable error (the application gave up retrying), by
            error name; the delivery was not acknowledged and came again.
        errors: deliveries that failed for good (none expected).
        finished: when the worker was done (``time.time()``).
    """

    outcomes: Mapping[str, int]
    created: tuple[tuple[int, int], ...]
    retried: Mapping[str, int]
    failed: Mapping[str, int]
    errors: tuple[str, ...]
    finished: float


def storm_worker(store: Store, deliveries: Sequence[Delivery], start_at: float) -> StormReport:
    """Handle each delivery as a webhook handler would: take the revision in, and take an order that was created
    or revised as far as it goes (review → merge → routing with reservation). Nothing is released, so every
    revision arrives before release and must be applied. All workers start at ``start_at``.

    A handler run that fails with a retryable error is not acknowledged, so the platform sends the delivery again
    later (up to :data:`REDELIVERIES` times); that run also finishes the routing the failed run may have left
    undone.
    """
    outcomes: Counter[str] = Counter()
    retried: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    created: list[tuple[int, int]] = []
    errors: list[str] = []
    queue = deque((delivery, 0) for delivery in deliveries)
    with pipeline(store, retried) as oms:
        time.sleep(max(0.0, start_at - time.time()))
        while queue:
            delivery, failures = queue.popleft()
            try:
                result = oms.ingest(platform_order(delivery))
                outcomes[result.status.value] += 1
                if result.status is IntakeStatus.CREATED:
                    created.append((delivery.number, delivery.revision))
                if result.status in (IntakeStatus.CREATED, IntakeStatus.REVISED) or (
                    failures and result.status is IntakeStatus.DUPLICATE
                ):
                    oms.advance(result.order_id)
            except _RETRYABLE as error:
                failed[type(error).__name__] += 1
                if failures < REDELIVERIES:
                    queue.append((delivery, failures + 1))
                else:
                    errors.append(f"{delivery}: {type(error).__name__}: {error} (after {failures} redeliveries)")
            except OmsError as error:
                errors.append(f"{delivery}: {type(error).__name__}: {error}")
    return StormReport(dict(outcomes), tuple(created), dict(retried), dict(failed), tuple(errors), time.time())


def stored_order_documents(store: Store) -> list[dict[str, Any]]:
    """Every order document of the store's tenant, read straight from its table (not through omscore)."""
    if store.kind == "sqlite":
        connection = sqlite3.connect(store.address)
        try:
            rows = connection.execute("SELECT document FROM orders WHERE tenant = ?", (store.tenant,)).fetchall()
        finally:
            connection.close()
        return [json.loads(row[0]) for row in rows]
    import psycopg

    with psycopg.connect(store.address) as postgres:
        documents = postgres.execute(
            "SELECT document FROM omscore.orders WHERE tenant = %s", (store.tenant,)
        ).fetchall()
    return [row[0] for row in documents]


def document_ref(document: Mapping[str, Any]) -> ExternalOrderRef:
    """The (first) platform reference of a stored order document."""
    ref = document["refs"][0]
    return ExternalOrderRef(Channel(ref["platform"], ref["shop"]), ref["external_id"])


def stored_per_ref(documents: Iterable[Mapping[str, Any]]) -> Counter[ExternalOrderRef]:
    """How many stored orders that are not the result of a merge carry each platform reference."""
    return Counter(document_ref(document) for document in documents if not document["merged_from"])


def order_content(order: Order) -> tuple[tuple[tuple[str, str, int, int], ...], int]:
    """What the platform sent that the stored order carries: (line id, listing, quantity, amount) per line, and
    the shipping fee."""
    lines = sorted((line.origin_line_id, line.listing_id, line.quantity, line.amount.minor) for line in order.lines)
    return tuple(lines), order.shipping_fee.minor


def platform_content(po: PlatformOrder) -> tuple[tuple[tuple[str, str, int, int], ...], int]:
    """:func:`order_content` of a platform order as sent."""
    lines = sorted((line.line_id, line.listing_id, line.quantity, line.amount.minor) for line in po.lines)
    return tuple(lines), po.shipping_fee.minor


@attrs.frozen
class StormFigures:
    """The outcome of a storm, checked after every worker finished and one last pipeline pass.

    Attributes:
        duplicates_audit: platform orders stored more than once, according to the audit.
        duplicates_stored: the same, counted from the raw stored documents (orders that are not merges).
        lost_audit, lost_stored: platform orders not stored, by the audit and by the documents.
        stale: orders whose stored revision is not the newest delivered, or whose lines and shipping fee are
            not those of that revision (every revision arrives before release, so each must be applied).
        wrong_status: cancelled orders not cancelled, and live orders neither allocated nor merged into an
            allocated order.
        reservation_drift: |units reserved − units of the live orders|.
        merges: allocated orders made by merging two platform orders (how much merging the storm saw).
        problems: what the audit found, for the failure message.
    """

    orders: int
    duplicates_audit: int
    duplicates_stored: int
    lost_audit: int
    lost_stored: int
    stale: int
    wrong_status: int
    reservation_drift: int
    merges: int
    problems: tuple[str, ...]


def check_storm(oms: OrderManagement, plan: DeliveryPlan, documents: Sequence[Mapping[str, Any]]) -> StormFigures:
    """Compare the store with what was delivered (see :class:`StormFigures`)."""
    refs = {number: platform_ref(number) for number in plan.numbers}
    report = oms.audit(refs.values())
    per_ref = stored_per_ref(documents)
    stale = wrong_status = live_units = 0
    for number, ref in refs.items():
        order = oms.order_by_ref(ref)
        if order is None:
            continue
        newest = plan.latest[number]
        if number in plan.cancelled:
            stale += order.revision != newest
            wrong_status += order.status is not OrderStatus.CANCELLED
            continue
        stale += order.revision != newest or order_content(order) != platform_content(
            platform_order(Delivery(number, newest))
        )
        live_units += order.units
        carrier = oms.order(order.merged_into) if order.merged_into is not None else order
        wrong_status += carrier is None or carrier.status is not OrderStatus.ALLOCATED
    reserved = sum(level.reserved for level in _levels(oms))
    return StormFigures(
        orders=len(refs),
        duplicates_audit=report.duplicate_orders,
        duplicates_stored=sum(count - 1 for count in per_ref.values() if count > 1),
        lost_audit=report.lost_orders,
        lost_stored=sum(1 for ref in refs.values() if per_ref[ref] == 0),
        stale=stale,
        wrong_status=wrong_status,
        reservation_drift=abs(reserved - live_units),
        merges=sum(1 for d in documents if d["merged_from"] and d["status"] == OrderStatus.ALLOCATED.value),
        problems=report.problems if not report.ok else (),
    )


def _levels(oms: OrderManagement) -> list[StockLevel]:
    with oms.ctx.uow() as uow:
        return list(uow.inventory.all_levels())


def warm_up(seconds: float) -> None:
    """Give a pool process something to do (and make it import this module) before a test starts its clock."""
    time.sleep(seconds)


def run_storm(pool: Pool, store: Store, plan: DeliveryPlan, workers: int) -> tuple[list[StormReport], float]:
    """Let ``workers`` processes of ``pool`` make the plan's deliveries at once; returns their reports and the
    seconds from the common start to the last one finishing."""
    start_at = time.time() + 0.5
    tasks = [pool.apply_async(storm_worker, (store, plan.share(w, workers), start_at)) for w in range(workers)]
    reports = [task.get(timeout=300) for task in tasks]
    return reports, max(report.finished for report in reports) - start_at


def storm_line(name: str, plan: DeliveryPlan, reports: list[StormReport], figures: StormFigures, elapsed: float) -> str:
    """The one-line figure summary of a storm."""
    outcomes: Counter[str] = Counter()
    retried: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for report in reports:
        outcomes.update(report.outcomes)
        retried.update(report.retried)
        failed.update(report.failed)
    created_newer = sum(1 for report in reports for _, revision in report.created if revision > 1)
    return (
        f"storm {name}: orders={figures.orders} deliveries={len(plan.deliveries)} workers={len(reports)}"
        f" duplicates={figures.duplicates_audit} (documents {figures.duplicates_stored})"
        f" lost={figures.lost_audit} (documents {figures.lost_stored}) stale={figures.stale}"
        f" wrong_status={figures.wrong_status} reservation_drift={figures.reservation_drift}"
        f" newer_revision_first_planned={len(plan.newer_first)} created_from_newer_revision={created_newer}"
        f" merges={figures.merges}"
        f" outcomes={_counts(outcomes)}"
        f" retried={_counts(retried)} redelivered_after_failure={_counts(failed)}"
        f" errors={sum(len(report.errors) for report in reports)} elapsed={elapsed:.1f}s"
    )


def _counts(counts: Mapping[str, int]) -> str:
    return ",".join(f"{key}:{value}" for key, value in sorted(counts.items())) or "none"


def assert_storm_clean(plan: DeliveryPlan, reports: list[StormReport], figures: StormFigures) -> None:
    """Every safety figure of a storm is zero, no worker met an error, and no order was created twice."""
    errors = [error for report in reports for error in report.errors]
    created = Counter(number for report in reports for number, _ in report.created)
    assert errors == [], errors[:5]
    assert figures.duplicates_audit == figures.duplicates_stored == 0
    assert [number for number, times in created.items() if times > 1] == []
    assert figures.lost_audit == figures.lost_stored == 0
    assert figures.stale == 0
    assert figures.wrong_status == 0
    assert figures.reservation_drift == 0
    assert figures.problems == ()
    assert set(plan.numbers) - set(created) <= plan.cancelled  # the rest were first taken in as cancelled
    assert any(revision > 1 for report in reports for _, revision in report.created), "no update came before a create"


# --- the crash test ------------------------------------------------------------------------------------------


def _append(path: str, text: str, *, sync: bool) -> None:
    """Append one line with a single write(2) (it survives the process being killed right after); with
    ``sync``, fsync it too."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, f"{text}\n".encode())
        if sync:
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def crash_worker(
    store: Store, deliveries: Sequence[Delivery], acks: str | None, progress: str, process_every: int
) -> None:
    """Take in ``deliveries`` in order, acknowledging each one once intake returned (a line ``number revision``
    appended to ``acks`` and fsynced; nothing is acknowledged when ``acks`` is ``None``), and run the pipeline
    (review → merge → routing with reservation → release) after every ``process_every`` deliveries and at the end.

    Before each step a line goes to ``progress`` (``start`` once the database is open, ``ingest``, ``ack``,
    ``process``, and ``done <seconds since start>`` at the end), so that whoever kills the worker can tell where
    it was.
    """
    try:
        with pipeline(store) as oms:
            _append(progress, "start", sync=False)
            started = time.perf_counter()
            for index, delivery in enumerate(deliveries, start=1):
                _append(progress, f"ingest {delivery.number} {delivery.revision}", sync=False)
                oms.ingest(platform_order(delivery))
                if acks is not None:
                    _append(progress, f"ack {delivery.number} {delivery.revision}", sync=False)
                    _append(acks, f"{delivery.number} {delivery.revision}", sync=True)
                if index % process_every == 0:
                    _append(progress, "process", sync=False)
                    oms.process()
            _append(progress, "process", sync=False)
            oms.process()
    except Exception:
        _append(f"{progress}.error", traceback.format_exc(), sync=False)
        raise
    _append(progress, f"done {time.perf_counter() - started:.6f}", sync=False)


#: Imported once by the fork server, so that a crash worker starts in milliseconds (a ``spawn`` start costs
#: 0.3 s, and a crash test starts hundreds of workers); worker functions are pickled by name exactly as with
#: ``spawn``. The fork server is shared by every test of the session, so this also names what the other
#: multi-process SQLite tests preload. A module that cannot be imported (no psycopg) is skipped.
FORKSERVER_PRELOAD = [
    "pytest",
    "omscore.testing.samples",
    "omscore.bootstrap",
    "omscore.adapters.relay",
    "omscore.adapters.memory",
    "omscore.adapters.sqlite",
    "omscore.adapters.postgres",
]
PROCESS_EVERY = 4

OrphanCount = Callable[[Store, str], Counter[str]]
"""Counts orphan rows by kind straight from the database, in orders stored after the given order id."""


def last_order_id(store: Store) -> str:
    """The highest order id stored (ids of one prefix sort in the order they were made), or ``""``."""
    if store.kind == "sqlite":
        connection = sqlite3.connect(store.address)
        try:
            row = connection.execute("SELECT MAX(id) FROM orders WHERE tenant = ?", (store.tenant,)).fetchone()
        finally:
            connection.close()
        return str(row[0] or "")
    import psycopg

    with psycopg.connect(store.address) as postgres:
        found = postgres.execute("SELECT MAX(id) FROM omscore.orders WHERE tenant = %s", (store.tenant,)).fetchone()
    return str(found[0] or "") if found else ""


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def acknowledged_in(path: Path) -> list[tuple[int, int]]:
    """The (order number, revision) lines of an acknowledgement file."""
    return [(int(number), int(revision)) for number, revision in (line.split() for line in _lines(path))]


@attrs.frozen
class Kill:
    """What one kill left behind, checked before the restarted worker ran.

    Attributes:
        phase: where the worker was: ``start`` (database open, nothing taken in yet), ``ingest`` (in intake),
            ``ack`` (intake returned; acknowledging), ``process`` (routing or release), ``done`` (it finished the
            batch before the kill came).
        acknowledged: deliveries acknowledged before the kill.
        lost: acknowledged deliveries whose platform order is not stored, or is stored at an older revision.
        orphans: orphan rows, by kind.
    """

    phase: str
    acknowledged: int
    lost: int
    orphans: Counter[str]


#: Serialises every look at a worker's state across the lanes' threads. ``multiprocessing`` is not thread-safe
#: there: ``Process.start`` polls every other child of the process, and two threads polling one fork-server child
#: at once both read its exit status from one pipe — the one that reads nothing reports exit code 255.
_PROCESSES = threading.Lock()


def exit_code(worker: BaseProcess, timeout: float) -> int | None:
    """Wait up to ``timeout`` seconds for ``worker`` to end; its exit code, or ``None`` if it is still running."""
    deadline = time.monotonic() + timeout
    while True:
        with _PROCESSES:
            code = worker.exitcode
        if code is not None or time.monotonic() >= deadline:
            return code
        time.sleep(0.002)


def start_worker(
    context: ForkServerContext, store: Store, plan: DeliveryPlan, acks: Path | None, progress: Path
) -> BaseProcess:
    """Start a :func:`crash_worker` on the plan's deliveries and wait until it has opened the database."""
    worker = context.Process(
        target=crash_worker,
        args=(store, plan.deliveries, None if acks is None else str(acks), str(progress), PROCESS_EVERY),
    )
    with _PROCESSES:
        worker.start()
    deadline = time.monotonic() + 60
    while not _lines(progress):
        code = exit_code(worker, 0)
        if code is not None:
            # It may have opened the database, done a short plan and ended between the two looks.
            assert _lines(progress), f"the worker exited with {code} before it opened the database"
            break
        assert time.monotonic() < deadline, "the worker did not open the database within a minute"
        time.sleep(0.001)
    return worker


def run_to_the_end(
    context: ForkServerContext, store: Store, plan: DeliveryPlan, acks: Path | None, progress: Path
) -> float:
    """Run a worker over the whole plan; returns the seconds it took once the database was open."""
    code = exit_code(start_worker(context, store, plan, acks, progress), 120)
    failure = "\n".join(_lines(Path(f"{progress}.error"))[-30:])
    assert code == 0, f"exit code {code}, last steps {_lines(progress)[-3:]}\n{failure}"
    return float(_lines(progress)[-1].split()[1])


def crash_once(
    context: ForkServerContext, store: Store, plan: DeliveryPlan, folder: Path, delay: float, orphans: OrphanCount
) -> Kill:
    """Kill a worker on ``plan`` ``delay`` seconds after it opened the database, check what it left, then let a
    restarted worker redeliver the whole batch (it is not killed, so it need not acknowledge)."""
    before = last_order_id(store)
    worker = start_worker(context, store, plan, folder / "acks", folder / "progress")
    time.sleep(delay)
    assert worker.pid is not None
    with suppress(ProcessLookupError):  # it finished the batch first, and the fork server reaped it
        os.kill(worker.pid, signal.SIGKILL)
    assert exit_code(worker, 30) is not None, "the killed worker did not end"

    acknowledged = acknowledged_in(folder / "acks")
    with pipeline(store) as oms:
        stored = [(oms.order_by_ref(platform_ref(number)), revision) for number, revision in acknowledged]
    lost = sum(1 for order, revision in stored if order is None or order.revision < revision)
    phase = _lines(folder / "progress")[-1].split()[0]
    kill = Kill(phase, len(acknowledged), lost, orphans(store, before))

    run_to_the_end(context, store, plan, None, folder / "progress-after-restart")
    return kill


@attrs.frozen
class Lane:
    """The kills of one lane (one database, or one tenant of it), and every platform order it delivered."""

    store: Store
    kills: list[Kill]
    plans: list[DeliveryPlan]
    acknowledged: frozenset[ExternalOrderRef]


def run_lane(
    context: ForkServerContext,
    store: Store,
    folder: Path,
    runs: range,
    orphans: OrphanCount,
    orders_per_run: tuple[int, int] = (20, 40),
) -> Lane:
    """Once per run, crash a worker on a fresh batch of platform orders and restart it, all over one store.

    A first, uninterrupted batch measures how long a delivery takes, so that kill delays (uniform up to 80 % of
    the batch's expected time) land while the worker is busy.
    """
    folder.mkdir()
    load_merchant(store)
    rng = random.Random(runs.start)
    first = 10_000_000 + runs.start * 100
    calibration = plan_deliveries(range(first, first + 30), rng, max_deliveries=3)
    seconds = run_to_the_end(context, store, calibration, folder / "calibration-acks", folder / "calibration-progress")
    per_delivery = seconds / len(calibration.deliveries)

    kills: list[Kill] = []
    plans = [calibration]
    acknowledged = {platform_ref(number) for number in calibration.numbers}
    for run in runs:
        plan = plan_deliveries(range(run * 1000, run * 1000 + rng.randint(*orders_per_run)), rng, max_deliveries=3)
        run_folder = folder / f"run-{run:03d}"
        run_folder.mkdir()
        delay = rng.uniform(0, 0.8 * per_delivery * len(plan.deliveries))
        kills.append(crash_once(context, store, plan, run_folder, delay, orphans))
        plans.append(plan)
        acknowledged.update(platform_ref(number) for number, _ in acknowledged_in(run_folder / "acks"))
    return Lane(store, kills, plans, frozenset(acknowledged))


@attrs.frozen
class Settled:
    """A lane's store after its last restart: every figure is zero when redelivery repaired everything.

    Attributes:
        duplicates_audit, duplicates_stored: platform orders stored more than once (audit; raw documents).
        lost_audit, lost_stored: platform orders delivered but not stored (audit; raw documents).
        wrong_revision: platform orders not stored at the newest revision delivered.
        wrong_status: live platform orders not released by themselves or in a released merge; cancelled ones
            neither cancelled nor (their cancellation came too late) in a released merge.
        orphans: orphan rows by kind, over the whole store.
        problems: what the audit found (``supplied`` = the initial stock; nothing else came in).
    """

    duplicates_audit: int
    duplicates_stored: int
    lost_audit: int
    lost_stored: int
    wrong_revision: int
    wrong_status: int
    orphans: Counter[str]
    problems: tuple[str, ...]


def settle(lane: Lane, orphans: OrphanCount) -> Settled:
    """Check a lane's store once every run is over (see :class:`Settled`)."""
    delivered = {platform_ref(number): (plan, number) for plan in lane.plans for number in plan.numbers}
    documents = stored_order_documents(lane.store)
    by_id = {document["id"]: document for document in documents}
    by_ref = {document_ref(document): document for document in documents if not document["merged_from"]}
    released, cancelled = OrderStatus.RELEASED.value, OrderStatus.CANCELLED.value
    wrong_revision = wrong_status = 0
    for ref, (plan, number) in delivered.items():
        document = by_ref.get(ref)
        if document is None:
            continue
        wrong_revision += document["revision"] != plan.latest[number]
        carrier = by_id[document["merged_into"]] if document["merged_into"] else document
        cancelled_in_time = number in plan.cancelled and document["status"] == cancelled
        wrong_status += carrier["status"] != released and not cancelled_in_time
    with pipeline(lane.store) as oms:
        report = oms.audit(lane.acknowledged | set(delivered), {key: on_hand for key, on_hand, _ in ABUNDANT_STOCK})
    per_ref = stored_per_ref(documents)
    return Settled(
        duplicates_audit=report.duplicate_orders,
        duplicates_stored=sum(count - 1 for count in per_ref.values() if count > 1),
        lost_audit=report.lost_orders,
        lost_stored=sum(1 for ref in delivered if per_ref[ref] == 0),
        wrong_revision=wrong_revision,
        wrong_status=wrong_status,
        orphans=orphans(lane.store, ""),
        problems=report.problems if not report.ok else (),
    )


@attrs.frozen
class CrashOutcome:
    """Every lane of a crash test, checked, with its figures.

    Attributes:
        figures: the safety figures, each of which must be zero.
        phases: where the kills landed (see :attr:`Kill.phase`).
        lines: the printed summary: the figures, then the orphan checks by kind (after each kill/at the end).
        problems: what the audit found.
    """

    figures: Mapping[str, int]
    phases: Counter[str]
    lines: tuple[str, str]
    problems: tuple[str, ...]


def crash_test(
    name: str, context: ForkServerContext, stores: Sequence[Store], folder: Path, runs: int, orphans: OrphanCount
) -> CrashOutcome:
    """Crash ``runs`` workers spread over one lane per store (the lanes run side by side) and check everything."""
    started = time.perf_counter()
    share = runs // len(stores)
    with ThreadPoolExecutor(len(stores)) as pool:
        lanes = list(
            pool.map(
                lambda n: run_lane(
                    context, stores[n], folder / f"lane-{n}", range(n * share, (n + 1) * share), orphans
                ),
                range(len(stores)),
            )
        )
    settled = [settle(lane, orphans) for lane in lanes]
    elapsed = time.perf_counter() - started

    kills = [kill for lane in lanes for kill in lane.kills]
    phases = Counter(kill.phase for kill in kills)
    after_kill: Counter[str] = Counter()
    at_end: Counter[str] = Counter()
    for kill in kills:
        after_kill.update(kill.orphans)  # update, not +, keeps the kinds that counted zero
    for s in settled:
        at_end.update(s.orphans)
    figures = {
        "acknowledged_lost": sum(kill.lost for kill in kills),
        "duplicates": sum(s.duplicates_audit for s in settled),
        "duplicates_in_documents": sum(s.duplicates_stored for s in settled),
        "lost_after_redelivery": sum(s.lost_audit + s.lost_stored for s in settled),
        "orphans_after_kill": sum(after_kill.values()),
        "orphans_at_end": sum(at_end.values()),
        "wrong_revision": sum(s.wrong_revision for s in settled),
        "wrong_status": sum(s.wrong_status for s in settled),
    }
    problems = tuple(problem for s in settled for problem in s.problems)
    orders = sum(len(plan.numbers) for lane in lanes for plan in lane.plans)
    deliveries = sum(len(plan.deliveries) for lane in lanes for plan in lane.plans)
    summary = (
        f"crash {name}: runs={len(kills)} lanes={len(lanes)} orders={orders} deliveries={deliveries}"
        f" acknowledged_before_kill={sum(kill.acknowledged for kill in kills)} killed_in={_counts(phases)} "
        + " ".join(f"{key}={value}" for key, value in figures.items())
        + f" audit={'ok' if not problems else 'FAILED'} elapsed={elapsed:.1f}s"
    )
    detail = f"crash {name} orphans (after each kill/at the end): " + " ".join(
        f"{kind}={after_kill[kind]}/{at_end[kind]}" for kind in at_end
    )
    return CrashOutcome(figures, phases, (summary, detail), problems)


def assert_crash_clean(outcome: CrashOutcome) -> None:
    """Every safety figure of a crash test is zero, the audit is clean, and kills landed in intake and routing."""
    assert outcome.figures == dict.fromkeys(outcome.figures, 0)
    assert outcome.problems == ()
    assert outcome.phases["ingest"] > 0, "no kill landed in intake"
    assert outcome.phases["process"] > 0, "no kill landed in routing"
