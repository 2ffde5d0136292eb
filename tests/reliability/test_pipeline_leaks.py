"""LEAK-LIFECYCLE, differential: the in-memory adapter (the model) and SQLite, driven side by side by the same
generated days of a merchant, must agree after every step and never leak a reservation.

A Hypothesis state machine sends every command to two :class:`OrderManagement` s — one over the in-memory
adapter, one over a SQLite file — with the same clock and the same sequential ids, so their ids coincide. The
commands: platform orders arriving (sometimes a newer revision before revision 1), sent again, revised, sent
late (stale), cancelled by the platform; pipeline passes with and without release; holds released by a person;
shipments confirmed (sometimes twice) and delivered; the merchant cancelling (sometimes after the parcel left);
stock receipts and count corrections; time passing.

After every step:

* both answered every command alike, and their observable state is the same: every order (status, holds, lines,
  revision, version, merges, shipments), every shipment, every stock level, every reservation, every event
  waiting in the outbox;
* in both, cancelled and completed orders hold no reservation (nor does any order that is not allocated,
  released or partly shipped), and available stock is never negative;
* the audit finds nothing wrong in either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from merchant_world import HANGZHOU, START, STOCK, catalog, make_platform_order, network
from omscore.adapters.memory import MemoryDatabase, RecordingChannelGateway, RecordingFulfilmentGateway
from omscore.adapters.memory import memory_unit_of_work_factory as memory_units
from omscore.adapters.records import order_to_record, shipment_to_record
from omscore.adapters.sqlite import SqliteDatabase, sqlite_unit_of_work_factory
from omscore.adapters.system import ManualClock, SequentialIds
from omscore.app.pipeline import OrderManagement
from omscore.bootstrap import bootstrap
from omscore.domain import (
    Address,
    CarrierId,
    ExternalOrderRef,
    HoldKind,
    InvalidInput,
    LocationId,
    Money,
    OmsError,
    OrderId,
    OrderStatus,
    PaymentMode,
    Recipient,
    ShipmentId,
    ShipmentStatus,
    SkuCode,
)
from omscore.domain.inventory import StockKey
from omscore.domain.order_status import RESERVING
from omscore.domain.platform_order import PlatformLine, PlatformOrder, PlatformStatus
from omscore.ports.clock import Clock
from omscore.ports.unit_of_work import UnitOfWorkFactory

pytestmark = pytest.mark.slow

T = TypeVar("T")

#: 100 generated days of up to 50 steps each: about 10–25 s on two cores.
EXAMPLES, STEPS = 100, 50
LISTINGS = ("L-TEA", "L-CUP", "L-POT", "L-GIFTSET")
RECIPIENTS = (
    HANGZHOU,
    Recipient("Han Meimei", "13900139000", Address("CN", "Beijing", "Beijing", "Chaoyang", "8 Jianguo Road")),
)
LOCATIONS = (LocationId("WH-EAST"), LocationId("WH-NORTH"), LocationId("STORE-HZ"))
SKUS = (SkuCode("TEA"), SkuCode("CUP"), SkuCode("POT"))

lines_strategy = st.lists(
    st.tuples(st.sampled_from(LISTINGS), st.integers(1, 3), st.integers(0, 20_000)), min_size=1, max_size=3
)


def platform_lines(lines: list[tuple[str, int, int]]) -> tuple[PlatformLine, ...]:
    return tuple(
        PlatformLine(str(i), listing, qty, Money(amount, "CNY")) for i, (listing, qty, amount) in enumerate(lines, 1)
    )


@attrs.define
class Tally:
    """What the examples went through, for the printed figures (orders counted as (example, order id))."""

    examples: int = 0
    steps: int = 0
    orders: int = 0
    reservations_checked: int = 0
    cancelled: set[tuple[int, str]] = attrs.field(factory=set)
    completed: set[tuple[int, str]] = attrs.field(factory=set)
    shipped: set[tuple[int, str]] = attrs.field(factory=set)


@attrs.frozen
class Refused:
    """A command refused with an error: its type and, for bad input, the field and value it names (the wording of
    the message is each adapter's own)."""

    error: str
    field: str | None = None
    value: object = None

    @classmethod
    def by(cls, error: OmsError) -> Refused:
        if isinstance(error, InvalidInput):
            return cls(type(error).__name__, error.field, error.value)
        return cls(type(error).__name__)


@attrs.frozen
class Observed:
    """Everything a host can read back from one store."""

    orders: dict[OrderId, dict[str, Any]]
    shipments: dict[ShipmentId, dict[str, Any]]
    levels: dict[StockKey, tuple[int, int, int]]
    reservations: dict[str, list[tuple[LocationId, SkuCode, int, str]]]
    events: list[tuple[str, dict[str, Any]]]


def observe(oms: OrderManagement) -> Observed:
    """Read back the whole store of ``oms`` in one unit of work."""
    with oms.ctx.uow() as uow:
        orders = [uow.orders.get(order_id) for status in OrderStatus for order_id in uow.orders.ids_with_status(status)]
        records = {order.id: order_to_record(order) for order in orders if order is not None}
        shipments = {
            s.id: shipment_to_record(s) for order_id in records for s in uow.shipments.for_order(OrderId(order_id))
        }
        levels = {(lv.location, lv.sku): (lv.on_hand, lv.reserved, lv.safety) for lv in uow.inventory.all_levels()}
        reservations: dict[str, list[tuple[LocationId, SkuCode, int, str]]] = {}
        for key in uow.inventory.reservation_keys():
            held = uow.inventory.reservation(key)
            reservations[key] = (
                [(line.location, line.sku, line.quantity, line.ref) for line in held.lines] if held else []
            )
        events = [(record.name, dict(record.payload)) for record in uow.outbox.undelivered(1_000_000)]
    return Observed(records, shipments, levels, reservations, events)


def leaked(observed: Observed) -> dict[str, str]:
    """Reservations held by anything but an allocated, released or partly shipped order — a cancelled or
    completed one above all — with the holder's status."""
    holders = {
        key: observed.orders[OrderId(key)]["status"] if key in observed.orders else "no order"
        for key in observed.reservations
    }
    return {key: status for key, status in holders.items() if status not in RESERVING}


def negative_available(observed: Observed) -> list[StockKey]:
    """Stock levels whose available quantity (on hand − reserved − safety) is below zero."""
    return [key for key, (on_hand, reserved, safety) in observed.levels.items() if on_hand - reserved - safety < 0]


def build(uow: UnitOfWorkFactory, clock: Clock) -> tuple[OrderManagement, RecordingFulfilmentGateway]:
    fulfilment = RecordingFulfilmentGateway()
    oms = bootstrap(uow, clock=clock, ids=SequentialIds(), channels=RecordingChannelGateway(), fulfilment=fulfilment)
    oms.load_master_data(catalog(), network(), STOCK)
    return oms, fulfilment


class InMemoryAndSqlite(RuleBasedStateMachine):
    """One merchant, two stores: every command goes to both, and they must stay alike.

    A test sets :attr:`folder` (for the SQLite files, one per example) and :attr:`tally` in a subclass.
    """

    folder: ClassVar[Path]
    tally: ClassVar[Tally]

    def __init__(self) -> None:
        super().__init__()
        self.tally.examples += 1
        self.example = self.tally.examples
        self.clock = ManualClock(START)
        self.database = SqliteDatabase(self.folder / f"example-{self.example}.db")
        self.memory, memory_fulfilment = build(memory_units(MemoryDatabase()), self.clock)
        self.sqlite, sqlite_fulfilment = build(sqlite_unit_of_work_factory(self.database), self.clock)
        self.fulfilments = (memory_fulfilment, sqlite_fulfilment)
        self.supplied: dict[StockKey, int] = {key: on_hand for key, on_hand, _ in STOCK}
        self.sent: dict[str, PlatformOrder] = {}
        self.acknowledged: set[ExternalOrderRef] = set()
        self.state = observe(self.memory)

    def teardown(self) -> None:
        self.database.close()

    def both(self, command: Callable[[OrderManagement], T]) -> T | Refused:
        """Run ``command`` on both stores; they must answer alike (the same value, or the same refusal)."""
        answers: list[T | Refused] = []
        for oms in (self.memory, self.sqlite):
            try:
                answers.append(command(oms))
            except OmsError as error:
                answers.append(Refused.by(error))
        memory, sqlite = answers
        assert memory == sqlite, f"in memory: {memory!r}\nsqlite:    {sqlite!r}"
        return memory

    def deliver(self, order: PlatformOrder) -> None:
        self.both(lambda oms: oms.ingest(order))
        self.acknowledged.add(order.ref)
        newest = self.sent.get(order.ref.external_id)
        if newest is None or order.revision > newest.revision:
            self.sent[order.ref.external_id] = order

    def _orders(self, *statuses: OrderStatus) -> list[OrderId]:
        return sorted(order_id for order_id, record in self.state.orders.items() if record["status"] in statuses)

    def _shipments(self, status: ShipmentStatus) -> list[ShipmentId]:
        return sorted(sid for sid, record in self.state.shipments.items() if record["status"] == status.value)

    def _confirm(self, shipment_id: ShipmentId) -> None:
        carrier = CarrierId(self.state.shipments[shipment_id]["carrier"] or "YTO")
        self.both(lambda oms: oms.confirm_shipment(shipment_id, carrier, f"T-{shipment_id}"))

    def _deliver(self, shipment_id: ShipmentId) -> None:
        self.both(lambda oms: oms.confirm_delivered(shipment_id))

    # --- the platforms ------------------------------------------------------------------------------------

    @rule(
        lines=lines_strategy,
        recipient=st.sampled_from(RECIPIENTS),
        cod=st.booleans(),
        revision=st.sampled_from((1, 1, 2)),
    )
    def a_platform_order_arrives(
        self, lines: list[tuple[str, int, int]], recipient: Recipient, cod: bool, revision: int
    ) -> None:
        external_id = f"E{len(self.sent) + 1}"
        payment = PaymentMode.COD if cod else PaymentMode.PREPAID
        minutes = int((self.clock.now() - START).total_seconds() // 60)
        order = make_platform_order(
            external_id, *lines, revision=revision, recipient=recipient, payment=payment, minutes=minutes
        )
        self.deliver(order)

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def the_platform_sends_it_again(self, data: st.DataObject) -> None:
        self.deliver(self.sent[data.draw(st.sampled_from(sorted(self.sent)))])

    @precondition(lambda self: self.sent)
    @rule(data=st.data(), lines=lines_strategy)
    def the_platform_sends_a_newer_revision(self, data: st.DataObject, lines: list[tuple[str, int, int]]) -> None:
        last = self.sent[data.draw(st.sampled_from(sorted(self.sent)))]
        self.deliver(attrs.evolve(last, revision=last.revision + 1, lines=platform_lines(lines)))

    @precondition(lambda self: any(order.revision > 1 for order in self.sent.values()))
    @rule(data=st.data())
    def an_older_revision_arrives_late(self, data: st.DataObject) -> None:
        last = self.sent[data.draw(st.sampled_from(sorted(e for e, o in self.sent.items() if o.revision > 1)))]
        self.deliver(attrs.evolve(last, revision=data.draw(st.integers(1, last.revision - 1))))

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def the_platform_cancels(self, data: st.DataObject) -> None:
        last = self.sent[data.draw(st.sampled_from(sorted(self.sent)))]
        self.deliver(attrs.evolve(last, revision=last.revision + 1, status=PlatformStatus.CANCELLED))

    # --- the merchant and the locations -------------------------------------------------------------------

    @rule(release=st.booleans())
    def the_pipeline_runs(self, release: bool) -> None:
        self.both(lambda oms: oms.process(release=release))

    @precondition(lambda self: self._orders(OrderStatus.HELD))
    @rule(data=st.data())
    def a_person_releases_a_hold(self, data: st.DataObject) -> None:
        order_id = OrderId(data.draw(st.sampled_from(self._orders(OrderStatus.HELD))))
        kind = HoldKind(data.draw(st.sampled_from([hold["kind"] for hold in self.state.orders[order_id]["holds"]])))
        self.both(lambda oms: oms.release_hold(order_id, kind, "checked"))

    @precondition(lambda self: self._shipments(ShipmentStatus.RELEASED))
    @rule(data=st.data(), times=st.integers(1, 2))
    def a_location_confirms_a_shipment(self, data: st.DataObject, times: int) -> None:
        shipment_id = data.draw(st.sampled_from(self._shipments(ShipmentStatus.RELEASED)))
        for _ in range(times):
            self._confirm(shipment_id)

    @precondition(lambda self: self._shipments(ShipmentStatus.RELEASED))
    @rule(delivered=st.booleans())
    def the_locations_ship_every_released_parcel(self, delivered: bool) -> None:
        for shipment_id in self._shipments(ShipmentStatus.RELEASED):
            self._confirm(shipment_id)
            if delivered:
                self._deliver(shipment_id)

    @precondition(lambda self: self._shipments(ShipmentStatus.SHIPPED))
    @rule(data=st.data())
    def a_parcel_is_delivered(self, data: st.DataObject) -> None:
        self._deliver(data.draw(st.sampled_from(self._shipments(ShipmentStatus.SHIPPED))))

    @precondition(lambda self: self.state.orders)
    @rule(data=st.data(), parcels_left=st.booleans())
    def the_merchant_cancels(self, data: st.DataObject, parcels_left: bool) -> None:
        order_id = OrderId(data.draw(st.sampled_from(sorted(self.state.orders))))
        if parcels_left:
            for fulfilment in self.fulfilments:
                fulfilment.mark_left(*self.state.orders[order_id]["shipment_ids"])
        self.both(lambda oms: oms.cancel(order_id, "merchant"))

    @rule(location=st.sampled_from(LOCATIONS), sku=st.sampled_from(SKUS), quantity=st.integers(1, 6))
    def stock_arrives(self, location: LocationId, sku: SkuCode, quantity: int) -> None:
        self.both(lambda oms: oms.receive_stock(location, sku, quantity))
        self.supplied[(location, sku)] = self.supplied.get((location, sku), 0) + quantity
        self.both(lambda oms: oms.retry_out_of_stock())

    @rule(location=st.sampled_from(LOCATIONS), sku=st.sampled_from(SKUS), delta=st.integers(-5, 3).filter(bool))
    def a_count_corrects_stock(self, location: LocationId, sku: SkuCode, delta: int) -> None:
        if not isinstance(self.both(lambda oms: oms.adjust_stock(location, sku, delta)), Refused):
            self.supplied[(location, sku)] = self.supplied.get((location, sku), 0) + delta

    @rule(minutes=st.integers(1, 180))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    # --- after every step ---------------------------------------------------------------------------------

    @invariant()
    def both_stores_agree_and_leak_nothing(self) -> None:
        memory, sqlite = observe(self.memory), observe(self.sqlite)
        assert memory.orders == sqlite.orders
        assert memory.shipments == sqlite.shipments
        assert memory.levels == sqlite.levels
        assert memory.reservations == sqlite.reservations
        assert memory.events == sqlite.events
        for name, observed, oms in (("memory", memory, self.memory), ("sqlite", sqlite, self.sqlite)):
            assert leaked(observed) == {}, name
            assert negative_available(observed) == [], name
            report = oms.audit(self.acknowledged, self.supplied)
            assert report.ok, (name, report.problems)
        self.state = memory
        self._count(memory)

    def _count(self, observed: Observed) -> None:
        tally = self.tally
        tally.steps += 1
        tally.reservations_checked += len(observed.reservations)
        for order_id, record in observed.orders.items():
            for status, seen in (
                ("cancelled", tally.cancelled),
                ("completed", tally.completed),
                ("shipped", tally.shipped),
            ):
                if record["status"] == status:
                    seen.add((self.example, order_id))
        tally.orders = max(tally.orders, len(observed.orders))


def test_in_memory_and_sqlite_agree_after_every_step_and_leak_no_reservation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    class ThisTest(InMemoryAndSqlite):
        folder = tmp_path
        tally = Tally()

    tally = ThisTest.tally
    started = time.perf_counter()
    try:
        run_state_machine_as_test(
            ThisTest,
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        with capsys.disabled():
            print(
                f"\nleaks memory|sqlite: examples={tally.examples} steps_checked={tally.steps}"
                f" most_orders={tally.orders} cancelled_orders={len(tally.cancelled)}"
                f" completed_orders={len(tally.completed)} shipped_orders={len(tally.shipped)}"
                f" reservations_checked={tally.reservations_checked}"
                f" elapsed={time.perf_counter() - started:.1f}s"
            )
