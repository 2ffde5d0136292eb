"""The seeded synthetic day: what the platforms send, wave by wave, and how stock is laid out for it.

:func:`generate_day` is a pure function of ``(orders, seed)``: the same arguments always give the same waves,
payloads and stock. The day is Double 11 (双十一) in twelve two-hour waves. Each platform order gets a *story*
that decides what the platforms send about it and when:

* plain: one delivery; ≈10 % of orders are re-sent once or twice more (the same revision again, sometimes in the
  next wave, sometimes while the batch is being routed);
* revised before routing, after allocation (the order is un-routed and reviewed again), or too late (after
  release); or sent out of order, the newer revision first, so the older one arrives stale;
* an incomplete address (no street), corrected by a newer revision in the next wave;
* cancelled on the platform before routing, after allocation, after release (the parcel is intercepted), after
  the parcel already left the warehouse, or after it shipped (both too late);
* a second order of the same buyer to the same recipient within the merge window, spelled differently
  (full-width digits, spaces, case, phone format), so the two merge — and some of those are cancelled after
  the merge, so it is undone.

Orders carry kits, platform gifts, presale lines, COD payments (some above the shop's COD limit), buyer and
seller memos, listings nobody mapped, store pickups, remote and overseas addresses. Wave 10 (20:00–22:00) is a
live-stream spike on the Douyin shop that sells out the limited edition; goods receipts arrive at noon and
after the live stream.

What each order holds comes from :mod:`omscore.demo.order_mix`; the stock and the receipts are laid out against
the day's demand by :mod:`omscore.demo.stock_layout`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

import attrs

from omscore.boundary.payload import dump_platform_order
from omscore.demo.merchant import merchant_document
from omscore.demo.order_mix import OrderMix
from omscore.demo.people import respelled
from omscore.demo.stock_layout import Receipt, lay_out_stock
from omscore.domain.identity import ExternalOrderRef
from omscore.domain.money import Money, allocate
from omscore.domain.order import PaymentMode
from omscore.domain.platform_order import PlatformOrder, PlatformStatus

CHINA: Final = timezone(timedelta(hours=8), "CST")
#: When the day starts: midnight of Double 11, China time.
DAY_START: Final = datetime(2026, 11, 11, tzinfo=CHINA)
WAVE_LENGTH: Final = timedelta(hours=2)
#: Share of the day's orders placed in each wave (the midnight rush, a quiet night, the evening live stream).
WAVE_WEIGHTS: Final = (14, 3, 1, 2, 5, 7, 7, 6, 7, 8, 16, 6)
LIVE_SPIKE_WAVE: Final = 10

_CHANNEL_WEIGHTS: Final = {
    ("tmall", "flagship"): 35,
    ("tmall", "outlet"): 12,
    ("jd", "self-run"): 25,
    ("douyin", "live"): 18,
    ("shopify", "global"): 10,
}
_SPIKE_CHANNEL_WEIGHTS: Final = {**_CHANNEL_WEIGHTS, ("douyin", "live"): 240}


@attrs.frozen
class Wave:
    """Two hours of the day.

    Attributes:
        index: 0 … 11.
        starts_at: start of the wave (the orders of the wave are placed within it).
        arrivals: payloads pulled from the platforms at the end of the wave, in the order they were sent.
        late_arrivals: payloads that arrive while the wave's orders are being routed (after allocation,
            before release).
        parcels_left: platform orders whose released parcels left the warehouse before their cancellation
            (in ``arrivals``) reached omscore.
        receipts: goods received before the wave is released.
        live_spike: the Douyin live stream is on.
    """

    index: int
    starts_at: datetime
    arrivals: tuple[Mapping[str, Any], ...]
    late_arrivals: tuple[Mapping[str, Any], ...]
    parcels_left: tuple[ExternalOrderRef, ...]
    receipts: tuple[Receipt, ...]
    live_spike: bool

    @property
    def ends_at(self) -> datetime:
        """End of the wave: when its orders are pulled."""
        return self.starts_at + WAVE_LENGTH

    @property
    def label(self) -> str:
        """``"20:00–22:00"`` in China time."""
        start = self.starts_at.astimezone(CHINA)
        return f"{start:%H:%M}–{(start + WAVE_LENGTH):%H:%M}"

    @property
    def deliveries(self) -> int:
        """Payloads sent during the wave."""
        return len(self.arrivals) + len(self.late_arrivals)


@attrs.frozen
class Day:
    """A generated day: the merchant, the waves, and every platform order sent.

    Attributes:
        seed, orders: the arguments of :func:`generate_day`.
        merchant: the merchant's configuration document, with stock laid out for the day's demand.
        waves: the twelve waves, in time order.
        refs: every platform order of the day, in the order first created.
    """

    seed: int
    orders: int
    merchant: Mapping[str, Any]
    waves: tuple[Wave, ...]
    refs: tuple[ExternalOrderRef, ...]

    @property
    def deliveries(self) -> int:
        """Payloads sent during the day (every re-send and revision counts)."""
        return sum(wave.deliveries for wave in self.waves)


def generate_day(orders: int = 2000, seed: int = 7) -> Day:
    """Generate the day of ``orders`` platform orders from ``seed``.

    Raises:
        ValueError: ``orders`` is negative or ``seed`` is negative.
    """
    if orders < 0:
        raise ValueError(f"orders must not be negative (got {orders})")
    if seed < 0:
        raise ValueError(f"seed must not be negative (got {seed})")
    return _DayBuilder(orders, seed).build()


# --- building ------------------------------------------------------------------------------------------------

_ARRIVAL, _LATE = 0, 1


@attrs.define
class _Sent:
    """One payload placed in the day: its wave, phase (arrivals or late arrivals), sort time and payload."""

    wave: int
    phase: int
    at: datetime
    seq: int
    payload: Mapping[str, Any]


class _DayBuilder:
    def __init__(self, orders: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.orders = orders
        self.seed = seed
        self.waves = len(WAVE_WEIGHTS)
        self.sent: list[_Sent] = []
        self.left: dict[int, list[ExternalOrderRef]] = {}
        self.mix = OrderMix(self.rng, seed)

    def build(self) -> Day:
        sizes = allocate(self.orders, WAVE_WEIGHTS) if self.orders else [0] * self.waves
        for wave, size in enumerate(sizes):
            made = 0
            while made < size:
                made += self._base_order(wave, room=size - made)
        stock, receipts = lay_out_stock(self.mix.demand, self.mix.pickup_demand)
        waves = []
        for index in range(self.waves):
            mine = sorted((s for s in self.sent if s.wave == index), key=lambda s: (s.phase, s.at, s.seq))
            waves.append(
                Wave(
                    index=index,
                    starts_at=(DAY_START + index * WAVE_LENGTH).astimezone(UTC),
                    arrivals=tuple(s.payload for s in mine if s.phase == _ARRIVAL),
                    late_arrivals=tuple(s.payload for s in mine if s.phase == _LATE),
                    parcels_left=tuple(self.left.get(index, ())),
                    receipts=tuple(r for w, r in receipts if w == index),
                    live_spike=index == LIVE_SPIKE_WAVE,
                )
            )
        return Day(self.seed, self.orders, merchant_document(stock), tuple(waves), tuple(self.mix.refs))

    # --- one order and its story ------------------------------------------------------------------------

    def _base_order(self, wave: int, room: int) -> int:
        """Create an order (and maybe the same buyer's second order); returns how many were created."""
        rng = self.rng
        weights = _SPIKE_CHANNEL_WEIGHTS if wave == LIVE_SPIKE_WAVE else _CHANNEL_WEIGHTS
        platform, shop = rng.choices(list(weights), weights=list(weights.values()))[0]
        buyer = self.mix.buyer(platform)
        start = DAY_START + wave * WAVE_LENGTH
        placed_at = start + timedelta(seconds=rng.randrange(int(WAVE_LENGTH.total_seconds()) - 600))
        first = self.mix.contents(platform, shop, buyer, placed_at, spike=wave == LIVE_SPIKE_WAVE)
        self._story(first, wave)
        if room < 2 or first.payment is PaymentMode.COD or first.pickup_location is not None or rng.random() > 0.13:
            return 1
        later = placed_at + timedelta(minutes=rng.randint(3, 80))
        if later >= start + WAVE_LENGTH:
            return 1
        second = self.mix.contents(platform, shop, buyer, later, spike=False, payment=PaymentMode.PREPAID, plain=True)
        second = attrs.evolve(second, recipient=respelled(rng, first.recipient))
        if rng.random() < 0.15:
            self._send(second, wave, _ARRIVAL, later)
            self._send(_cancelled(second), wave, _LATE, later)
        else:
            self._plain(second, wave, later)
        return 2

    def _story(self, po: PlatformOrder, wave: int) -> None:
        rng = self.rng
        at = po.placed_at + timedelta(seconds=rng.randint(5, 180))
        last = wave == self.waves - 1
        nxt = min(wave + 1, self.waves - 1)
        nxt_phase = _LATE if last else _ARRIVAL
        roll = rng.random()
        if roll < 0.065:  # cancelled on the platform
            stage = rng.random()
            self._send(po, wave, _ARRIVAL, at)
            cancel = _cancelled(po)
            if stage < 0.30:
                self._send(cancel, wave, _ARRIVAL, at + timedelta(minutes=rng.randint(1, 30)))
            elif stage < 0.60:
                self._send(cancel, wave, _LATE, at)
            elif stage < 0.82:
                self._send(cancel, nxt, nxt_phase, self._wave_time(nxt))
            elif stage < 0.92:
                self._send(cancel, nxt, nxt_phase, self._wave_time(nxt))
                if not last:
                    self.left.setdefault(nxt, []).append(po.ref)
            else:
                late = min(wave + 4, self.waves - 1)
                self._send(cancel, late, _LATE if late == wave else _ARRIVAL, self._wave_time(late))
            self._maybe_resend(po, wave, at)
        elif roll < 0.125:  # a newer revision
            newer = self._revised(po)
            kind = rng.random()
            if kind < 0.35:
                self._send(po, wave, _ARRIVAL, at)
                self._send(newer, wave, _ARRIVAL, at + timedelta(minutes=rng.randint(1, 20)))
            elif kind < 0.60:
                self._send(po, wave, _ARRIVAL, at)
                self._send(newer, wave, _LATE, at)
            elif kind < 0.78:
                self._send(po, wave, _ARRIVAL, at)
                self._send(newer, nxt, nxt_phase, self._wave_time(nxt))
            else:  # out of order: the newer revision overtakes the older one
                self._send(newer, wave, _ARRIVAL, at)
                self._send(po, wave, _ARRIVAL, at + timedelta(minutes=rng.randint(1, 10)))
            self._maybe_resend(newer, wave, at)
        elif roll < 0.135 and po.pickup_location is None:  # no street: held, then corrected by the buyer
            address = po.recipient.address
            blank = attrs.evolve(po, recipient=attrs.evolve(po.recipient, address=attrs.evolve(address, street="")))
            self._send(blank, wave, _ARRIVAL, at)
            self._send(attrs.evolve(po, revision=po.revision + 1), nxt, nxt_phase, self._wave_time(nxt))
        else:
            self._plain(po, wave, at)

    def _plain(self, po: PlatformOrder, wave: int, at: datetime) -> None:
        self._send(po, wave, _ARRIVAL, at)
        self._maybe_resend(po, wave, at)

    def _maybe_resend(self, po: PlatformOrder, wave: int, at: datetime) -> None:
        """Re-send ≈10 % of orders once or twice more (platform pulls overlap, push notifications repeat)."""
        rng = self.rng
        if rng.random() >= 0.10:
            return
        for _ in range(1 if rng.random() < 0.7 else 2):
            where = rng.random()
            if where < 0.6 or wave == self.waves - 1:
                self._send(po, wave, _ARRIVAL, at + timedelta(minutes=rng.randint(1, 30)))
            elif where < 0.85:
                self._send(po, wave + 1, _ARRIVAL, self._wave_time(wave + 1))
            else:
                self._send(po, wave, _LATE, at)

    def _send(self, po: PlatformOrder, wave: int, phase: int, at: datetime) -> None:
        self.sent.append(_Sent(wave, phase, at, len(self.sent), dump_platform_order(po)))

    def _wave_time(self, wave: int) -> datetime:
        return DAY_START + wave * WAVE_LENGTH + timedelta(seconds=self.rng.randrange(3600))

    def _revised(self, po: PlatformOrder) -> PlatformOrder:
        """A newer revision: the buyer changed a quantity or corrected the house number."""
        if self.rng.random() < 0.5:
            line = po.lines[0]
            unit = line.unit_price.minor if line.unit_price is not None else line.amount.minor // line.quantity
            discount = line.discount.minor if line.discount is not None else 0
            more = attrs.evolve(
                line, quantity=line.quantity + 1, amount=Money(unit * (line.quantity + 1) - discount, po.currency)
            )
            return attrs.evolve(po, revision=po.revision + 1, lines=(more, *po.lines[1:]))
        address = po.recipient.address
        street = f"{address.street} (门牌 {self.rng.randint(1, 99)})"
        recipient = attrs.evolve(po.recipient, address=attrs.evolve(address, street=street))
        return attrs.evolve(po, revision=po.revision + 1, recipient=recipient)


def _cancelled(po: PlatformOrder) -> PlatformOrder:
    return attrs.evolve(po, revision=po.revision + 1, status=PlatformStatus.CANCELLED)
