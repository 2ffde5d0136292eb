"""Publishing stock to every shop (库存同步): the quantities the sharing policy allows, pushed so that the shops'
own decrements on sale and omscore's late knowledge of those sales never add up to an oversell.

Each listing is published in one of two modes:

* **Entitlement** (the default, for gateways that can add to a listing's quantity — :class:`StockAdjusting`):
  omscore keeps, per listing, an *entitlement*: the units the listing may sell in total since it was first
  published. The shop shows entitlement minus its sales, and omscore only ever *adds to* or *takes from* that
  quantity, so a sale the shop made but omscore has not heard of yet stays deducted. The entitlements still open
  never add up to more than the pool. Taking units back from a listing is the one risky move — the shop may
  already have sold them — so a unit taken back is counted as still exposed until the sales made before the
  take-back have arrived (one sync lag later). ``oversell_risk`` sets how sure omscore must be: 0 keeps the whole
  take-back exposed until then (strict: no oversell as long as sales arrive within the lag); a small probability
  frees what a Poisson bound on the sales in flight says is surely unsold.
* **Absolute** (any :class:`~omscore.ports.channel.ChannelGateway`): the shop is set to the desired quantity,
  as most vendors do. Simple, and exposed to the shop's unreported sales at every push.

The engine pushes only changes, decreases before increases; holds back increases for ``debounce`` so a burst of
events makes one push; batches pushes per channel within the channel's :class:`RateLimit`; keeps every push
idempotent (absolute quantities, or a delta with a key); reports drift between what a shop shows and what omscore
expects; and lists the orders that arrived for stock that was not there.

Use: build one :class:`PublishingEngine` per process; tell it about sales (:meth:`~PublishingEngine.record_sale`),
reservations (:meth:`~PublishingEngine.mark_reserved`), cancellations and stock changes; call
:meth:`~PublishingEngine.flush` after them and again at :meth:`~PublishingEngine.next_wakeup`.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol, cast, runtime_checkable

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidConfiguration, InvalidQuantity, NotFound, TransientError
from omscore.domain.identity import Channel, ExternalOrderRef, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.policies.sharing import (
    AvailabilityModel,
    LocationStock,
    LockClaim,
    Participant,
    ShareDecision,
    SharePlan,
    SharePlanner,
    SharingConfig,
    StockLock,
    active_locks,
    next_change,
    poisson_quantile,
)
from omscore.ports.channel import ChannelGateway
from omscore.ports.clock import Clock

ListingKey = tuple[Channel, str]
"""A listing: (shop, listing id)."""

#: How long after a failed push the engine asks to be woken to try again.
RETRY_AFTER = timedelta(seconds=5)

# --- what the engine asks of the outside world ------------------------------------------------------------------


@runtime_checkable
class StockAdjusting(Protocol):
    """A gateway that can change a listing's quantity by a delta (Taobao/Pinduoduo incremental update, Shopify
    ``inventoryAdjustQuantities``). Needed for entitlement mode."""

    def adjust_stock(self, channel: Channel, deltas: Mapping[str, int], key: str) -> Mapping[str, int] | None:
        """Add each delta to the listing's shown quantity; a decrease larger than what is shown leaves zero.

        Idempotent on ``key``: a repeat with the same key changes nothing.

        Returns:
            The quantity each listing shows after the change when the platform says (Taobao's
            ``item.quantity.update`` and Shopify's ``inventoryAdjustQuantities`` do), else ``None``. A take-back
            that leaves a positive quantity took back only unsold units, so omscore can free them at once.

        Raises:
            TransientError: not accepted; retry with the same key.
        """
        ...


@attrs.frozen
class RateLimit:
    """How fast a channel takes stock pushes.

    Attributes:
        listings_per_call: most listings one push call may carry.
        calls_per_minute: most push calls per rolling minute.
    """

    listings_per_call: int = 50
    calls_per_minute: int = 60


@runtime_checkable
class RateLimited(Protocol):
    """A gateway that declares its stock-push rate limit; without it the engine pushes without limit."""

    def stock_rate_limit(self, channel: Channel) -> RateLimit: ...


class StockReader(Protocol):
    """The slice of :class:`~omscore.ports.inventory.InventoryStore` the engine reads (any store satisfies it)."""

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]: ...


class PublishMode(enum.StrEnum):
    ENTITLEMENT = "entitlement"
    ABSOLUTE = "absolute"


@attrs.frozen
class PublishingSettings:
    """How the engine publishes.

    Attributes:
        mode: entitlement (falls back to absolute for gateways that cannot adjust) or absolute.
        oversell_risk: per take-back, the accepted probability that the shop had already sold the units taken
            back; 0 is strict. Default 0.2.
        debounce: increases wait until the SKU has been quiet this long (decreases never wait).
        max_delay: … but no longer than this after the first change.
    """

    mode: PublishMode = PublishMode.ENTITLEMENT
    oversell_risk: float = 0.2
    debounce: timedelta = timedelta(0)
    max_delay: timedelta = timedelta(seconds=60)

    def __attrs_post_init__(self) -> None:
        if not 0.0 <= self.oversell_risk < 1.0:
            raise InvalidConfiguration("oversell_risk", self.oversell_risk, "must be in [0, 1)")

    @classmethod
    def strict(cls) -> PublishingSettings:
        """Entitlement mode with no oversell risk."""
        return cls(oversell_risk=0.0)


# --- what the engine reports -----------------------------------------------------------------------------------


class PushKind(enum.StrEnum):
    SET = "set"
    ADJUST = "adjust"


@attrs.frozen
class Push:
    """One listing in one push call: ``value`` is the quantity set, or the delta added."""

    channel: Channel
    listing_id: str
    kind: PushKind
    value: int


@attrs.frozen
class PublishReport:
    """What one :meth:`PublishingEngine.flush` did.

    Attributes:
        pushes: every listing pushed, decreases first.
        calls: gateway calls made.
        deferred: listings whose change waits (debounce or rate limit).
        failed: listings whose push failed; they are tried again.
    """

    pushes: tuple[Push, ...] = ()
    calls: int = 0
    deferred: int = 0
    failed: tuple[Push, ...] = ()


@attrs.frozen
class Drift:
    """A listing whose shown quantity differs from what omscore expects.

    ``over`` drift (the shop shows more than omscore allows) can oversell: :meth:`PublishingEngine.reset` it.
    ``under`` drift beyond the sales that may be in flight means sales are missing from omscore.
    """

    channel: Channel
    listing_id: str
    expected: int
    reported: int
    kind: str


@attrs.frozen
class OversoldOrder:
    """An order that arrived for stock that was not there."""

    ref: ExternalOrderRef
    channel: Channel
    listing_id: str
    sku: SkuCode
    units_short: int
    placed_at: datetime
    seen_at: datetime


@attrs.frozen
class ListingState:
    """A listing's publishing state, for explanations and summaries.

    Attributes:
        desired: what the sharing policy allows now.
        shown: what omscore expects the shop to show (before sales it has not heard of).
        entitlement, known_sales: the entitlement bookkeeping (entitlement mode).
        exposed: units taken back whose fate omscore does not know yet.
    """

    channel: Channel
    listing_id: str
    mode: PublishMode
    desired: int
    shown: int
    entitlement: int
    known_sales: int
    exposed: int


@attrs.frozen
class StockReport:
    """``omscore stock SKU``: the pool, every listing's share and why, and the publishing state."""

    sku: SkuCode
    locations: tuple[tuple[LocationId, str, int], ...]
    open_units: int
    decisions: tuple[ShareDecision, ...]
    listings: tuple[ListingState, ...]

    def text(self) -> str:
        lines = [f"SKU {self.sku}"]
        for location, basis, units in self.locations:
            lines.append(f"  {location}: {units} ({basis})")
        if self.open_units:
            lines.append(f"  orders not yet reserved: -{self.open_units}")
        for decision in self.decisions:
            lines.append(decision.explanation().text())
        for state in self.listings:
            lines.append(
                f"  {state.channel}/{state.listing_id} [{state.mode}]: desired {state.desired}, shown {state.shown}"
                + (
                    f", entitlement {state.entitlement} - known sales {state.known_sales}, exposed {state.exposed}"
                    if state.mode is PublishMode.ENTITLEMENT
                    else ""
                )
            )
        return "\n".join(lines)


# --- internal state --------------------------------------------------------------------------------------------


@attrs.define
class _Pending:
    """A take-back (``set_known`` is None) or a first absolute publish (``set_known``: known sales then)."""

    at: datetime
    amount: int
    cap_after: int
    set_known: int | None = None


@attrs.define
class _Listing:
    channel: Channel
    listing_id: str
    needs: tuple[tuple[SkuCode, int], ...]
    mode: PublishMode
    lag: timedelta
    velocity: float
    desired: int = 0
    published: int | None = None  # absolute: the last quantity set
    sold_since_push: int = 0  # absolute: known sales since that push
    cap: int = 0
    known: int = 0
    pending: list[_Pending] = attrs.field(factory=list)
    events: list[tuple[datetime, int]] = attrs.field(factory=list)  # (time, +sale / -restore), sorted
    events_base: int = 0  # net units of events pruned from the front
    snapshot: tuple[int | None, int, int, int] | None = None  # state before an unconfirmed push
    rank: int = 0  # position in (shop, listing id) order
    shares: dict[SkuCode, int] = attrs.field(factory=dict)  # units of each SKU the policy gives it

    @property
    def key(self) -> ListingKey:
        return (self.channel, self.listing_id)

    def net_until(self, moment: datetime) -> int:
        """Net units sold at or before ``moment`` (a sale stamped with the moment of a push counts as before it:
        the side on which a tie cannot oversell)."""
        index = bisect.bisect_right(self.events, (moment, 1 << 62))
        return self.events_base + sum(units for _, units in self.events[:index])


@attrs.define
class _Group:
    """Listings of one SKU served by the same locations, sharing one pool with one plan."""

    locations: frozenset[LocationId] | None
    members: list[_Listing]
    plan: SharePlan
    participants: list[Participant]


@attrs.define
class _Sku:
    groups: list[_Group]
    group_of: dict[Channel, int]
    open_units: dict[int, int] = attrs.field(factory=dict)  # group index -> units of orders not yet reserved
    budget: list[int] = attrs.field(factory=list)


@attrs.frozen
class _Retry:
    """An adjustment whose answer was lost: re-sent as is, with its key, before anything else of its channel."""

    key: str
    deltas: dict[str, int]
    take_backs: tuple[_Pending, ...]  # they count from when the platform surely had the change: the retry


@attrs.define
class _Outcome:
    pushes: list[Push] = attrs.field(factory=list)
    failed: list[Push] = attrs.field(factory=list)
    calls: int = 0
    deferred: int = 0


@attrs.define
class _Sale:
    key: ListingKey
    units: int
    skus: tuple[tuple[SkuCode, int], ...]
    open: bool = True


class PublishingEngine:
    """Computes and pushes every listing's quantity (see the module docstring).

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
        self._gateway = gateway
        self._stock = stock
        self._catalog = catalog
        self._config = config
        self._clock = clock
        self._availability = availability or AvailabilityModel()
        self._settings = settings or PublishingSettings()
        self._locks: tuple[StockLock, ...] = tuple(sorted(locks))
        self._planner = SharePlanner()
        self._listings: dict[ListingKey, _Listing] = {}
        self._adjusting = isinstance(gateway, StockAdjusting)
        self._limits: dict[Channel, RateLimit] = {}
        self._pending: set[ListingKey] = set()
        self._skus: dict[SkuCode, _Sku] = {}
        self._sales: dict[tuple[ExternalOrderRef, str], _Sale] = {}
        self._dirty: set[SkuCode] = set()
        self._calls: dict[Channel, list[datetime]] = {}
        self._retry: dict[Channel, _Retry] = {}
        self._sequence = 0
        self._oversold: list[OversoldOrder] = []
        self._lock_checked: datetime | None = None
        self._failed_at: datetime | None = None
        self._event_at: dict[SkuCode, datetime] = {}
        self._waiting_since: dict[SkuCode, datetime] = {}
        self.pushes_made = 0
        """Listings pushed since the engine started (a summary figure)."""
        self.calls_made = 0
        """Gateway calls made since the engine started."""
        self._build()

    # --- set-up ---------------------------------------------------------------------------------------------

    def _build(self) -> None:
        adjusting = self._adjusting
        mode = self._settings.mode
        if mode is PublishMode.ENTITLEMENT and not adjusting:
            mode = PublishMode.ABSOLUTE
        members: dict[SkuCode, list[tuple[ListingKey, int]]] = {}
        for (channel, listing_id), listing in sorted(self._catalog.listings.items()):
            if listing.sku is not None:
                needs: tuple[tuple[SkuCode, int], ...] = ((listing.sku, 1),)
            else:
                assert listing.kit is not None
                kit = self._catalog.kits[listing.kit]
                needs = tuple((c.sku, c.quantity) for c in kit.components)
            first = self._config.rule_for(channel, listing_id, needs[0][0])
            if not first.enabled:
                continue
            self._listings[(channel, listing_id)] = _Listing(
                channel,
                listing_id,
                needs,
                mode,
                timedelta(minutes=first.lag_minutes),
                first.velocity or 0.0,
                rank=len(self._listings),
            )
            for sku, per_unit in needs:
                members.setdefault(sku, []).append(((channel, listing_id), per_unit))
        for sku, keyed in members.items():
            self._skus[sku] = self._build_sku(sku, keyed)
            self._dirty.add(sku)

    def _build_sku(self, sku: SkuCode, keyed: list[tuple[ListingKey, int]]) -> _Sku:
        pool_rule = self._config.pool_rule_for(sku)
        by_locations: dict[frozenset[LocationId] | None, list[tuple[ListingKey, int]]] = {}
        for key, per_unit in keyed:
            by_locations.setdefault(self._availability.locations_of(key[0]), []).append((key, per_unit))
        groups: list[_Group] = []
        group_of: dict[Channel, int] = {}
        for locations, entries in sorted(by_locations.items(), key=lambda item: sorted(item[0] or ())):
            participants = [
                Participant(ch, lid, self._config.rule_for(ch, lid, sku), per_unit) for (ch, lid), per_unit in entries
            ]
            plan = self._planner.plan([p.rule for p in participants], pool_rule)
            for (channel, _), _ in entries:
                group_of[channel] = len(groups)
            members = [self._listings[key] for key, _ in entries]
            groups.append(_Group(locations, members, plan, participants))
        return _Sku(groups, group_of, budget=[0] * len(groups))

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
        listing.known += quantity
        listing.sold_since_push += quantity
        self._log(listing, placed_at, quantity)
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
            listing.known -= sale.units
            listing.sold_since_push = max(0, listing.sold_since_push - sale.units)
            self._log(listing, self._clock.now(), -sale.units)
            self._sales[(ref, listing_id)] = attrs.evolve(sale, units=0, open=False)

    @staticmethod
    def _log(listing: _Listing, moment: datetime, units: int) -> None:
        """Keep a sale (or a restore) by time while a take-back may need it; otherwise just count it."""
        if listing.pending:
            bisect.insort(listing.events, (moment, units))
        else:
            listing.events_base += units

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
        now = self._clock.now()
        self._dirty.add(sku)
        self._event_at[sku] = now
        self._waiting_since.setdefault(sku, now)

    # --- computing ------------------------------------------------------------------------------------------

    def _stocks(self, sku: SkuCode) -> list[LocationStock]:
        return [LocationStock.of(level) for level in self._stock.levels_of_sku(sku)]

    def _pools(self, sku: SkuCode, state: _Sku) -> list[int]:
        stocks = self._stocks(sku)
        if len(state.groups) == 1 and state.groups[0].locations is None:
            pools = [self._availability.pool(stocks)]
        else:
            weights = [sum(p.rule.weight for p in g.participants) for g in state.groups]
            pools = self._availability.split_pools(stocks, [g.locations for g in state.groups], weights)
        return [pool - state.open_units.get(i, 0) for i, pool in enumerate(pools)]

    def _claims(self, group: _Group, sku: SkuCode, now: datetime) -> list[LockClaim]:
        claims: list[LockClaim] = []
        for lock in active_locks(self._locks, sku, now):
            for index, participant in enumerate(group.participants):
                if participant.channel == lock.channel and lock.listing_id in (None, participant.listing_id):
                    claims.append(LockClaim(index, lock.quantity, f"{lock.key} until {lock.until.isoformat()}"))
                    break
        return claims

    def _share(self, sku: SkuCode, now: datetime) -> None:
        state = self._skus[sku]
        pools = self._pools(sku, state)
        for index, group in enumerate(state.groups):
            claims = self._claims(group, sku, now)
            pairs = tuple((c.participant, c.units) for c in claims)
            shares = group.plan.shares(pools[index], pairs)
            for listing, units in zip(group.members, shares, strict=True):
                listing.shares[sku] = units
            rule = group.plan.pool_rule
            state.budget[index] = max(0, pools[index] - rule.buffer) + rule.presale_stock

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
        pools = self._pools(sku, state)
        return [
            group.plan.decide(pools[i], group.participants, sku=sku, locks=self._claims(group, sku, now))
            for i, group in enumerate(state.groups)
        ]

    # --- entitlement bookkeeping ----------------------------------------------------------------------------

    def _resolve(self, listing: _Listing, now: datetime) -> bool:
        """Settle the take-backs and first publishes whose earlier sales have all arrived. True when one did."""
        settled = False
        while listing.pending and listing.pending[0].at + listing.lag <= now:
            pending = listing.pending.pop(0)
            sold = listing.net_until(pending.at)
            # a first publish: the sales made before it come on top; a take-back: only what was sold beyond it
            gap = sold - pending.set_known if pending.set_known is not None else max(0, sold - pending.cap_after)
            if gap:
                listing.cap += gap
                for later in listing.pending:
                    later.cap_after += gap
            settled = True
        if settled:
            horizon = listing.pending[0].at if listing.pending else now - listing.lag
            cut = bisect.bisect_right(listing.events, (horizon, -(1 << 62)))
            listing.events_base += sum(units for _, units in listing.events[:cut])
            del listing.events[:cut]
        return settled

    def _exposure(self, listing: _Listing, now: datetime) -> int:
        risk = self._settings.oversell_risk
        exposed = 0
        for pending in listing.pending:
            window = max(0.0, (pending.at + listing.lag - now).total_seconds() / 3600.0)
            known = listing.net_until(pending.at)
            if pending.set_known is not None:
                # sales made before the first publish that have arrived since: they come on top of it
                exposed += max(0, known - pending.set_known)
            elif risk == 0.0:
                exposed += pending.amount
            else:
                bound = poisson_quantile(listing.velocity * window, risk)
                exposed += min(pending.amount, max(0, known + bound - pending.cap_after))
        return exposed

    def _shown(self, listing: _Listing) -> int:
        if listing.mode is PublishMode.ABSOLUTE:
            return max(0, (listing.published or 0) - listing.sold_since_push)
        return max(0, listing.cap - listing.known)

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
            if listing.pending and listing.pending[0].at + listing.lag <= now and self._resolve(listing, now):
                self._defer(listing)  # recompute its SKUs, without restarting their debounce
            if not listing.pending:
                self._pending.discard(key)
        dirty = self._dirty
        self._dirty = set()
        for sku in sorted(dirty):
            self._share(sku, now)
        touched = {listing.rank: listing for sku in dirty for g in self._skus[sku].groups for listing in g.members}
        decreases: list[_Listing] = []
        increases: list[_Listing] = []
        for _, listing in sorted(touched.items()):
            listing.desired = self._desired(listing)
            if listing.published is None:
                increases.append(listing)  # a first publish: a set, within the headroom
            elif listing.desired < self._shown(listing):
                decreases.append(listing)
            elif listing.desired > self._holding(listing):
                increases.append(listing)
        outcome = _Outcome()
        # every decrease goes out first; a take-back the shop confirms as unsold frees its units for the increases
        decided = [(listing, self._apply_decrease(listing, now)) for listing in decreases]
        self._send_all(decided, now, outcome, retries=True)
        if increases:
            headroom = self._headroom({sku for listing in increases for sku, _ in listing.needs}, now)
            batch: list[tuple[_Listing, Push]] = []
            for listing in sorted(increases, key=lambda item: (self._holding(item) - item.desired, item.rank)):
                if not self._due(listing, now):
                    outcome.deferred += 1
                    self._defer(listing)
                elif (push := self._apply_increase(listing, headroom, now)) is not None:
                    batch.append((listing, push))
            self._send_all(batch, now, outcome, retries=False)
        for sku in dirty - self._dirty:
            self._waiting_since.pop(sku, None)
        self._failed_at = now if outcome.failed or self._retry else None
        self.pushes_made += len(outcome.pushes)
        self.calls_made += outcome.calls
        return PublishReport(tuple(outcome.pushes), outcome.calls, outcome.deferred, tuple(outcome.failed))

    def _send_all(self, batch: list[tuple[_Listing, Push]], now: datetime, outcome: _Outcome, *, retries: bool) -> None:
        by_channel: dict[Channel, list[tuple[_Listing, Push]]] = {ch: [] for ch in self._retry} if retries else {}
        for item in batch:
            by_channel.setdefault(item[0].channel, []).append(item)
        for channel in sorted(
            by_channel, key=lambda ch: (by_channel[ch][0][0].rank if by_channel[ch] else -1, str(ch))
        ):
            made, done, lost, waiting = self._send(channel, by_channel[channel], now)
            outcome.calls += made
            outcome.pushes.extend(done)
            outcome.failed.extend(lost)
            outcome.deferred += waiting

    def _holding(self, listing: _Listing) -> int:
        """What the listing may still sell by omscore's books (entitlement left, or the quantity shown)."""
        return listing.cap - listing.known if listing.mode is PublishMode.ENTITLEMENT else self._shown(listing)

    def _due(self, listing: _Listing, now: datetime) -> bool:
        """Whether an increase may go out now: every SKU quiet for ``debounce``, or one waiting ``max_delay``."""
        debounce, max_delay = self._settings.debounce, self._settings.max_delay
        if not debounce:
            return True
        quiet = all(now - self._event_at.get(sku, now) >= debounce for sku, _ in listing.needs)
        overdue = any(now - self._waiting_since.get(sku, now) >= max_delay for sku, _ in listing.needs)
        return quiet or overdue

    def _defer(self, listing: _Listing) -> None:
        for sku, _ in listing.needs:
            self._dirty.add(sku)

    def _headroom(self, skus: set[SkuCode], now: datetime) -> dict[tuple[SkuCode, int], int]:
        """Per (SKU, group): the budget minus what every listing may still sell or has exposed."""
        headroom: dict[tuple[SkuCode, int], int] = {}
        for sku in skus:
            state = self._skus[sku]
            for index, group in enumerate(state.groups):
                used = 0
                for listing, participant in zip(group.members, group.participants, strict=True):
                    if listing.mode is PublishMode.ABSOLUTE:
                        holding = self._shown(listing)
                    else:
                        holding = max(0, listing.cap - listing.known) + self._exposure(listing, now)
                    used += holding * participant.per_unit
                headroom[(sku, index)] = state.budget[index] - used
        return headroom

    @staticmethod
    def _save(listing: _Listing) -> None:
        listing.snapshot = (listing.published, listing.sold_since_push, listing.cap, len(listing.pending))

    def _apply_decrease(self, listing: _Listing, now: datetime) -> Push:
        self._save(listing)
        if listing.mode is PublishMode.ABSOLUTE:
            listing.published = listing.desired
            listing.sold_since_push = 0
            return Push(listing.channel, listing.listing_id, PushKind.SET, listing.desired)
        take = listing.cap - listing.known - listing.desired
        listing.cap -= take
        listing.pending.append(_Pending(now, take, listing.cap))
        self._pending.add(listing.key)
        return Push(listing.channel, listing.listing_id, PushKind.ADJUST, -take)

    def _apply_increase(
        self, listing: _Listing, headroom: dict[tuple[SkuCode, int], int], now: datetime
    ) -> Push | None:
        first = listing.published is None
        # a first publish (or a reset) replaces what the listing held: that counts as room
        own = max(0, listing.cap - listing.known) if first and listing.mode is PublishMode.ENTITLEMENT else 0
        room = listing.desired - (0 if first else self._holding(listing))
        keys = []
        for sku, per_unit in listing.needs:
            key = (sku, self._skus[sku].group_of[listing.channel])
            keys.append((key, per_unit))
            room = min(room, headroom[key] // per_unit + own)
        if room <= 0 and not first:
            return None
        room = max(0, room)
        self._save(listing)
        if listing.mode is PublishMode.ABSOLUTE:
            listing.published = room if first else self._shown(listing) + room
            listing.sold_since_push = 0
            push = Push(listing.channel, listing.listing_id, PushKind.SET, listing.published)
        elif first:
            listing.published = room
            listing.cap = listing.known + room
            listing.pending.append(_Pending(now, 0, listing.cap, set_known=listing.known))
            self._pending.add(listing.key)
            push = Push(listing.channel, listing.listing_id, PushKind.SET, room)
        else:
            listing.cap += room
            push = Push(listing.channel, listing.listing_id, PushKind.ADJUST, room)
        extra = self._exposure(listing, now) if first and listing.mode is PublishMode.ENTITLEMENT else 0
        for key, per_unit in keys:
            headroom[key] -= (room + extra - own) * per_unit
        return push

    def _send(
        self, channel: Channel, batch: list[tuple[_Listing, Push]], now: datetime
    ) -> tuple[int, list[Push], list[Push], int]:
        """Push ``batch`` for one channel — sets, then take-backs, then top-ups — in calls within its rate limit.

        Returns the calls made, the pushes made, the pushes that failed and the number left for later.
        """
        limit = self._limits.get(channel)
        if limit is None:
            limit = self._limits[channel] = (
                self._gateway.stock_rate_limit(channel)
                if isinstance(self._gateway, RateLimited)
                else RateLimit(listings_per_call=1 << 30, calls_per_minute=1 << 30)
            )
        recent = [t for t in self._calls.get(channel, []) if now - t < timedelta(minutes=1)]
        self._calls[channel] = recent
        calls, done, lost, waiting = 0, list[Push](), list[Push](), 0
        retry = self._retry.pop(channel, None)
        if retry is not None:
            recent.append(now)
            calls += 1
            try:
                cast(StockAdjusting, self._gateway).adjust_stock(channel, retry.deltas, retry.key)
            except TransientError:
                self._retry[channel] = retry
                self._undo(batch)
                again = [Push(channel, lid, PushKind.ADJUST, delta) for lid, delta in retry.deltas.items()]
                return calls, done, again + [p for _, p in batch], 0
            for pending in retry.take_backs:
                pending.at = max(pending.at, now)
        sets = [item for item in batch if item[1].kind is PushKind.SET]
        adjusts = sorted((item for item in batch if item[1].kind is PushKind.ADJUST), key=lambda i: i[1].value >= 0)
        size = limit.listings_per_call
        chunks = [sets[i : i + size] for i in range(0, len(sets), size)]
        chunks += [adjusts[i : i + size] for i in range(0, len(adjusts), size)]
        for position, chunk in enumerate(chunks):
            if len(recent) >= limit.calls_per_minute:
                waiting += len(chunk)
                self._undo(chunk)
                continue
            recent.append(now)
            calls += 1
            pushes = [push for _, push in chunk]
            if pushes[0].kind is PushKind.SET:
                try:
                    self._gateway.push_stock(channel, {p.listing_id: p.value for p in pushes})
                except TransientError:
                    self._undo(chunk)
                    lost.extend(pushes)
                    continue
            else:
                self._sequence += 1
                key = f"{channel}:{self._sequence}"
                deltas = {p.listing_id: p.value for p in pushes}
                try:
                    after = cast(StockAdjusting, self._gateway).adjust_stock(channel, deltas, key)
                except TransientError:
                    # the books keep this change: it is re-sent as is, with its key, before anything else
                    take_backs = tuple(listing.pending[-1] for listing, push in chunk if push.value < 0)
                    self._retry[channel] = _Retry(key, deltas, take_backs)
                    lost.extend(pushes)
                    for rest in chunks[position + 1 :]:
                        self._undo(rest)
                        lost.extend(push for _, push in rest)
                    break
                if after:
                    self._confirm(chunk, after)
            for listing, _ in chunk:
                listing.snapshot = None
            done.extend(pushes)
        return calls, done, lost, waiting

    def _confirm(self, chunk: Sequence[tuple[_Listing, Push]], after: Mapping[str, int]) -> None:
        """A take-back that left the shop showing a positive quantity took back only unsold units: settle it."""
        for listing, push in chunk:
            if push.value < 0 and after.get(listing.listing_id, 0) > 0 and listing.pending:
                listing.pending.pop()

    def _undo(self, chunk: Sequence[tuple[_Listing, Push]]) -> None:
        """Forget pushes that were not made, so the next flush computes them again."""
        for listing, _ in chunk:
            if listing.snapshot is not None:
                listing.published, listing.sold_since_push, listing.cap, pending = listing.snapshot
                del listing.pending[pending:]
                listing.snapshot = None
            self._defer(listing)

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
        if self._dirty and self._settings.debounce:
            moments.extend(
                min(
                    self._event_at.get(sku, now) + self._settings.debounce,
                    self._waiting_since.get(sku, now) + self._settings.max_delay,
                )
                for sku in self._dirty
            )
        if self._lock_checked is not None and (moment := next_change(self._locks, self._lock_checked)):
            moments.append(moment)
        if self._dirty:
            for channel, calls in self._calls.items():
                limit = self._limits.get(channel)
                if calls and limit is not None and len(calls) >= limit.calls_per_minute:
                    moments.append(calls[0] + timedelta(minutes=1))
        if self._failed_at is not None:
            moments.append(self._failed_at + RETRY_AFTER)
        return min(moments, default=None)

    def published(self, channel: Channel) -> dict[str, int]:
        """What omscore expects ``channel`` to show per listing id (sales it has not heard of aside)."""
        return {
            lid: self._shown(listing)
            for (ch, lid), listing in sorted(self._listings.items())
            if ch == channel and listing.published is not None
        }

    def listing_states(self, sku: SkuCode | None = None) -> list[ListingState]:
        """The publishing state of every listing (of ``sku`` when given), in (shop, listing id) order."""
        now = self._clock.now()
        return [
            ListingState(
                listing.channel,
                listing.listing_id,
                listing.mode,
                listing.desired,
                self._shown(listing),
                listing.cap,
                listing.known,
                self._exposure(listing, now) if listing.mode is PublishMode.ENTITLEMENT else 0,
            )
            for key, listing in sorted(self._listings.items())
            if sku is None or any(s == sku for s, _ in listing.needs)
        ]

    def report(self, sku: SkuCode) -> StockReport:
        """The pool of ``sku``, each listing's share and why, and the publishing state (``omscore stock SKU``).

        Raises:
            NotFound: no listing sells ``sku``.
        """
        decisions = self.decide(sku)
        stocks = self._stocks(sku)
        locations = tuple(
            (
                s.location,
                self._availability.counts.get(s.location, self._availability.default).value,
                self._availability.quantity(s),
            )
            for s in stocks
        )
        state = self._skus[sku]
        return StockReport(
            sku, locations, sum(state.open_units.values()), tuple(decisions), tuple(self.listing_states(sku))
        )

    def drift(self, channel: Channel, reported: Mapping[str, int]) -> list[Drift]:
        """Compare what ``channel`` reports it shows with what omscore expects.

        A shop may show less than expected by the sales omscore has not heard of yet (bounded at
        ``1 − oversell_risk`` confidence); more than expected is always drift.
        """
        found: list[Drift] = []
        for listing_id, shown in sorted(reported.items()):
            listing = self._listings.get((channel, listing_id))
            if listing is None or listing.published is None:
                continue
            expected = self._shown(listing)
            in_flight = poisson_quantile(
                listing.velocity * listing.lag.total_seconds() / 3600.0, self._settings.oversell_risk or 1e-3
            )
            if shown > expected:
                found.append(Drift(channel, listing_id, expected, shown, "over"))
            elif shown < expected - in_flight:
                found.append(Drift(channel, listing_id, expected, shown, "under"))
        return found

    def oversold(self) -> list[OversoldOrder]:
        """Every order that arrived for stock that was not there, in arrival order."""
        return list(self._oversold)

    @property
    def oversold_units(self) -> int:
        return sum(order.units_short for order in self._oversold)
