"""Clocks and id generators: the :class:`~omscore.ports.clock.Clock` and
:class:`~omscore.ports.ids.IdGenerator` implementations every composition root needs."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from omscore.domain.errors import InvalidInput


class SystemClock:
    """The system's UTC time, never going backwards within one instance (a wall-clock step back reads as the
    last time given). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: datetime | None = None

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC), not before any time this clock gave out earlier."""
        current = datetime.now(UTC)
        with self._lock:
            if self._last is not None and current < self._last:
                return self._last
            self._last = current
            return current


class ManualClock:
    """A clock that moves only when told to: for tests, replays and simulations. Thread-safe.

    Args:
        start: the first time it reads; timezone-aware. It is reported in UTC.

    Raises:
        InvalidInput: ``start`` is naive.
    """

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start, "start").astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current (set) time, in UTC."""
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta``.

        Returns:
            The new time.

        Raises:
            InvalidInput: ``delta`` is negative (the clock never goes backwards).
        """
        if delta < timedelta(0):
            raise InvalidInput("delta", delta, "a clock cannot go backwards")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, moment: datetime) -> datetime:
        """Jump to ``moment``.

        Returns:
            The new time, in UTC.

        Raises:
            InvalidInput: ``moment`` is naive, or earlier than the current time.
        """
        moment = _aware(moment, "moment").astimezone(UTC)
        with self._lock:
            if moment < self._now:
                raise InvalidInput("moment", moment, f"a clock cannot go backwards from {self._now.isoformat()}")
            self._now = moment
            return moment


def _aware(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(field, moment, "must be timezone-aware")
    return moment


class SequentialIds:
    """Ids made of a prefix and a zero-padded counter per prefix (``O00000001``, ``S00000001`` …). Thread-safe.

    Ids of one prefix sort in the order they were made as long as the counter fits in ``width`` digits.

    Args:
        start: the first number of every prefix (to continue after ids already stored, pass the next one).
        width: digits of the counter.

    Raises:
        InvalidInput: ``start`` is negative or ``width`` is not positive.
    """

    def __init__(self, start: int = 1, width: int = 8) -> None:
        if type(start) is not int or start < 0:
            raise InvalidInput("start", start, "must be a non-negative integer")
        if type(width) is not int or width <= 0:
            raise InvalidInput("width", width, "must be a positive integer")
        self._start = start
        self._width = width
        self._next: dict[str, int] = {}
        self._lock = threading.Lock()

    def next_id(self, prefix: str) -> str:
        """The next id of ``prefix``.

        Raises:
            InvalidInput: the counter no longer fits in ``width`` digits (ids would stop sorting).
        """
        with self._lock:
            number = self._next.get(prefix, self._start)
            if number >= 10**self._width:
                raise InvalidInput("width", self._width, f"prefix {prefix!r} ran out of {self._width}-digit ids")
            self._next[prefix] = number + 1
        return f"{prefix}{number:0{self._width}d}"
