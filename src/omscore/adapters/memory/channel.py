"""A recording fake of :class:`~omscore.ports.channel.ChannelGateway` for tests and demos.

Besides the port it takes incremental stock updates (:class:`~omscore.app.publishing.StockAdjusting`), so the
publishing engine runs against it in entitlement mode, and it may declare a rate limit per shop
(:class:`~omscore.app.publishing.RateLimited`). It keeps what every listing shows, and the shops' own sales move
those quantities (:meth:`RecordingChannelGateway.sell`, :meth:`RecordingChannelGateway.restore`) as a platform's
do.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, Literal

import attrs

from omscore.adapters.memory._failures import FailurePlan
from omscore.app.publishing import RateLimit
from omscore.domain.errors import InvalidInput, InvalidQuantity, TransientError
from omscore.domain.identity import CarrierId, Channel, ExternalOrderRef
from omscore.ports.channel import PulledOrders
from omscore.ports.clock import Clock

ChannelOperation = Literal["pull_orders", "push_stock", "adjust_stock", "push_tracking"]

#: The rate limit of a shop that declares none: any number of listings and calls.
UNLIMITED: Final = RateLimit(listings_per_call=1 << 30, calls_per_minute=1 << 30)


@attrs.frozen
class StockPush:
    """One accepted ``push_stock`` call."""

    channel: Channel
    quantities: Mapping[str, int]


@attrs.frozen
class StockAdjustment:
    """One accepted ``adjust_stock`` call.

    Attributes:
        channel, deltas, key: what was asked.
        after: the quantity each listing showed after the call (the answer given).
        repeated: the key had been applied before, so nothing changed.
    """

    channel: Channel
    deltas: Mapping[str, int]
    key: str
    after: Mapping[str, int]
    repeated: bool = False


@attrs.frozen
class TrackingPush:
    """One accepted ``push_tracking`` call."""

    ref: ExternalOrderRef
    shipment_id: str
    carrier: CarrierId
    tracking_number: str
    line_ids: tuple[str, ...]


class RecordingChannelGateway:
    """Serves queued pages of order payloads per channel, keeps every listing's quantity and records every push,
    in call order.

    Cursors are page positions: ``""`` is the start, and the cursor returned with page *n* (counted from 1)
    is ``"n"``. Pulling from an old cursor serves the same page again, as platforms do.

    Quantities: a set (``push_stock``) replaces a listing's quantity; an adjustment (``adjust_stock``) adds to
    it, a decrease larger than what is shown leaving zero; a sale (:meth:`sell`) takes from it and a cancelled
    sale (:meth:`restore`) gives back. A sale of more than is shown is let through and counted short (as a shop
    that keeps selling out of stock would): the listing then shows zero until pushes or restores cover the
    shortfall. Thread-safe.

    Args:
        rate_limits: the stock-push limit each shop declares (:meth:`stock_rate_limit`); shops not listed have
            none. A call carrying more listings than its shop allows is refused.
        clock: when given, calls beyond a shop's ``calls_per_minute`` within a rolling minute of this clock
            are refused with :class:`~omscore.domain.errors.TransientError`, as a platform throttles.
    """

    def __init__(self, rate_limits: Mapping[Channel, RateLimit] | None = None, *, clock: Clock | None = None) -> None:
        self._lock = threading.Lock()
        self._pages: dict[Channel, list[tuple[Mapping[str, Any], ...]]] = {}
        self._failures = FailurePlan(("pull_orders", "push_stock", "adjust_stock", "push_tracking"))
        self._limits = dict(rate_limits or {})
        self._clock = clock
        self._stock_calls: dict[Channel, list[datetime]] = {}
        self._quantities: dict[Channel, dict[str, int]] = {}  # below zero only by sales beyond what was shown
        self._answers: dict[str, dict[str, int]] = {}
        self.pulls: list[tuple[Channel, str]] = []
        """Every ``pull_orders`` call that was answered: (channel, cursor asked from)."""
        self.stock_pushes: list[StockPush] = []
        """Every accepted ``push_stock`` call, in order."""
        self.stock_adjustments: list[StockAdjustment] = []
        """Every accepted ``adjust_stock`` call, in order (repeats of a key included, marked ``repeated``)."""
        self.tracking_pushes: list[TrackingPush] = []
        """Every accepted ``push_tracking`` call, in order (repeats included)."""
        self.units_short = 0
        """Units the shops sold beyond what they showed (see :meth:`sell`)."""

    # --- arranging ----------------------------------------------------------------------------------------

    def queue_page(self, channel: Channel, payloads: Iterable[Mapping[str, Any]]) -> str:
        """Add a page of raw order payloads after the pages already queued for ``channel``.

        Args:
            channel: the shop the orders come from.
            payloads: the payloads, in the platform's modification order.

        Returns:
            The cursor that follows the page.
        """
        with self._lock:
            pages = self._pages.setdefault(channel, [])
            pages.append(tuple(payloads))
            return str(len(pages))

    def fail_next(self, count: int = 1, operation: ChannelOperation | None = None) -> None:
        """Make the next ``count`` calls (of ``operation``, or of any operation) raise ``TransientError``.

        Failed calls are not recorded as pulls or pushes; their names are in :attr:`failed_calls`. Failures
        planned for an operation are used before failures planned for any.

        Args:
            count: how many calls fail.
            operation: ``pull_orders``, ``push_stock``, ``adjust_stock`` or ``push_tracking``; ``None`` for
                whichever comes.

        Raises:
            InvalidInput: ``count`` is negative or ``operation`` unknown.
        """
        with self._lock:
            self._failures.add(count, operation)

    # --- inspecting ---------------------------------------------------------------------------------------

    @property
    def failed_calls(self) -> list[str]:
        """The operation names of the calls that failed on purpose, in order."""
        with self._lock:
            return list(self._failures.failed)

    def published(self, channel: Channel) -> dict[str, int]:
        """What the shop shows now for each listing of ``channel``: the last quantity set, plus the adjustments
        since, less the shop's sales since (never below zero).

        Args:
            channel: the shop.

        Returns:
            Listing id → quantity, for every listing ever pushed, adjusted or sold in the shop, in listing id
            order.
        """
        with self._lock:
            return {lid: max(0, q) for lid, q in sorted(self._quantities.get(channel, {}).items())}

    def tracking_numbers(self, ref: ExternalOrderRef) -> list[str]:
        """The distinct tracking numbers written back to a platform order.

        Args:
            ref: the platform order.

        Returns:
            Tracking numbers in the order first written.
        """
        with self._lock:
            numbers = [push.tracking_number for push in self.tracking_pushes if push.ref == ref]
            return list(dict.fromkeys(numbers))

    # --- the shops selling ---------------------------------------------------------------------------------

    def sell(self, channel: Channel, listing_id: str, units: int) -> int:
        """The shop sold ``units`` of the listing: its quantity falls by as many.

        Returns:
            The units sold beyond what the listing showed (also added to :attr:`units_short`).

        Raises:
            InvalidQuantity: ``units`` is not positive.
        """
        _positive(units)
        with self._lock:
            quantities = self._quantities.setdefault(channel, {})
            before = quantities.get(listing_id, 0)
            quantities[listing_id] = before - units
            short = units - max(0, min(before, units))
            self.units_short += short
            return short

    def restore(self, channel: Channel, listing_id: str, units: int) -> None:
        """A sale of ``units`` was cancelled and the shop put them back on sale (first covering any shortfall).

        Raises:
            InvalidQuantity: ``units`` is not positive.
        """
        _positive(units)
        with self._lock:
            quantities = self._quantities.setdefault(channel, {})
            quantities[listing_id] = quantities.get(listing_id, 0) + units

    # --- the port -----------------------------------------------------------------------------------------

    def pull_orders(self, channel: Channel, cursor: str) -> PulledOrders:
        """The page after ``cursor``, or no payloads and the same cursor when nothing more is queued.

        Raises:
            InvalidInput: ``cursor`` is not one this gateway gave out.
            TransientError: a failure planned with :meth:`fail_next`.
        """
        if cursor and not cursor.isdecimal():
            raise InvalidInput("cursor", cursor, "not a cursor of the recording gateway")
        position = int(cursor) if cursor else 0
        with self._lock:
            self._failures.check("pull_orders")
            self.pulls.append((channel, cursor))
            pages = self._pages.get(channel, [])
            if position >= len(pages):
                return PulledOrders((), cursor)
            return PulledOrders(pages[position], str(position + 1))

    def push_stock(self, channel: Channel, quantities: Mapping[str, int]) -> None:
        """Set each listing's quantity, and record the push.

        Raises:
            InvalidInput: more listings than the shop's rate limit allows in one call, or a negative quantity.
            TransientError: a failure planned with :meth:`fail_next`, or the shop's calls per minute are used up.
        """
        with self._lock:
            self._failures.check("push_stock")
            for listing_id, quantity in quantities.items():
                if type(quantity) is not int or quantity < 0:
                    raise InvalidInput(f"quantities.{listing_id}", quantity, "a quantity is a whole number >= 0")
            self._admit(channel, quantities)
            self._quantities.setdefault(channel, {}).update(quantities)
            self.stock_pushes.append(StockPush(channel, dict(quantities)))

    def adjust_stock(self, channel: Channel, deltas: Mapping[str, int], key: str) -> Mapping[str, int]:
        """Add each delta to the listing's quantity (a decrease larger than what is shown leaves zero), once per
        ``key``, and record the call.

        Returns:
            The quantity each listing of ``deltas`` shows after the change; a repeated key changes nothing and
            gets the first call's answer again.

        Raises:
            InvalidInput: more listings than the shop's rate limit allows in one call, or a delta not an integer.
            TransientError: a failure planned with :meth:`fail_next`, or the shop's calls per minute are used up.
        """
        with self._lock:
            self._failures.check("adjust_stock")
            for listing_id, delta in deltas.items():
                if type(delta) is not int:
                    raise InvalidInput(f"deltas.{listing_id}", delta, "a delta is a whole number")
            self._admit(channel, deltas)
            answer = self._answers.get(key)
            if answer is not None:
                self.stock_adjustments.append(StockAdjustment(channel, dict(deltas), key, dict(answer), True))
                return dict(answer)
            quantities = self._quantities.setdefault(channel, {})
            for listing_id, delta in deltas.items():
                before = quantities.get(listing_id, 0)
                after = before + delta
                quantities[listing_id] = after if after >= 0 or delta >= 0 else min(before, 0)
            answer = {listing_id: max(0, quantities[listing_id]) for listing_id in deltas}
            self._answers[key] = answer
            self.stock_adjustments.append(StockAdjustment(channel, dict(deltas), key, dict(answer)))
            return dict(answer)

    def stock_rate_limit(self, channel: Channel) -> RateLimit:
        """The stock-push limit ``channel`` declares (:data:`UNLIMITED` when none was given)."""
        return self._limits.get(channel, UNLIMITED)

    def _admit(self, channel: Channel, listings: Mapping[str, int]) -> None:
        """Refuse a call beyond the shop's rate limit; count it otherwise. Called under the lock."""
        limit = self._limits.get(channel)
        if limit is None:
            return
        if len(listings) > limit.listings_per_call:
            raise InvalidInput(
                "listings", len(listings), f"{channel} takes at most {limit.listings_per_call} listings per call"
            )
        if self._clock is not None:
            now = self._clock.now()
            recent = [t for t in self._stock_calls.get(channel, []) if now - t < timedelta(minutes=1)]
            if len(recent) >= limit.calls_per_minute:
                raise TransientError(f"{channel} takes at most {limit.calls_per_minute} stock calls per minute")
            recent.append(now)
            self._stock_calls[channel] = recent

    def push_tracking(
        self,
        ref: ExternalOrderRef,
        shipment_id: str,
        carrier: CarrierId,
        tracking_number: str,
        line_ids: Sequence[str],
    ) -> None:
        """Record the write-back.

        Raises:
            TransientError: a failure planned with :meth:`fail_next`.
        """
        with self._lock:
            self._failures.check("push_tracking")
            self.tracking_pushes.append(TrackingPush(ref, shipment_id, carrier, tracking_number, tuple(line_ids)))


def _positive(units: int) -> None:
    if type(units) is not int or units <= 0:
        raise InvalidQuantity("units", units, "a sale is a positive number of units")
