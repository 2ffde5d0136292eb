"""A seeded discrete-event simulator of selling one stock pool in several shops under sync lag.

Every shop shows a quantity per listing and decrements it itself on each sale; a buyer who finds zero goes away.
omscore learns of a sale ``lag`` minutes after it was made, reserves stock for it (or finds none: an oversold
unit) and republishes. Receipts add stock at fixed times. The same demand streams (one Poisson stream per shop
and SKU, from one seed) are replayed for every publishing policy, so policies are compared on identical buyers.

Policies:

* ``share_all``: every shop is set to all the stock omscore knows of (the vendor default).
* ``fixed``: a largest-remainder partition of the stock by demand share, set once (receipts are partitioned
  the same way and added).
* ``lr_reset``: the largest-remainder partition of the stock omscore knows of, set absolutely after every
  event.
* ``omscore``: omscore's :class:`~omscore.app.publishing.PublishingEngine`, driven through its ports.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

import attrs

from omscore.app.publishing import PublishingEngine, PublishingSettings
from omscore.domain.catalog import Catalog, Listing, Sku
from omscore.domain.identity import CarrierId, Channel, ExternalOrderRef, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.domain.money import allocate
from omscore.policies.sharing import PoolSettings, ShareSettings, SharingConfig, SharingMethod
from omscore.ports.channel import PulledOrders

EPOCH = datetime(2024, 6, 18, 20, 0, tzinfo=UTC)
WAREHOUSE = LocationId("WH")


@attrs.frozen
class SkuSpec:
    """One SKU of a scenario: starting stock, demand per shop (orders per hour), receipts (minute, units)."""

    code: str
    stock: int
    rates: tuple[float, ...]
    receipts: tuple[tuple[float, int], ...] = ()


@attrs.frozen
class Scenario:
    """What is simulated: SKUs, the number of shops, the lag, the sell-through horizon and how long buyers come.

    ``horizon`` (minutes) is when sell-through is measured; buyers keep coming until ``until`` so that every
    oversell a policy would cause is counted.
    """

    skus: tuple[SkuSpec, ...]
    shops: int
    lag: float
    horizon: float
    until: float


@attrs.frozen
class Outcome:
    """Totals over all runs of one policy."""

    supplied: int = 0
    sold_by_horizon: int = 0
    shipped_by_horizon: int = 0
    oversold: int = 0
    runs_with_oversell: int = 0
    pushes: int = 0
    sales: int = 0
    runs: int = 0

    def add(self, other: Outcome) -> Outcome:
        return Outcome(*(a + b for a, b in zip(attrs.astuple(self), attrs.astuple(other), strict=True)))

    @property
    def oversold_per_100(self) -> float:
        return 100.0 * self.oversold / self.supplied if self.supplied else 0.0

    @property
    def sell_through(self) -> float:
        """Units the shops sold by the horizon, oversold ones included (the research definition), per 100
        units of stock."""
        return 100.0 * self.sold_by_horizon / self.supplied if self.supplied else 0.0

    @property
    def shipped_sell_through(self) -> float:
        """Units sold by the horizon that stock was there for, per 100 units of stock."""
        return 100.0 * self.shipped_by_horizon / self.supplied if self.supplied else 0.0

    @property
    def p_oversell(self) -> float:
        return self.runs_with_oversell / self.runs if self.runs else 0.0

    @property
    def churn(self) -> float:
        """Listing pushes per sale."""
        return self.pushes / self.sales if self.sales else 0.0


# --- the world the policies act on -------------------------------------------------------------------------------


class World:
    """Stock (what omscore's inventory holds) and what every shop shows."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.on_hand = {spec.code: spec.stock for spec in scenario.skus}
        self.reserved = dict.fromkeys(self.on_hand, 0)
        self.shown: dict[tuple[int, str], int] = {}
        self.pushes = 0

    def available(self, sku: str) -> int:
        return self.on_hand[sku] - self.reserved[sku]

    def set(self, shop: int, sku: str, quantity: int) -> None:
        self.shown[(shop, sku)] = max(0, quantity)
        self.pushes += 1

    def adjust(self, shop: int, sku: str, delta: int) -> None:
        self.shown[(shop, sku)] = max(0, self.shown.get((shop, sku), 0) + delta)
        self.pushes += 1


class Policy:
    """A publishing policy: told about starts, learned sales and receipts; acts on the world."""

    def start(self, world: World, now: float) -> None: ...

    def learned(self, world: World, shop: int, sku: str, placed: float, now: float, ok: bool, serial: int) -> None: ...

    def received(self, world: World, sku: str, now: float) -> None: ...

    def wakeup(self) -> float | None:
        return None

    def tick(self, world: World, now: float) -> None: ...


def _weights(rates: Sequence[float]) -> list[int]:
    return [round(rate * 1000) for rate in rates]


class ShareAll(Policy):
    def _publish(self, world: World, sku: str) -> None:
        for shop in range(world.scenario.shops):
            world.set(shop, sku, world.available(sku))

    def start(self, world: World, now: float) -> None:
        for spec in world.scenario.skus:
            self._publish(world, spec.code)

    def learned(self, world: World, shop: int, sku: str, placed: float, now: float, ok: bool, serial: int) -> None:
        self._publish(world, sku)

    def received(self, world: World, sku: str, now: float) -> None:
        self._publish(world, sku)


class FixedPartition(Policy):
    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def _partition(self, world: World, sku: str, units: int) -> None:
        spec = next(s for s in world.scenario.skus if s.code == sku)
        for shop, part in enumerate(allocate(units, _weights(spec.rates))):
            if part:
                world.adjust(shop, sku, part)

    def start(self, world: World, now: float) -> None:
        for spec in world.scenario.skus:
            self._last[spec.code] = world.on_hand[spec.code]
            self._partition(world, spec.code, spec.stock)

    def received(self, world: World, sku: str, now: float) -> None:
        units = world.on_hand[sku] - self._last[sku]
        self._last[sku] = world.on_hand[sku]
        self._partition(world, sku, units)


class LargestRemainderReset(Policy):
    def _publish(self, world: World, sku: str) -> None:
        spec = next(s for s in world.scenario.skus if s.code == sku)
        for shop, part in enumerate(allocate(max(0, world.available(sku)), _weights(spec.rates))):
            world.set(shop, sku, part)

    def start(self, world: World, now: float) -> None:
        for spec in world.scenario.skus:
            self._publish(world, spec.code)

    def learned(self, world: World, shop: int, sku: str, placed: float, now: float, ok: bool, serial: int) -> None:
        self._publish(world, sku)

    def received(self, world: World, sku: str, now: float) -> None:
        self._publish(world, sku)


# --- omscore's engine, through its ports --------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.minutes = 0.0

    def now(self) -> datetime:
        return EPOCH + timedelta(minutes=self.minutes)


class _Gateway:
    """The shops, as a gateway that sets and adjusts (idempotent on key) what they show."""

    def __init__(self, world: World, shops: Sequence[Channel], confirms: bool) -> None:
        self.world = world
        self.confirms = confirms
        self._index = {channel: i for i, channel in enumerate(shops)}
        self._seen: set[str] = set()

    def pull_orders(self, channel: Channel, cursor: str) -> PulledOrders:
        raise NotImplementedError("the simulator delivers sales itself")

    def push_tracking(
        self, ref: ExternalOrderRef, shipment_id: str, carrier: CarrierId, tracking_number: str, line_ids: Sequence[str]
    ) -> None:
        raise NotImplementedError("nothing ships in the simulator")

    def push_stock(self, channel: Channel, quantities: Mapping[str, int]) -> None:
        for listing_id, quantity in quantities.items():
            self.world.set(self._index[channel], listing_id.split("/")[1], quantity)

    def adjust_stock(self, channel: Channel, deltas: Mapping[str, int], key: str) -> Mapping[str, int] | None:
        shop = self._index[channel]
        if key not in self._seen:
            self._seen.add(key)
            for listing_id, delta in deltas.items():
                self.world.adjust(shop, listing_id.split("/")[1], delta)
        if not self.confirms:
            return None
        return {listing_id: self.world.shown.get((shop, listing_id.split("/")[1]), 0) for listing_id in deltas}


class _Stock:
    def __init__(self, world: World) -> None:
        self.world = world

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]:
        return [StockLevel(WAREHOUSE, sku, self.world.on_hand[sku], self.world.reserved[sku])]


def shops_of(count: int) -> list[Channel]:
    return [Channel("shop", f"s{i}") for i in range(count)]


def engine_config(scenario: Scenario, velocity_error: float = 1.0) -> tuple[Catalog, SharingConfig]:
    """One listing per (shop, SKU), each told its demand (× ``velocity_error``) and the lag."""
    shops = shops_of(scenario.shops)
    skus = [Sku(SkuCode(spec.code)) for spec in scenario.skus]
    listings = [
        Listing(shop, f"{shop.shop}/{spec.code}", sku=SkuCode(spec.code)) for spec in scenario.skus for shop in shops
    ]
    settings = {
        (shop, f"{shop.shop}/{spec.code}"): ShareSettings(velocity=spec.rates[i] * velocity_error)
        for spec in scenario.skus
        for i, shop in enumerate(shops)
    }
    config = SharingConfig(
        defaults=ShareSettings(lag_minutes=scenario.lag),
        listings=settings,
        pool=PoolSettings(method=SharingMethod.SHARED),
    )
    return Catalog.build(skus, listings=listings), config


class Engine(Policy):
    """omscore's publishing engine."""

    def __init__(
        self, scenario: Scenario, settings: PublishingSettings, velocity_error: float = 1.0, confirms: bool = True
    ) -> None:
        self._confirms = confirms
        self._scenario = scenario
        self._settings = settings
        self._velocity_error = velocity_error
        self._clock = _Clock()
        self._shops = shops_of(scenario.shops)
        self.engine: PublishingEngine | None = None

    def start(self, world: World, now: float) -> None:
        catalog, config = engine_config(self._scenario, self._velocity_error)
        self.engine = PublishingEngine(
            _Gateway(world, self._shops, self._confirms),
            _Stock(world),
            catalog,
            config,
            self._clock,
            settings=self._settings,
        )
        self._flush(now)

    def _flush(self, now: float) -> None:
        assert self.engine is not None
        self._clock.minutes = now
        self.engine.flush()

    def learned(self, world: World, shop: int, sku: str, placed: float, now: float, ok: bool, serial: int) -> None:
        assert self.engine is not None
        self._clock.minutes = now
        channel = self._shops[shop]
        ref = ExternalOrderRef(channel, str(serial))
        listing_id = f"{channel.shop}/{sku}"
        self.engine.record_sale(ref, listing_id, 1, EPOCH + timedelta(minutes=placed))
        if ok:
            self.engine.mark_reserved(ref, listing_id)
        else:
            self.engine.record_cancelled(ref, listing_id, restored_on_shop=False)
        self._flush(now)

    def received(self, world: World, sku: str, now: float) -> None:
        assert self.engine is not None
        self.engine.stock_changed([SkuCode(sku)])
        self._flush(now)

    def wakeup(self) -> float | None:
        assert self.engine is not None
        moment = self.engine.next_wakeup()
        return None if moment is None else (moment - EPOCH).total_seconds() / 60.0

    def tick(self, world: World, now: float) -> None:
        self._flush(now)


# --- running ---------------------------------------------------------------------------------------------------

_DEMAND, _LEARN, _RECEIPT, _WAKE = 0, 1, 2, 3


def run_once(scenario: Scenario, policy: Policy, seed: int) -> Outcome:
    """One run of ``policy`` on the demand streams of ``seed``."""
    rng = random.Random(seed)
    world = World(scenario)
    events: list[tuple[float, int, int, int, str, float]] = []
    serial = 0
    streams: dict[tuple[int, str], random.Random] = {}
    for spec in scenario.skus:
        for shop, rate in enumerate(spec.rates):
            if rate > 0:
                stream = streams[(shop, spec.code)] = random.Random(rng.getrandbits(64))
                heapq.heappush(events, (stream.expovariate(rate / 60.0), _DEMAND, 0, shop, spec.code, 0.0))
        for moment, _ in spec.receipts:
            heapq.heappush(events, (moment, _RECEIPT, 0, 0, spec.code, 0.0))
    receipts = {spec.code: list(spec.receipts) for spec in scenario.skus}
    supplied = sum(spec.stock + sum(q for _, q in spec.receipts) for spec in scenario.skus)
    policy.start(world, 0.0)
    scheduled: set[float] = set()
    _schedule_wakeup(policy, events, scheduled, 0.0)
    sold = shipped = oversold = sales = 0
    in_flight = 0
    while events:
        now, kind, order, shop, sku, placed = heapq.heappop(events)
        if now > scenario.until:
            break
        if kind == _DEMAND:
            rate = next(s for s in scenario.skus if s.code == sku).rates[shop]
            heapq.heappush(events, (now + streams[(shop, sku)].expovariate(rate / 60.0), _DEMAND, 0, shop, sku, 0.0))
            if world.shown.get((shop, sku), 0) > 0:
                world.shown[(shop, sku)] -= 1
                sales += 1
                in_flight += 1
                serial += 1
                if now <= scenario.horizon:
                    sold += 1
                heapq.heappush(events, (now + scenario.lag, _LEARN, serial, shop, sku, now))
            elif in_flight == 0 and not _anything_left(world, scenario, receipts, now):
                break
            continue
        if kind == _LEARN:
            in_flight -= 1
            ok = world.available(sku) > 0
            if ok:
                world.reserved[sku] += 1
                if placed <= scenario.horizon:
                    shipped += 1
            else:
                oversold += 1
            policy.learned(world, shop, sku, placed, now, ok, order)
        elif kind == _RECEIPT:
            units = next(q for t, q in receipts[sku] if t == now)
            world.on_hand[sku] += units
            policy.received(world, sku, now)
        else:
            scheduled.discard(now)
            policy.tick(world, now)
        _schedule_wakeup(policy, events, scheduled, now)
    return Outcome(supplied, sold, shipped, oversold, 1 if oversold else 0, world.pushes, sales, 1)


def _anything_left(
    world: World, scenario: Scenario, receipts: Mapping[str, list[tuple[float, int]]], now: float
) -> bool:
    if any(quantity > 0 for quantity in world.shown.values()):
        return True
    if any(t > now for items in receipts.values() for t, _ in items):
        return True
    return any(world.available(spec.code) > 0 for spec in scenario.skus)


def _schedule_wakeup(
    policy: Policy, events: list[tuple[float, int, int, int, str, float]], scheduled: set[float], now: float
) -> None:
    moment = policy.wakeup()
    if moment is None:
        return
    moment = max(moment, now + 1e-6)
    if moment not in scheduled:
        scheduled.add(moment)
        heapq.heappush(events, (moment, _WAKE, 0, 0, "", 0.0))


def run(scenario: Scenario, make: Callable[[], Policy], runs: int, seed: int) -> Outcome:
    """``runs`` runs of a fresh policy from ``make``; run ``i`` uses demand seed ``seed + i``."""
    total = Outcome()
    for i in range(runs):
        total = total.add(run_once(scenario, make(), seed + i))
    return total


def single_sku(stock: int, orders_per_hour: float, lag: float, shares: Sequence[float]) -> Scenario:
    """The research set-up: one SKU, shops with fixed demand shares, sell-through at stock ÷ demand."""
    rates = tuple(orders_per_hour * share for share in shares)
    horizon = 60.0 * stock / orders_per_hour
    return Scenario((SkuSpec("A", stock, rates),), len(shares), lag, horizon, 20 * horizon)
