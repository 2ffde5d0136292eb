"""Pushing quantities to the shops: what the engine asks of a gateway (incremental updates, a rate limit), each
listing's push booked against its entitlement, and the batches sent per channel within its rate limit, with a lost
adjustment re-sent under its key."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol, cast, runtime_checkable

import attrs

from omscore.app.publishing.book import ListingKey, _Listing, _Pending
from omscore.app.publishing.pools import _Sku
from omscore.app.publishing.settings import PublishMode
from omscore.domain.errors import TransientError
from omscore.domain.identity import Channel, SkuCode
from omscore.ports.channel import ChannelGateway

#: How long after a failed push the engine asks to be woken to try again.
RETRY_AFTER = timedelta(seconds=5)


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
    """What one :meth:`~omscore.app.publishing.PublishingEngine.flush` did.

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


def take_back(listing: _Listing, now: datetime, pending_keys: set[ListingKey]) -> Push:
    """Book a decrease to the listing's desired quantity: a set, or a take-back (its key joins ``pending_keys``)."""
    listing.save()
    if listing.mode is PublishMode.ABSOLUTE:
        listing.published = listing.desired
        listing.sold_since_push = 0
        return Push(listing.channel, listing.listing_id, PushKind.SET, listing.desired)
    take = listing.cap - listing.known - listing.desired
    listing.cap -= take
    listing.pending.append(_Pending(now, take, listing.cap))
    pending_keys.add(listing.key)
    return Push(listing.channel, listing.listing_id, PushKind.ADJUST, -take)


def top_up(
    listing: _Listing,
    headroom: dict[tuple[SkuCode, int], int],
    skus: Mapping[SkuCode, _Sku],
    now: datetime,
    risk: float,
    pending_keys: set[ListingKey],
) -> Push | None:
    """Book an increase towards the listing's desired quantity within ``headroom`` (per SKU and group), taking
    what it uses; None when there is no room. A first publish is a set (its key joins ``pending_keys``)."""
    first = listing.published is None
    # a first publish (or a reset) replaces what the listing held: that counts as room
    own = max(0, listing.cap - listing.known) if first and listing.mode is PublishMode.ENTITLEMENT else 0
    room = listing.desired - (0 if first else listing.holding())
    keys = []
    for sku, per_unit in listing.needs:
        key = (sku, skus[sku].group_of[listing.channel])
        keys.append((key, per_unit))
        room = min(room, headroom[key] // per_unit + own)
    if room <= 0 and not first:
        return None
    room = max(0, room)
    listing.save()
    if listing.mode is PublishMode.ABSOLUTE:
        listing.published = room if first else listing.shown() + room
        listing.sold_since_push = 0
        push = Push(listing.channel, listing.listing_id, PushKind.SET, listing.published)
    elif first:
        listing.published = room
        listing.cap = listing.known + room
        listing.pending.append(_Pending(now, 0, listing.cap, set_known=listing.known))
        pending_keys.add(listing.key)
        push = Push(listing.channel, listing.listing_id, PushKind.SET, room)
    else:
        listing.cap += room
        push = Push(listing.channel, listing.listing_id, PushKind.ADJUST, room)
    extra = listing.exposure(now, risk) if first and listing.mode is PublishMode.ENTITLEMENT else 0
    for key, per_unit in keys:
        headroom[key] -= (room + extra - own) * per_unit
    return push


class _Pusher:
    """Sends the booked pushes through the gateway: per channel its rate limit, its recent calls and the
    adjustment it may have lost. A push not made is undone in the book and its listing handed to ``defer``."""

    def __init__(self, gateway: ChannelGateway, defer: Callable[[_Listing], None]) -> None:
        self._gateway = gateway
        self._defer = defer
        self._limits: dict[Channel, RateLimit] = {}
        self._calls: dict[Channel, list[datetime]] = {}
        self._retry: dict[Channel, _Retry] = {}
        self._sequence = 0
        self._failed_at: datetime | None = None

    def flushed(self, outcome: _Outcome, now: datetime) -> None:
        """The flush at ``now`` ended with ``outcome``: whether a push failed or an adjustment waits to be re-sent."""
        self._failed_at = now if outcome.failed or self._retry else None

    def wakeups(self, *, waiting: bool) -> list[datetime]:
        """When to flush again for the channels' sake: :data:`RETRY_AFTER` after a flush that failed, and, while
        changes are ``waiting``, when a channel that has used up its rate limit takes a call again."""
        moments: list[datetime] = []
        if waiting:
            for channel, calls in self._calls.items():
                limit = self._limits.get(channel)
                if calls and limit is not None and len(calls) >= limit.calls_per_minute:
                    moments.append(calls[0] + timedelta(minutes=1))
        if self._failed_at is not None:
            moments.append(self._failed_at + RETRY_AFTER)
        return moments

    def send_all(self, batch: list[tuple[_Listing, Push]], now: datetime, outcome: _Outcome, *, retries: bool) -> None:
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
            listing.restore()
            self._defer(listing)
