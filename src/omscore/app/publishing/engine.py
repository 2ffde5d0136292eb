"""The publishing engine: told of sales, reservations, cancellations, stock changes and locks, it keeps every
shop at its share of the stock, pushing only changes (see :mod:`omscore.app.publishing`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from omscore.app.publishing.book import ListingKey, _Listing
from omscore.app.publishing.changes import _Changes
from omscore.app.publishing.drift import Drift, OversoldOrder, find_drift
from omscore.app.publishing.pools import StockReader, _Sku, build
from omscore.app.publishing.pushing import PublishReport, Push, StockAdjusting, _Outcome, _Pusher, take_back, top_up
from omscore.app.publishing.report import ListingState, StockReport, counted_locations, state_of
from omscore.app.publishing.settings import PublishingSettings, PublishMode
from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidQuantity, NotFound
from omscore.domain.identity import Channel, ExternalOrderRef, SkuCode
from omscore.policies.sharing import (
    AvailabilityModel,
    LocationStock,
    ShareDecision,
    SharingConfig,
    StockLock,
    next_change,
)
from omscore.ports.channel import ChannelGateway
from omscore.ports.clock import Clock


@attrs.define
class _Sale:
    key: ListingKey
    units: int
    skus: tuple[tuple[SkuCode, int], ...]
    open: bool = True


class PublishingEngine:
    """Computes and pushes every listing's quantity (see :mod:`omscore.app.publishing`).

    Args:
        gateway: the platforms; :class:`StockAdjusting` enables entitlement mode, :class:`RateLimited` limits.
        stock: where stock levels are read (an :class:`~omscore.ports.inventory.InventoryStore` will do).
        catalog: the listings to publish and the kits they sell.
        config: the merchant's sharing settings.
        clock: the time source.
        availability: which quantity counts where, which locations serve which shop.
        settings: the publishing mode and its parameters.
        locks: stock locks (more can be added with :meth:`set_locks`).
    """

    def __init__(
        self,
        gateway: ChannelGateway,
        stock: StockReader,
        catalog: Catalog,
        config: SharingConfig,
        clock: Clock,
        *,
        availability: AvailabilityModel | None = None,
        settings: PublishingSettings | None = None,
        locks: Iterable[StockLock] = (),
    ) -> None:
        self._stock = stock
        self._clock = clock
        self._availability = availability or AvailabilityModel()
        self._settings = settings or PublishingSettings()
        self._locks: tuple[StockLock, ...] = tuple(sorted(locks))
        mode = self._settings.mode
        if mode is PublishMode.ENTITLEMENT and not isinstance(gateway, StockAdjusting):
            mode = PublishMode.ABSOLUTE
        self._listings, self._skus = build(catalog, config, self._availability, mode)
        self._changes = _Changes(self._skus, self._settings)
        self._pusher = _Pusher(gateway, self._changes.defer)
        self._pending: set[ListingKey] = set()
        self._sales: dict[tuple[ExternalOrderRef, str], _Sale] = {}
        self._oversold: list[OversoldOrder] = []
        self._lock_checked: datetime | None = None
        self.pushes_made = 0
        """Listings pushed since the engine started (a summary figure)."""
        self.calls_made = 0
        """Gateway calls made since the engine started."""

    # --- events ---------------------------------------------------------------------------------------------

    def stock_changed(self, skus: Iterable[SkuCode]) -> None:
        """Stock of ``skus`` changed (receipt, count, reservation released, safety stock …): recompute them."""
        for sku in skus:
            if sku in self._skus:
                self._mark(sku)

    def set_locks(self, locks: Iterable[StockLock]) -> None:
        """Replace the stock locks; the SKUs of old and new locks are recomputed."""
        new = tuple(sorted(locks))
        for lock in set(self._locks) ^ set(new):
            self.stock_changed([lock.sku])
        self._locks = new

    def record_sale(
        self,
        ref: ExternalOrderRef,
        listing_id: str,
        quantity: int,
        placed_at: datetime,
        *,
        reserved: bool = False,
    ) -> OversoldOrder | None:
        """A shop sold ``quantity`` of ``listing_id`` at ``placed_at`` (order ``ref``). Idempotent on
        (``ref``, ``listing_id``).

        Until :meth:`mark_reserved` (or ``reserved=True`` when the stock is already reserved) the units are
        deducted from the pool by the engine itself. Returns the shortfall when the order arrived for stock that
        was not there (also kept for :meth:`oversold`).

        Raises:
            InvalidQuantity: ``quantity`` is not positive.
        """
        if type(quantity) is not int or quantity <= 0:
            raise InvalidQuantity("quantity", quantity, "a sale is a positive number of units")
        key = (ref.channel, listing_id)
        listing = self._listings.get(key)
        if listing is None or (ref, listing_id) in self._sales:
            return None
        now = self._clock.now()
        sale = _Sale(key, quantity, tuple((s, q * quantity) for s, q in listing.needs), open=not reserved)
        self._sales[(ref, listing_id)] = sale
        listing.sold(quantity, placed_at)
        shortest: tuple[SkuCode, int] | None = None
        for sku, units in sale.skus:
            state = self._skus[sku]
            group = state.group_of[ref.channel]
            if not reserved:
                available = self._pools(sku, state)[group] - units
                state.open_units[group] = state.open_units.get(group, 0) + units
                if available < 0 and (shortest is None or -available > shortest[1]):
                    shortest = (sku, min(units, -available))
            self._mark(sku)
        if shortest is None:
            return None
        oversold = OversoldOrder(ref, ref.channel, listing_id, shortest[0], shortest[1], placed_at, now)
        self._oversold.append(oversold)
        return oversold

    def mark_reserved(self, ref: ExternalOrderRef, listing_id: str) -> None:
        """The sale's stock is now reserved in the inventory: the engine stops deducting it itself."""
        self._close(ref, listing_id)

    def record_cancelled(self, ref: ExternalOrderRef, listing_id: str, *, restored_on_shop: bool = True) -> None:
        """The sale was cancelled. When the shop put the units back on sale (``restored_on_shop``, what most
        platforms do) they count as not sold. Release the reservation separately and call :meth:`stock_changed`.
        """
        sale = self._sales.get((ref, listing_id))
        if sale is None:
            return
        self._close(ref, listing_id)
        if restored_on_shop:
            listing = self._listings[sale.key]
            listing.restored(sale.units, self._clock.now())
            self._sales[(ref, listing_id)] = attrs.evolve(sale, units=0, open=False)

    def _close(self, ref: ExternalOrderRef, listing_id: str) -> None:
        sale = self._sales.get((ref, listing_id))
        if sale is None or not sale.open:
            return
        sale.open = False
        for sku, units in sale.skus:
            state = self._skus[sku]
            group = state.group_of[sale.key[0]]
            state.open_units[group] -= units
            self._mark(sku)

    def resync(self) -> None:
        """Recompute every SKU; absolute listings are pushed even when unchanged at the next flush."""
        for listing in self._listings.values():
            if listing.mode is PublishMode.ABSOLUTE:
                listing.published = None
        for sku in self._skus:
            self._mark(sku)

    def reset(self, keys: Iterable[ListingKey]) -> None:
        """Start the entitlement of these listings afresh with an absolute set (after over-drift)."""
        for key in keys:
            listing = self._listings.get(key)
            if listing is None:
                raise NotFound("listing", f"{key[0]}/{key[1]}")
            listing.published = None
            listing.pending.clear()
            for sku, _ in listing.needs:
                self._mark(sku)

    def _mark(self, sku: SkuCode) -> None:
        self._changes.mark(sku, self._clock.now())

    # --- computing ------------------------------------------------------------------------------------------

    def _stocks(self, sku: SkuCode) -> list[LocationStock]:
        return [LocationStock.of(level) for level in self._stock.levels_of_sku(sku)]

    def _pools(self, sku: SkuCode, state: _Sku) -> list[int]:
        return state.pools(self._stocks(sku), self._availability)

    def _share(self, sku: SkuCode, now: datetime) -> None:
        state = self._skus[sku]
        state.share(sku, self._pools(sku, state), self._locks, now)

    def _desired(self, listing: _Listing) -> int:
        return min(listing.shares.get(sku, 0) // per_unit for sku, per_unit in listing.needs)

    def decide(self, sku: SkuCode) -> list[ShareDecision]:
        """The sharing decision (with reasons) for ``sku`` now, one per group of shops served alike.

        Raises:
            NotFound: no listing sells ``sku``.
        """
        state = self._skus.get(sku)
        if state is None:
            raise NotFound("sku", sku)
        now = self._clock.now()
        return state.decide(sku, self._pools(sku, state), self._locks, now)

    # --- flushing -------------------------------------------------------------------------------------------

    def flush(self) -> PublishReport:
        """Compute what changed and push it: decreases first, increases after their debounce, within each
        channel's rate limit. Call after events and at :meth:`next_wakeup`."""
        now = self._clock.now()
        changed_locks = self._lock_checked is None or (
            (moment := next_change(self._locks, self._lock_checked)) is not None and moment <= now
        )
        if changed_locks:
            for lock in self._locks:
                self._mark(lock.sku)
        self._lock_checked = now
        for key in sorted(self._pending, key=lambda k: self._listings[k].rank):
            listing = self._listings[key]
            if listing.pending and listing.pending[0].at + listing.lag <= now and listing.resolve(now):
                self._changes.defer(listing)  # recompute its SKUs, without restarting their debounce
            if not listing.pending:
                self._pending.discard(key)
        dirty = self._changes.take()
        for sku in sorted(dirty):
            self._share(sku, now)
        touched = {listing.rank: listing for sku in dirty for g in self._skus[sku].groups for listing in g.members}
        decreases: list[_Listing] = []
        increases: list[_Listing] = []
        for _, listing in sorted(touched.items()):
            listing.desired = self._desired(listing)
            if listing.published is None:
                increases.append(listing)  # a first publish: a set, within the headroom
            elif listing.desired < listing.shown():
                decreases.append(listing)
            elif listing.desired > listing.holding():
                increases.append(listing)
        outcome = _Outcome()
        # every decrease goes out first; a take-back the shop confirms as unsold frees its units for the increases
        decided = [(listing, take_back(listing, now, self._pending)) for listing in decreases]
        self._pusher.send_all(decided, now, outcome, retries=True)
        if increases:
            headroom = self._headroom({sku for listing in increases for sku, _ in listing.needs}, now)
            risk = self._settings.oversell_risk
            batch: list[tuple[_Listing, Push]] = []
            for listing in sorted(increases, key=lambda item: (item.holding() - item.desired, item.rank)):
                if not self._changes.due(listing, now):
                    outcome.deferred += 1
                    self._changes.defer(listing)
                elif (push := top_up(listing, headroom, self._skus, now, risk, self._pending)) is not None:
                    batch.append((listing, push))
            self._pusher.send_all(batch, now, outcome, retries=False)
        self._changes.done(dirty)
        self._pusher.flushed(outcome, now)
        self.pushes_made += len(outcome.pushes)
        self.calls_made += outcome.calls
        return PublishReport(tuple(outcome.pushes), outcome.calls, outcome.deferred, tuple(outcome.failed))

    def _headroom(self, skus: set[SkuCode], now: datetime) -> dict[tuple[SkuCode, int], int]:
        """Per (SKU, group): the budget minus what every listing may still sell or has exposed."""
        risk = self._settings.oversell_risk
        return {(sku, index): room for sku in skus for index, room in enumerate(self._skus[sku].headroom(now, risk))}

    # --- questions ------------------------------------------------------------------------------------------

    def next_wakeup(self) -> datetime | None:
        """When :meth:`flush` should run next even without new events (debounce, take-backs settling, locks
        starting or lapsing, rate limits); ``None`` when nothing waits."""
        moments: list[datetime] = []
        for key in self._pending:
            listing = self._listings[key]
            if listing.pending:
                moments.append(listing.pending[0].at + listing.lag)
        now = self._clock.now()
        moments.extend(self._changes.wakeups(now))
        if self._lock_checked is not None and (moment := next_change(self._locks, self._lock_checked)):
            moments.append(moment)
        moments.extend(self._pusher.wakeups(waiting=bool(self._changes.dirty)))
        return min(moments, default=None)

    def published(self, channel: Channel) -> dict[str, int]:
        """What omscore expects ``channel`` to show per listing id (sales it has not heard of aside)."""
        return {
            lid: listing.shown()
            for (ch, lid), listing in sorted(self._listings.items())
            if ch == channel and listing.published is not None
        }

    def listing_states(self, sku: SkuCode | None = None) -> list[ListingState]:
        """The publishing state of every listing (of ``sku`` when given), in (shop, listing id) order."""
        now = self._clock.now()
        return [
            state_of(listing, now, self._settings.oversell_risk)
            for key, listing in sorted(self._listings.items())
            if sku is None or any(s == sku for s, _ in listing.needs)
        ]

    def report(self, sku: SkuCode) -> StockReport:
        """The pool of ``sku``, each listing's share and why, and the publishing state (``omscore stock SKU``).

        Raises:
            NotFound: no listing sells ``sku``.
        """
        decisions = self.decide(sku)
        locations = counted_locations(self._stocks(sku), self._availability)
        state = self._skus[sku]
        return StockReport(
            sku, locations, sum(state.open_units.values()), tuple(decisions), tuple(self.listing_states(sku))
        )

    def drift(self, channel: Channel, reported: Mapping[str, int]) -> list[Drift]:
        """Compare what ``channel`` reports it shows with what omscore expects.

        A shop may show less than expected by the sales omscore has not heard of yet (bounded at
        ``1 − oversell_risk`` confidence); more than expected is always drift.
        """
        return find_drift(self._listings, channel, reported, self._settings.oversell_risk)

    def oversold(self) -> list[OversoldOrder]:
        """Every order that arrived for stock that was not there, in arrival order."""
        return list(self._oversold)

    @property
    def oversold_units(self) -> int:
        return sum(order.units_short for order in self._oversold)
