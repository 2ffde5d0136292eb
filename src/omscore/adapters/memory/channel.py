"""A recording fake of :class:`~omscore.ports.channel.ChannelGateway` for tests and demos."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from omscore.adapters.memory._failures import FailurePlan
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import CarrierId, Channel, ExternalOrderRef
from omscore.ports.channel import PulledOrders

ChannelOperation = Literal["pull_orders", "push_stock", "push_tracking"]


@attrs.frozen
class StockPush:
    """One accepted ``push_stock`` call."""

    channel: Channel
    quantities: Mapping[str, int]


@attrs.frozen
class TrackingPush:
    """One accepted ``push_tracking`` call."""

    ref: ExternalOrderRef
    shipment_id: str
    carrier: CarrierId
    tracking_number: str
    line_ids: tuple[str, ...]


class RecordingChannelGateway:
    """Serves queued pages of order payloads per channel and records every push, in call order.

    Cursors are page positions: ``""`` is the start, and the cursor returned with page *n* (counted from 1)
    is ``"n"``. Pulling from an old cursor serves the same page again, as platforms do. Thread-safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[Channel, list[tuple[Mapping[str, Any], ...]]] = {}
        self._failures = FailurePlan(("pull_orders", "push_stock", "push_tracking"))
        self.pulls: list[tuple[Channel, str]] = []
        """Every ``pull_orders`` call that was answered: (channel, cursor asked from)."""
        self.stock_pushes: list[StockPush] = []
        """Every accepted ``push_stock`` call, in order."""
        self.tracking_pushes: list[TrackingPush] = []
        """Every accepted ``push_tracking`` call, in order (repeats included)."""

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
            operation: ``pull_orders``, ``push_stock`` or ``push_tracking``; ``None`` for whichever comes.

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
        """What the shop shows now: the last quantity pushed for each listing of ``channel``.

        Args:
            channel: the shop.

        Returns:
            Listing id → quantity, for every listing ever pushed to the shop.
        """
        with self._lock:
            latest: dict[str, int] = {}
            for push in self.stock_pushes:
                if push.channel == channel:
                    latest.update(push.quantities)
            return latest

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
        """Record the push.

        Raises:
            TransientError: a failure planned with :meth:`fail_next`.
        """
        with self._lock:
            self._failures.check("push_stock")
            self.stock_pushes.append(StockPush(channel, dict(quantities)))

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
