"""Stock publishing (库存同步) in a run: every shop kept at its share of the stock, and a check that they never
show more than there is.

A :class:`Publisher` owns the run's :class:`~omscore.app.publishing.PublishingEngine` and tells it what happens:
the platform orders taken in (their sales, which the shops themselves have already taken from what they show),
their reservations, cancellations and stock changes. After every flush it checks, independently of the engine,
that for every SKU the quantities the shops show (read from the channel gateway) add up to no more than the
pool (the stock that can still be promised: available at every location, read from the store, less the units
of orders taken in but not reserved yet).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from omscore.adapters.memory import RecordingChannelGateway
from omscore.adapters.system import ManualClock
from omscore.app.pipeline import OrderManagement
from omscore.app.publishing import PublishingEngine, PublishingSettings
from omscore.bootstrap import Store
from omscore.domain.catalog import Catalog
from omscore.domain.identity import Channel, ExternalOrderRef, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.domain.order import Order
from omscore.domain.order_status import OrderStatus
from omscore.domain.platform_order import PlatformOrder
from omscore.policies.sharing import SharingConfig, StockLock
from omscore.ports.clock import Clock

#: Orders whose stock is not reserved yet (a merged order's sources are counted in the merged order).
UNRESERVED: tuple[OrderStatus, ...] = (OrderStatus.RECEIVED, OrderStatus.HELD, OrderStatus.APPROVED)
#: Orders whose stock is reserved (or already shipped).
RESERVED: frozenset[OrderStatus] = frozenset(
    {
        OrderStatus.ALLOCATED,
        OrderStatus.RELEASED,
        OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.SHIPPED,
        OrderStatus.COMPLETED,
    }
)
#: Most flushes made at wake-ups between two events (a guard; the engine asks for far fewer).
_MAX_WAKEUPS = 1_000
#: Most merges followed from a platform order to the order that carries it.
_MAX_MERGES = 100


class StoreStock:
    """The store's stock levels, each read in a unit of work of its own (what the engine reads the pool from)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]:
        with self._store.uow() as uow:
            return uow.inventory.levels_of_sku(sku)

    def all_levels(self) -> list[StockLevel]:
        with self._store.uow() as uow:
            return uow.inventory.all_levels()


@attrs.frozen
class Sale:
    """Units of one listing in one platform order."""

    ref: ExternalOrderRef
    listing_id: str
    quantity: int
    placed_at: datetime


def listing_sales(po: PlatformOrder, catalog: Catalog) -> dict[str, int]:
    """Units per listing the catalog maps, of a platform order (lines of one listing added up)."""
    units: Counter[str] = Counter()
    for line in po.lines:
        if catalog.listing(po.ref.channel, line.listing_id) is not None:
            units[line.listing_id] += line.quantity
    return dict(units)


def unreserved_sales(order: Order, catalog: Catalog) -> list[Sale]:
    """The sales an order whose stock is not reserved yet stands for: units per (platform order, listing), a kit
    counted in kits (read from its first component line)."""
    units: Counter[tuple[ExternalOrderRef, str]] = Counter()
    kits_seen: set[tuple[str, str]] = set()
    for line in order.lines:
        listing = catalog.listing(line.origin.channel, line.listing_id)
        if listing is None or not line.sku:
            continue
        if listing.kit is None:
            units[(line.origin, line.listing_id)] += line.quantity
            continue
        instance = (line.origin.external_id, line.kit_instance or line.id)
        kit = catalog.kits.get(listing.kit)
        if instance in kits_seen or kit is None:
            continue
        kits_seen.add(instance)
        per_kit = next((c.quantity for c in kit.components if c.sku == line.sku), 0)
        if per_kit:
            units[(line.origin, line.listing_id)] += line.quantity // per_kit
    return [Sale(ref, lid, quantity, order.placed_at) for (ref, lid), quantity in units.items() if quantity > 0]


def unreserved_orders(oms: OrderManagement) -> list[Order]:
    """Every stored order whose stock is not reserved yet, in id order."""
    ids = sorted(order_id for status in UNRESERVED for order_id in oms.orders_with_status(status))
    return [order for order_id in ids if (order := oms.order(order_id)) is not None]


@attrs.define
class _EngineSale:
    """A sale the engine was told of: its key and units, and whether it was marked reserved."""

    ref: ExternalOrderRef
    listing_id: str
    quantity: int
    reserved: bool = False


@attrs.frozen
class PublishingFigures:
    """What stock publishing did in a run.

    Attributes:
        published: per shop, what each listing shows at the end (listing id → quantity).
        pushes: listings pushed (sets and adjustments).
        push_calls: calls made to the platforms to push them.
        oversold_units: units of orders that arrived for stock that was not there (the engine's report; a sale
            told again after its order lost its reservation is not counted twice).
        over_pool: flushes after which some SKU's listings showed more than its pool, counted per SKU.
        open_drift: flushes after which the engine counted other units of some SKU's orders not yet reserved
            than the store holds, counted per SKU.
        flushes: flushes made (and checked).
        sold_beyond_shown: units the shops sold beyond what their listings showed (buyers of the demo day are
            generated beforehand and order whatever the shops show; a platform would refuse those sales).
    """

    published: Mapping[str, Mapping[str, int]]
    pushes: int
    push_calls: int
    oversold_units: int
    over_pool: int
    open_drift: int
    flushes: int
    sold_beyond_shown: int


class Publisher:
    """The run's stock publishing: the engine, the shops' own sales and the over-pool check.

    Args:
        oms: the application (to read orders back).
        store: where stock is read.
        channels: the shops; it must keep what every listing shows.
        catalog: the listings to publish.
        sharing: the merchant's sharing settings.
        locks: stock locks (live streams, promotions).
        clock: the run's clock.
        settings: how the engine publishes.
    """

    def __init__(
        self,
        oms: OrderManagement,
        store: Store,
        channels: RecordingChannelGateway,
        catalog: Catalog,
        sharing: SharingConfig,
        locks: Sequence[StockLock],
        clock: Clock,
        settings: PublishingSettings | None = None,
    ) -> None:
        self._oms = oms
        self._stock = StoreStock(store)
        self._channels = channels
        self._catalog = catalog
        self.engine = PublishingEngine(channels, self._stock, catalog, sharing, clock, settings=settings, locks=locks)
        self._published = {key for key in catalog.listings if sharing.rule_for(*key, _first_sku(catalog, key)).enabled}
        self._needs: dict[SkuCode, list[tuple[Channel, str, int]]] = {}
        self._skus: dict[tuple[Channel, str], tuple[SkuCode, ...]] = {}
        for (channel, listing_id), listing in sorted(catalog.listings.items()):
            if (channel, listing_id) not in self._published:
                continue
            if listing.sku is not None:
                needs = [(listing.sku, 1)]
            else:
                needs = [(c.sku, c.quantity) for c in catalog.kits[listing.kit or ""].components]
            for sku, per_unit in needs:
                self._needs.setdefault(sku, []).append((channel, listing_id, per_unit))
            self._skus[(channel, listing_id)] = tuple(sku for sku, _ in needs)
        self._sold: dict[ExternalOrderRef, dict[str, int]] = {}  # units per listing the shop sold
        self._sales: dict[ExternalOrderRef, list[_EngineSale]] = {}  # what the engine was told, per order
        self._reopened = 0
        self._reopen_keys: set[ExternalOrderRef] = set()
        self.over_pool = 0
        self.open_drift = 0
        self.flushes = 0

    # --- events -----------------------------------------------------------------------------------------

    def start(self, *, now_open: Iterable[Order] = ()) -> None:
        """Make the next flush publish every listing afresh, after telling the engine of the orders taken in
        earlier and not yet reserved (on a store an earlier run filled)."""
        for order in now_open:
            for sale in unreserved_sales(order, self._catalog):
                self._record(sale.ref, sale.ref, sale.listing_id, sale.quantity, sale.placed_at)
                self._sold.setdefault(sale.ref, {})[sale.listing_id] = sale.quantity
        # Orders still waiting for stock were sold beyond it in the run that took them in: count only this run's.
        self._reopen_keys.update(o.ref for o in self.engine.oversold())
        self.engine.resync()

    def sold(self, po: PlatformOrder) -> None:
        """A new platform order: a sale the shop made (what its listings show fell), which the engine hears of now."""
        units = listing_sales(po, self._catalog)
        for listing_id, quantity in units.items():
            self._channels.sell(po.ref.channel, listing_id, quantity)
            self._record(po.ref, po.ref, listing_id, quantity, po.placed_at)
        if units:
            self._sold[po.ref] = units

    def revised(self, po: PlatformOrder) -> None:
        """A newer revision of a platform order was applied: the shop sold what it added (the engine hears of it
        as a sale of its own) and put back what it took off; omscore re-routes the order, so its stock moved."""
        sold = self._sold.get(po.ref)
        if sold is None:
            return
        units = listing_sales(po, self._catalog)
        for listing_id in sorted(set(sold) | set(units)):
            change = units.get(listing_id, 0) - sold.get(listing_id, 0)
            if change > 0:
                self._channels.sell(po.ref.channel, listing_id, change)
                extra = ExternalOrderRef(po.ref.channel, f"{po.ref.external_id}#{po.revision}")
                self._record(po.ref, extra, listing_id, change, po.placed_at)
            elif change < 0:  # the engine keeps the units it was told of: it errs on the side of showing less
                self._channels.restore(po.ref.channel, listing_id, -change)
        self._sold[po.ref] = units
        self.engine.stock_changed(self._skus_of(po.ref.channel, set(sold) | set(units)))

    def cancelled(self, ref: ExternalOrderRef) -> None:
        """A platform order was cancelled: the shop puts its units back on sale, and its stock was released."""
        sold = self._sold.pop(ref, {})
        for listing_id, quantity in sold.items():
            if quantity > 0:
                self._channels.restore(ref.channel, listing_id, quantity)
        for sale in self._sales.pop(ref, []):
            self.engine.record_cancelled(sale.ref, sale.listing_id)
        self.engine.stock_changed(self._skus_of(ref.channel, sold))

    def reserved(self) -> None:
        """Tell the engine of the sales whose orders have their stock reserved now, and that the stock of the
        gift SKUs may have moved (a gift is reserved with its order but sold through no listing)."""
        gifts = self._oms.ctx.settings.gifts
        rules = [*gifts.rules, *(rule for shop in gifts.shop_rules.values() for rule in shop)]
        gift_skus = {sku for rule in rules for gift in rule.gifts for sku, _ in gift.options}
        if gift_skus:
            self.engine.stock_changed(gift_skus)
        for ref, sales in self._sales.items():
            waiting = [sale for sale in sales if not sale.reserved]
            if not waiting:
                continue
            order = self._oms.order_by_ref(ref)
            for _ in range(_MAX_MERGES):  # a merged order may itself be merged into a later one
                if order is None or order.merged_into is None:
                    break
                order = self._oms.order(order.merged_into)
            if order is not None and order.status in RESERVED and not self._part_waits(order):
                for sale in waiting:
                    self.engine.mark_reserved(sale.ref, sale.listing_id)
                    sale.reserved = True

    def _family(self, order: Order) -> list[Order]:
        """The order a backorder part (有货先发) was split from, and every part of it, at any depth."""
        root = order
        while root.backorder_of is not None and (parent := self._oms.order(root.backorder_of)) is not None:
            root = parent
        family, queue = [], [root]
        while queue:
            member = queue.pop()
            family.append(member)
            queue.extend(part for part_id in member.backorders if (part := self._oms.order(part_id)) is not None)
        return family

    def _part_waits(self, order: Order) -> bool:
        """Whether a backorder part of ``order`` still waits for its stock: the engine counts a platform order's
        sales as reserved only once all its units are (until then it keeps showing less, never more)."""
        return bool(order.backorders) and any(o.status in UNRESERVED for o in self._family(order))

    def _reopen(self, orders: Iterable[Order]) -> None:
        """Sales the engine counts as reserved whose order is not reserved any more (a revision un-routed it, or
        an undone merge, and routing it again is waiting) are told again as open sales: the engine lets the shop
        restore the old sale and hears of a new one of the same units, so what it expects the shop to show does
        not change."""
        for order in orders:
            for ref in sorted({line.origin for line in order.lines}, key=str):
                sales = self._sales.get(ref, [])
                for sale in [sale for sale in sales if sale.reserved]:
                    sales.remove(sale)
                    self.engine.record_cancelled(sale.ref, sale.listing_id)
                    self._reopened += 1
                    key = ExternalOrderRef(ref.channel, f"{ref.external_id}#open{self._reopened}")
                    self._reopen_keys.add(key)
                    self._record(ref, key, sale.listing_id, sale.quantity, order.placed_at)

    def _record(
        self, ref: ExternalOrderRef, key: ExternalOrderRef, listing_id: str, quantity: int, placed_at: datetime
    ) -> None:
        self.engine.record_sale(key, listing_id, quantity, placed_at)
        self._sales.setdefault(ref, []).append(_EngineSale(key, listing_id, quantity))

    def _skus_of(self, channel: Channel, listing_ids: Iterable[str]) -> set[SkuCode]:
        return {sku for listing_id in listing_ids for sku in self._skus.get((channel, listing_id), ())}

    def stock_changed(self, skus: Iterable[SkuCode]) -> None:
        """Stock of ``skus`` changed (a receipt, a shipment)."""
        self.engine.stock_changed(skus)

    def flush(self) -> None:
        """Push what changed, and check the pools."""
        unreserved = unreserved_orders(self._oms)
        self._reopen(unreserved)
        self.engine.flush()
        self._check(unreserved)

    def wake_until(self, clock: ManualClock, before: datetime) -> None:
        """Flush at every moment the engine asks to be woken (a take-back settling, a lock starting or lapsing, a
        rate limit) before ``before``, moving ``clock`` there."""
        for _ in range(_MAX_WAKEUPS):
            wakeup = self.engine.next_wakeup()
            if wakeup is None or wakeup >= before or wakeup <= clock.now():
                return
            clock.set(wakeup)
            self.flush()

    # --- the check and the figures ----------------------------------------------------------------------

    def _check(self, unreserved: Iterable[Order]) -> None:
        """Count the SKUs whose listings show more than the pool, from the gateway and the store alone
        (``unreserved``: the stored orders whose stock is not reserved); and the SKUs for which the engine counts
        other units of orders not yet reserved than the store holds (a reservation or cancellation it missed).
        """
        self.flushes += 1
        shown = {channel: self._channels.published(channel) for channel in {c for c, _ in self._published}}
        available: Counter[SkuCode] = Counter()
        for level in self._stock.all_levels():
            available[level.sku] += max(0, level.available)
        waiting: Counter[SkuCode] = Counter()
        unreserved = list(unreserved)
        counted = {order.id for order in unreserved}
        for order in unreserved:
            for line in order.lines:
                if line.sku:
                    available[line.sku] -= line.quantity
            # A waiting backorder part keeps its whole platform order's sales open (see _part_waits).
            family = self._family(order) if order.backorder_of is not None else [order]
            for member in family:
                if member.id != order.id and member.id in counted:
                    continue
                counted.add(member.id)
                for line in member.lines:
                    if line.sku and (line.origin.channel, line.listing_id) in self._published:
                        waiting[line.sku] += line.quantity
        for sku, needs in self._needs.items():
            total = sum(shown[channel].get(listing_id, 0) * per_unit for channel, listing_id, per_unit in needs)
            if total > max(0, available[sku]):
                self.over_pool += 1
            if self.engine.report(sku).open_units != waiting[sku]:
                self.open_drift += 1

    def figures(self) -> PublishingFigures:
        """The run's publishing figures so far."""
        channels = sorted({channel for channel, _ in self._published})
        return PublishingFigures(
            published={str(channel): self.engine.published(channel) for channel in channels},
            pushes=self.engine.pushes_made,
            push_calls=self.engine.calls_made,
            oversold_units=sum(o.units_short for o in self.engine.oversold() if o.ref not in self._reopen_keys),
            over_pool=self.over_pool,
            open_drift=self.open_drift,
            flushes=self.flushes,
            sold_beyond_shown=self._channels.units_short,
        )


def _first_sku(catalog: Catalog, key: tuple[Channel, str]) -> SkuCode:
    listing = catalog.listings[key]
    if listing.sku is not None:
        return listing.sku
    kit = catalog.kits[listing.kit or ""]
    return kit.components[0].sku


def stock_engine(
    oms: OrderManagement,
    store: Store,
    catalog: Catalog,
    sharing: SharingConfig,
    locks: Sequence[StockLock],
    clock: Clock,
) -> PublishingEngine:
    """What omscore would publish now from a store: an engine over its stock and the orders not yet reserved,
    flushed once into a gateway that sends nothing (for ``omscore stock``).

    Args:
        oms: the application over ``store`` (to read the orders not yet reserved).
        store: where stock is read.
        catalog: the listings.
        sharing, locks: the merchant's sharing settings and stock locks.
        clock: the moment to decide at.
    """
    engine = PublishingEngine(RecordingChannelGateway(), StoreStock(store), catalog, sharing, clock, locks=locks)
    for order in unreserved_orders(oms):
        for sale in unreserved_sales(order, catalog):
            engine.record_sale(sale.ref, sale.listing_id, sale.quantity, sale.placed_at)
    engine.flush()
    return engine
