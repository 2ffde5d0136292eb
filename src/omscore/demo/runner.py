"""Feeding a generated day through the pipeline, wave by wave, with simulated people and warehouses.

Each wave: the platforms' pages are pulled and taken in → ``process(release=False)`` reviews, merges and routes
→ the payloads that arrive while the batch is routed are taken in (cancellations and revisions that hit
allocated orders) → customer service works the holds older than this wave (memos noted; COD buyers phoned:
most confirm, some decline) → goods receipts are booked (orders held for that stock resume by themselves) →
``process()`` routes what is left and releases the wave to the locations → the warehouses confirm parcels
released in earlier waves with tracking numbers, and carriers deliver parcels shipped earlier → stock is
published to every shop.

Stock publishing (:mod:`omscore.demo.publishing`) runs through the whole day: every shop is published to before
the first wave; every new platform order is a sale its shop made (what the listing shows falls) and that the
engine hears of; reservations, cancellations (the shop puts the units back on sale), receipts and shipments are
told to it; it flushes at the end of every wave and again whenever it asks to be woken before the next (a
take-back settling, the live-stream lock starting or lapsing, Tmall's rate limit).

Everything people and warehouses decide is drawn from ``random.Random(f"{seed}:{topic}:{key}")``, so it does
not depend on the order things happen in, and a rerun decides the same. On a store an earlier run filled, the
runner replays only what the platforms send — every delivery again, which intake recognises — and runs the
pipeline; the warehouses, customer service and the goods receipts acted in the first run and are not repeated.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from omscore.adapters.memory import RecordingChannelGateway, RecordingFulfilmentGateway
from omscore.adapters.system import ManualClock
from omscore.app.intake import IntakeStatus
from omscore.app.publishing import RateLimit
from omscore.app.shipping import ConfirmStatus
from omscore.bootstrap import Store, build_system
from omscore.boundary.config import parse_config
from omscore.demo.day import DAY_START, WAVE_LENGTH, Day, Wave
from omscore.demo.publishing import Publisher, unreserved_orders
from omscore.demo.summary import Summary, summarise
from omscore.demo.tally import HoldLog, MalformedLine, Tally
from omscore.domain.errors import InvalidInput
from omscore.domain.holds import HoldKind
from omscore.domain.identity import CarrierId, Channel, OrderId, ShipmentId, SkuCode
from omscore.domain.order_status import OrderStatus
from omscore.domain.shipment import Shipment, ShipmentStatus

Progress = Callable[[int, int, str], None]
"""Told ``(deliveries taken in, deliveries in the day, what is happening)`` as the run goes."""

#: Share of COD orders above the limit whose buyer confirms on the phone; the others are cancelled.
COD_CONFIRMED: float = 0.7
#: What the platforms' stock APIs take: Tmall's shops at most 5 listings per call and 2 calls a minute.
RATE_LIMITS: Mapping[Channel, RateLimit] = {
    Channel("tmall", shop): RateLimit(listings_per_call=5, calls_per_minute=2) for shop in ("flagship", "outlet")
}


def run_demo(day: Day, store: Store, *, progress: Progress | None = None) -> Summary:
    """Run ``day`` against ``store`` and summarise it.

    Args:
        day: the generated day (see :func:`omscore.demo.day.generate_day`).
        store: where the data goes; empty, or filled by an earlier run of the same merchant.
        progress: called after every delivery and at the end of every wave.

    Returns:
        The summary, with the audit of the whole store.

    Raises:
        InvalidInput: the store holds another merchant's data.
        OmsError: a storage fault.
    """
    return _DayRun(day, store, progress).run()


def chance(seed: int, topic: str, key: object) -> float:
    """A number in [0, 1) fixed by (seed, topic, key): a decision that does not depend on run order."""
    return random.Random(f"{seed}:{topic}:{key}").random()


class _DayRun:
    def __init__(self, day: Day, store: Store, progress: Progress | None) -> None:
        self.day = day
        self.store = store
        self.progress = progress
        self.config = parse_config(day.merchant)
        self.clock = ManualClock(DAY_START)
        self.channels = RecordingChannelGateway(RATE_LIMITS, clock=self.clock)
        self.fulfilment = RecordingFulfilmentGateway()
        system = build_system(
            store,
            self.config,
            clock=self.clock,
            channels=self.channels,
            fulfilment=self.fulfilment,
            replace_master_data=False,
        )
        self.oms = system.oms
        self.fresh = system.was_empty
        self.publisher = Publisher(
            self.oms,
            store,
            self.channels,
            self.config.catalog,
            self.config.sharing,
            self.config.stock_locks,
            self.clock,
        )
        self.tally = Tally()
        self.holds = HoldLog()
        self.cursors: dict[Channel, str] = {}
        self.released_at: dict[ShipmentId, _Parcel] = {}
        self.shipped_at: dict[ShipmentId, _Parcel] = {}
        self.left: set[ShipmentId] = set()
        self.released_orders: set[OrderId] = set()
        self.total = day.deliveries

    def run(self) -> Summary:
        oms = self.oms
        if self.fresh:
            for level in self.config.stock:
                self.tally.supply((level.location, level.sku), level.on_hand)
        self.publisher.start(now_open=() if self.fresh else unreserved_orders(oms))
        self.publisher.flush()
        self.publisher.wake_until(self.clock, self.day.waves[0].ends_at if self.day.waves else DAY_START)
        for wave in self.day.waves:
            self._wave(wave)
        pushes = {(push.ref, push.tracking_number) for push in self.channels.tracking_pushes}
        return summarise(
            oms,
            self.tally,
            self.holds,
            storage=self.store.kind,
            fresh=self.fresh,
            write_backs=len(pushes),
            scenario={"seed": self.day.seed, "orders_requested": self.day.orders, "waves": len(self.day.waves)},
            publishing=self.publisher.figures(),
        )

    # --- one wave ---------------------------------------------------------------------------------------

    def _wave(self, wave: Wave) -> None:
        oms, tally, publisher = self.oms, self.tally, self.publisher
        what = f"{wave.label}{' live stream' if wave.live_spike else ''}"
        self.clock.set(max(self.clock.now(), wave.ends_at))
        if self.fresh:
            self._parcels_leave(wave)
        self._pull(wave, what)
        tally.record_stages(oms.process(release=False))
        publisher.reserved()
        self.holds.observe(oms, wave.index)
        for payload in wave.late_arrivals:
            self._take_in(payload, what)
        if self.fresh:
            self._customer_service(wave.index)
            if wave.receipts:
                for receipt in wave.receipts:
                    oms.receive_stock(receipt.location, receipt.sku, receipt.quantity)
                    tally.supply((receipt.location, receipt.sku), receipt.quantity)
                    tally.units_received += receipt.quantity
                publisher.stock_changed(receipt.sku for receipt in wave.receipts)
        tally.record_stages(oms.process())
        publisher.reserved()
        self.holds.observe(oms, wave.index)
        if self.fresh:
            publisher.stock_changed(self._warehouses(wave.index))
        publisher.flush()
        publisher.wake_until(self.clock, wave.ends_at + WAVE_LENGTH)
        self._tell(f"{what} released")

    def _pull(self, wave: Wave, what: str) -> None:
        """Queue the wave's payloads as one page per shop, then pull every shop (in shop order) and take in."""
        pages: dict[Channel, list[Mapping[str, Any]]] = {}
        for payload in wave.arrivals:
            pages.setdefault(Channel(str(payload["platform"]), str(payload["shop"])), []).append(payload)
        for channel in sorted(pages):
            self.channels.queue_page(channel, pages[channel])
        for channel in sorted(pages):
            pulled = self.channels.pull_orders(channel, self.cursors.get(channel, ""))
            self.cursors[channel] = pulled.cursor
            for payload in pulled.payloads:
                self._take_in(payload, what)

    def _take_in(self, payload: Mapping[str, Any], what: str) -> None:
        try:
            po, result = self.tally.take_in_order(self.oms, payload)
        except InvalidInput as error:
            self.tally.malformed.append(MalformedLine.of(self.tally.deliveries, error))
        else:
            if result.status is IntakeStatus.CREATED:
                self.publisher.sold(po)
            elif result.status is IntakeStatus.REVISED:
                self.publisher.revised(po)
            elif result.status is IntakeStatus.CANCELLED and not result.created:
                self.publisher.cancelled(po.ref)
        if self.tally.deliveries % 25 == 0:
            self._tell(what)

    def _tell(self, what: str) -> None:
        if self.progress is not None:
            self.progress(self.tally.deliveries, self.total, what)

    # --- people and warehouses --------------------------------------------------------------------------

    def _customer_service(self, wave: int) -> None:
        """Work the holds seen in an earlier wave: note memos; phone COD buyers above the limit."""
        oms, tally, seed = self.oms, self.tally, self.day.seed
        for order_id in oms.orders_with_status(OrderStatus.HELD):
            first = self.holds.first_seen.get(order_id)
            if first is None or first >= wave:
                continue
            order = oms.order(order_id)
            if order is None:
                continue
            if order.has_hold(HoldKind.MEMO):
                oms.release_hold(order_id, HoldKind.MEMO, "memo read and noted by customer service")
                tally.holds_released += 1
            if order.has_hold(HoldKind.COD_LIMIT):
                if chance(seed, "cod", order.ref) < COD_CONFIRMED:
                    oms.release_hold(order_id, HoldKind.COD_LIMIT, "buyer confirmed the COD order by phone")
                    tally.holds_released += 1
                elif oms.cancel(order_id, "buyer declined the COD order by phone").cancelled:
                    tally.operator_cancels += 1
                    for ref in order.refs:
                        self.publisher.cancelled(ref)

    def _parcels_leave(self, wave: Wave) -> None:
        """Parcels that left the warehouse before the platform's cancellation reached omscore."""
        for ref in wave.parcels_left:
            order = self.oms.order_by_ref(ref)
            if order is not None and order.merged_into is not None:
                order = self.oms.order(order.merged_into)
            if order is None:
                continue
            for shipment in self.oms.shipments(order.id):
                if shipment.status is ShipmentStatus.RELEASED and shipment.carrier is not None:
                    self.fulfilment.mark_left(shipment.id)
                    self.left.add(shipment.id)
                    self.released_at.setdefault(shipment.id, _Parcel.of(shipment, wave.index))

    def _warehouses(self, wave: int) -> set[SkuCode]:
        """Confirm parcels 1–3 waves after release (at once for parcels that left early); deliver parcels 2–3
        waves after they shipped. Returns the SKUs shipped."""
        oms, tally, seed = self.oms, self.tally, self.day.seed
        shipped: set[SkuCode] = set()
        for status in (OrderStatus.RELEASED, OrderStatus.PARTIALLY_SHIPPED):
            for order_id in oms.orders_with_status(status):
                if order_id in self.released_orders:
                    continue  # a released order's shipments do not change; they were noted when first seen
                self.released_orders.add(order_id)
                for shipment in oms.shipments(order_id):
                    if shipment.status is ShipmentStatus.RELEASED and shipment.carrier is not None:
                        self.released_at.setdefault(shipment.id, _Parcel.of(shipment, wave))
        for shipment_id, parcel in sorted(self.released_at.items()):
            roll = chance(seed, "pack", parcel.key)
            delay = 1 if roll < 0.8 else 2 if roll < 0.95 else 3
            if shipment_id not in self.left and wave < parcel.wave + delay:
                continue
            del self.released_at[shipment_id]
            tracking = tracking_number(seed, parcel.key, parcel.carrier)
            result = oms.confirm_shipment(shipment_id, parcel.carrier, tracking)
            if result.status is ConfirmStatus.SHIPPED:
                tally.confirmed_shipments += 1
                shipped.update(parcel.skus)
                self.shipped_at[shipment_id] = attrs.evolve(parcel, wave=wave)
        for shipment_id, parcel in sorted(self.shipped_at.items()):
            delay = 2 if chance(seed, "deliver", parcel.key) < 0.6 else 3
            if wave >= parcel.wave + delay:
                del self.shipped_at[shipment_id]
                if oms.confirm_delivered(shipment_id):
                    tally.confirmed_deliveries += 1
        return shipped


@attrs.frozen
class _Parcel:
    """A shipment as the warehouse sees it: the wave it reached its current state, its carrier, and a key that
    names it by content (first platform order and location) rather than by id, so that warehouse decisions do
    not depend on how a store numbers its ids."""

    wave: int
    carrier: CarrierId
    key: str
    skus: frozenset[SkuCode]

    @classmethod
    def of(cls, shipment: Shipment, wave: int) -> _Parcel:
        assert shipment.carrier is not None
        skus = frozenset(line.sku for line in shipment.lines)
        return cls(wave, shipment.carrier, f"{shipment.origins[0]}@{shipment.location}", skus)


def tracking_number(seed: int, parcel: str, carrier: str) -> str:
    """The tracking number the carrier gives a parcel (fixed by seed and parcel)."""
    return f"{carrier}{random.Random(f'{seed}:tracking:{parcel}').randrange(10**12):012d}"
